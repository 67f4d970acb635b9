/**
 * Starts an emulator on a real port, for tests and scripts: `127.0.0.1` and a free port by default.
 *
 * @example
 * const emu = await startEmulator()
 * const clerk = createClerkClient({ secretKey: emu.config.secretKey, apiUrl: emu.config.apiUrl })
 * await emu.close()
 */

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEmulator, type Emulator, type EmulatorConfig, type EmulatorOptions } from '../app.ts'
import { toNodeListener, type FetchFunction } from './adapter.ts'

export interface StartOptions extends EmulatorOptions {
  /** Default 0: a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Wraps the app's fetch, e.g. to report requests (the CLI prints 501s). */
  wrapFetch?: (fetch: FetchFunction) => FetchFunction
}

export interface StartedEmulator {
  /** e.g. 'http://localhost:41234' (see `advertisedHost`) */
  url: string
  config: EmulatorConfig
  emulator: Emulator
  /** Stops listening and closes every connection (ending hung requests). */
  close(): Promise<void>
}

export async function startEmulator(options: StartOptions = {}): Promise<StartedEmulator> {
  const { port = 0, host = '127.0.0.1', wrapFetch, ...emulatorOptions } = options
  let listener: ReturnType<typeof toNodeListener> | null = null
  const server = createServer((req, res) => {
    if (listener) listener(req, res)
    else res.writeHead(503).end()
  })
  await listen(server, port, host)
  const { port: actualPort } = server.address() as AddressInfo
  const url = `http://${advertisedHost(host)}:${actualPort}`
  try {
    const emulator = await createEmulator({ publicOrigin: url, ...emulatorOptions })
    const processPath = `${(emulatorOptions.basePath ?? '').replace(/\/+$/, '')}/__emulator/process`
    const fetch: FetchFunction = (request) =>
      request.method === 'GET' && new URL(request.url).pathname === processPath
        ? Promise.resolve(processReport(new URL(request.url).searchParams.has('gc')))
        : emulator.fetch(request)
    listener = toNodeListener(wrapFetch ? wrapFetch(fetch) : fetch)
    return { url, config: emulator.config(), emulator, close: () => close(server) }
  } catch (error) {
    await close(server)
    throw error
  }
}

/**
 * `GET /__emulator/process[?gc]`, answered by the Node layer (the app is runtime-neutral): this
 * process's memory (`process.memoryUsage()`) and CPU time (`process.cpuUsage()`, µs), after a full
 * garbage collection when asked and Node runs with `--expose-gc`. What the bench reads the emulator's
 * own figures from.
 */
function processReport(collect: boolean): Response {
  const gc = (globalThis as { gc?: () => void }).gc
  if (collect && gc) {
    gc()
    gc()
  }
  return Response.json({
    pid: process.pid,
    gc: collect && gc !== undefined,
    memory: process.memoryUsage(),
    cpu: process.cpuUsage(),
  })
}

/**
 * Loopback is advertised as `localhost`: pages in tests and the demo run on `localhost`, and only the
 * same host name makes the emulator's `SameSite=Lax` client cookie same-site (`127.0.0.1` and
 * `localhost` are different sites). Browsers and Node try both address families for `localhost`.
 */
function advertisedHost(host: string): string {
  if (['127.0.0.1', 'localhost', '0.0.0.0', '::'].includes(host)) return 'localhost'
  return host.includes(':') ? `[${host}]` : host
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
