/**
 * Everything the demo page talks to, as one Node middleware: the Clerk emulator at `/__clerk`
 * behind the demo's Frontend API proxy (`frontend-api-proxy.ts`; unless real Clerk keys are configured), the reference handler at `/api/update-user-metadata`, and
 * `/demo-config.json`, which tells the page how to reach Clerk. It also opens a second origin (the
 * "handler origin", another port) that serves only the handler, for the cross-origin page.
 *
 * Used by the Vite plugin (`npm start`, dev server) and by the static server of the built demo
 * (`demo/serve-built.ts`, end-to-end tests), so both run the same backend.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import {
  createBirthdayHandler,
  DEFAULT_PATH,
  type BirthdayHandlerOptions,
} from '../server/index.ts'
import { createEmulator, DEMO_USER, type Emulator, type EmulatorOptions } from '../emulator/app.ts'
import { toNodeListener } from '../emulator/node/adapter.ts'
import { clerkScriptUrl } from '../src/clerk-port.ts'
import { openEmulatorFiles } from '../emulator/node/files.ts'
import { chooseClerk, type ClerkKeys, type ClerkMode } from './clerk-mode.ts'
import { frontendApiProxy } from './frontend-api-proxy.ts'

export const EMULATOR_PATH = '/__clerk'

/** What the page needs to reach Clerk and the handler; served as `/demo-config.json`. */
export interface DemoConfig {
  mode: 'emulator' | 'clerk'
  publishableKey: string
  /** Set in emulator mode: ClerkJS's `proxyUrl`. */
  proxyUrl?: string
  /** Where the page loads ClerkJS's browser bundle from. */
  clerkJsUrl: string
  /** The handler on the same origin as the page. */
  endpoint: string
  /** The handler on the second origin, for the cross-origin page. */
  crossOriginEndpoint: string
  /** Prefilled credentials of the seeded user (emulator mode only). */
  demoUser?: { email: string; password: string }
}

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

export async function createDemoBackend(options: DemoBackendOptions): Promise<DemoBackend> {
  const { origin } = options
  const choice = chooseClerk(options.env)

  // The handler origin is opened first: its URL is one of the handler's allowed origins.
  const handlerServer = createServer()
  await new Promise<void>((resolve) =>
    handlerServer.listen(options.handlerPort, '127.0.0.1', resolve),
  )
  const handlerOrigin = `http://localhost:${(handlerServer.address() as AddressInfo).port}`

  let emulator: Emulator | undefined
  let clerk: ClerkKeys
  let emulatorListener: ReturnType<typeof toNodeListener> | undefined
  if (choice.mode === 'clerk') {
    clerk = choice.keys
  } else {
    const files = options.dataDir ? await openEmulatorFiles(options.dataDir) : undefined
    emulator = await createEmulator({
      ...options.emulatorOptions,
      basePath: EMULATOR_PATH,
      publicOrigin: origin,
      ...(files ? { privateKeyPem: files.privateKeyPem, onStateChange: files.save } : {}),
      ...(files?.state ? { state: files.state } : {}),
    })
    // ClerkJS reaches it through the page's own origin, as through a Clerk proxy.
    emulatorListener = toNodeListener(
      options.proxyAddsPageOrigin === false ? emulator.fetch : frontendApiProxy(emulator.fetch),
    )
    const emulatorConfig = emulator.config(origin)
    clerk = {
      publishableKey: emulatorConfig.publishableKey,
      secretKey: emulatorConfig.secretKey,
      jwtKey: emulatorConfig.jwtKey,
      // Over real HTTP, through the page's own server: the same path a deployed handler takes.
      apiUrl: emulatorConfig.apiUrl,
    }
  }

  const handler = createBirthdayHandler({
    ...clerk,
    allowedOrigins: [origin, ...(options.extraOrigins ?? [])],
    // The second port serves the handler alone: only at its path, as a deployed one.
    path: DEFAULT_PATH,
    logger: () => {},
    ...options.handlerOptions,
  })
  const handlerListener = getRequestListener(handler)
  handlerServer.on('request', handlerListener)

  const config: DemoConfig = {
    mode: emulator ? 'emulator' : 'clerk',
    publishableKey: clerk.publishableKey,
    ...(emulator ? { proxyUrl: `${origin}${EMULATOR_PATH}` } : {}),
    clerkJsUrl: emulator
      ? `${EMULATOR_PATH}/npm/@clerk/clerk-js@6/dist/clerk.browser.js`
      : clerkScriptUrl(clerk.publishableKey),
    endpoint: DEFAULT_PATH,
    crossOriginEndpoint: `${handlerOrigin}${DEFAULT_PATH}`,
    // The emulator's seeded user.
    ...(emulator ? { demoUser: { email: DEMO_USER.email, password: DEMO_USER.password } } : {}),
  }

  return {
    config,
    clerkMode: choice,
    emulator,
    handlerOrigin,
    middleware(req, res, next) {
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      if (path === '/demo-config.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        res.end(JSON.stringify(config))
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
    },
    close: () =>
      new Promise<void>((resolve) => {
        handlerServer.closeAllConnections()
        handlerServer.close(() => resolve())
      }),
  }
}

/** Clerk's own script tag for the page, as Clerk's docs write it; replaces `<!--clerk-js-->`. */
export function clerkScriptTag(config: DemoConfig): string {
  const attribute = (name: string, value: string) =>
    ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`
  return (
    '<script' +
    attribute('src', config.clerkJsUrl) +
    attribute('crossorigin', 'anonymous') +
    attribute('data-clerk-publishable-key', config.publishableKey) +
    (config.proxyUrl ? attribute('data-clerk-proxy-url', config.proxyUrl) : '') +
    '></script>'
  )
}

/** The origin ClerkJS talks to when real Clerk keys are used (nothing extra in emulator mode). */
export function clerkOrigin(config: DemoConfig): string | undefined {
  return config.mode === 'clerk' ? new URL(config.clerkJsUrl).origin : undefined
}
