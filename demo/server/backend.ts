/**
 * Everything the demo page talks to, as one Node middleware: the Clerk emulator at `/__clerk`
 * (unless real Clerk keys are configured), the reference handler at `/api/update-user-metadata`,
 * and `/demo-config.json`, which tells the page how to reach Clerk. It also opens a second origin
 * (the "handler origin", another port) that serves only the handler, for the cross-origin page.
 *
 * Used by the Vite plugin (`npm start`, dev server) and by the static server of the built demo
 * (`demo/server/serve-built.ts`, end-to-end tests), so both run the same backend.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  createBirthdayHandler,
  DEFAULT_PATH,
  type BirthdayHandler,
  type BirthdayHandlerOptions,
} from '../../server/index.ts'
import { startServer, toNodeListener } from '../../server/node/index.ts'
import type { Emulator, EmulatorOptions } from '../../emulator/app.ts'
import type { DemoConfig } from '../demo-config.ts'
import { chooseClerk, type ClerkKeys, type ClerkMode } from './clerk-mode.ts'
import { buildClerkSide, EMULATOR_PATH, type ClerkSide } from './clerk-side.ts'
import { pageConfig } from './page-config.ts'

export interface DemoBackendOptions {
  /** The page's origin, e.g. `http://localhost:5173`. */
  origin: string
  /** Port of the handler origin; 0 picks a free one. */
  handlerPort: number
  /** Environment: real Clerk keys switch the emulator off. */
  env: Record<string, string | undefined>
  /** Where the emulator keeps its key and data between runs; absent = in memory only. */
  dataDir?: string
  /** Extra origins allowed to call the handler. */
  extraOrigins?: string[]
  /** Overrides for the handler, e.g. a looser rate limit for benchmarks. */
  handlerOptions?: Partial<BirthdayHandlerOptions>
  /** Overrides for the emulator, e.g. a looser metadata write limit for benchmarks. */
  emulatorOptions?: EmulatorOptions
  /**
   * Whether the proxy in front of the emulator gives same-origin GETs the page's origin (default
   * true; see `frontend-api-proxy.ts`). False: a proxy that forwards requests as they come.
   */
  proxyAddsPageOrigin?: boolean
  /** The ClerkJS major the page loads from the emulator (`6`, or `5` where it is installed). */
  clerkJsMajor?: '5' | '6'
}

export interface DemoBackend {
  config: DemoConfig
  /** Which Clerk it runs on, and why. */
  clerkMode: ClerkMode
  /** Connect-style middleware; calls `next()` for anything it does not serve. */
  middleware(req: IncomingMessage, res: ServerResponse, next: () => void): void
  /** The emulator, in emulator mode. */
  emulator?: Emulator
  handlerOrigin: string
  close(): Promise<void>
}

type Middleware = DemoBackend['middleware']

export async function createDemoBackend(options: DemoBackendOptions): Promise<DemoBackend> {
  const clerkMode = chooseClerk(options.env)
  const clerk = await buildClerkSide(clerkMode, options)
  const handler = demoHandler(clerk.keys, options)
  // The config names the second origin's URL, so that origin opens first.
  const second = await openHandlerOrigin(handler, options)
  const config = pageConfig(clerk, {
    origin: options.origin,
    handlerOrigin: second.origin,
    ...(options.clerkJsMajor ? { clerkJsMajor: options.clerkJsMajor } : {}),
  })
  return {
    config,
    clerkMode,
    ...(clerk.mode === 'emulator' ? { emulator: clerk.emulator } : {}),
    handlerOrigin: second.origin,
    middleware: demoMiddleware(config, clerk, handler, options),
    close: second.close,
  }
}

/** The reference handler on the chosen Clerk's keys, for the page's origin (and any extra ones). */
export function demoHandler(keys: ClerkKeys, options: DemoBackendOptions): BirthdayHandler {
  return createBirthdayHandler({
    ...keys,
    allowedOrigins: [options.origin, ...(options.extraOrigins ?? [])],
    // The second port serves the handler alone: only at its path, as a deployed one.
    path: DEFAULT_PATH,
    logger: () => {},
    ...options.handlerOptions,
  })
}

/**
 * The second origin: the handler alone on another loopback port, served by the handler's own Node
 * server (`server/node/`, as `npm run server` serves it: unread small bodies drained, timeouts).
 */
export async function openHandlerOrigin(
  handler: BirthdayHandler,
  options: Pick<DemoBackendOptions, 'handlerPort' | 'handlerOptions'>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const running = await startServer({
    handler,
    port: options.handlerPort,
    host: '127.0.0.1',
    bodyLimitBytes: options.handlerOptions?.bodyLimitBytes,
  })
  return { origin: `http://localhost:${new URL(running.url).port}`, close: running.close }
}

/** `/demo-config.json`, the emulator at `/__clerk` (emulator mode) and the handler at its path. */
export function demoMiddleware(
  config: DemoConfig,
  clerk: ClerkSide,
  handler: BirthdayHandler,
  options: Pick<DemoBackendOptions, 'handlerOptions'> = {},
): Middleware {
  const emulatorListener = clerk.mode === 'emulator' ? clerk.listener : undefined
  // The same Node adapter as the second origin and `npm run server`.
  const handlerListener = toNodeListener(handler, {
    bodyLimitBytes: options.handlerOptions?.bodyLimitBytes,
  })
  const body = JSON.stringify(config)
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path === '/demo-config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(body)
    } else if (
      emulatorListener &&
      (path === EMULATOR_PATH || path.startsWith(`${EMULATOR_PATH}/`))
    ) {
      void emulatorListener(req, res)
    } else if (path === DEFAULT_PATH) {
      void handlerListener(req, res)
    } else {
      next()
    }
  }
}
