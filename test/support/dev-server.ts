/**
 * `npm start`'s server, in process: Vite with the repo's `vite.config.ts`, which reads `PORT` and
 * `EMULATOR_DATA_DIR` (and any Clerk keys) from the environment (set here only while the config loads).
 */
import { createServer as createNetServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}

export interface DevServer {
  server: ViteDevServer
  origin: string
}

export async function startDevServer(
  options: { port?: number; dataDir?: string; env?: Record<string, string> } = {},
): Promise<DevServer> {
  const port = options.port ?? (await freePort())
  const variables: Record<string, string | undefined> = {
    ...options.env,
    PORT: String(port),
    EMULATOR_DATA_DIR: options.dataDir,
  }
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]))
  const set = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  set(variables)
  let server: ViteDevServer
  try {
    server = await createServer({
      root: ROOT,
      configFile: `${ROOT}vite.config.ts`,
      logLevel: 'silent',
      clearScreen: false,
    })
  } finally {
    set(before)
  }
  await server.listen()
  return { server, origin: `http://localhost:${port}` }
}
