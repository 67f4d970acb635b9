/**
 * The request context every route handler receives, with the emulator's shared state it reaches
 * through, and the shape of a route row. Kept apart from `app.ts` so the route files and the app do
 * not import each other.
 */

import type { Faults } from './faults.ts'
import type { InstanceType, SigningKey } from './keys.ts'
import type { RequestLog } from './request-log.ts'
import type { Settings } from './settings.ts'
import type { Webhooks } from './webhooks.ts'
import type { Store } from './store.ts'

export interface EmulatorConfig {
  publishableKey: string
  secretKey: string
  proxyUrl: string
  apiUrl: string
  jwtKey: string
  jwksUrl: string
  /** `whsec_…`: what `verifyWebhook` checks deliveries with (`CLERK_WEBHOOK_SIGNING_SECRET`). */
  webhookSigningSecret: string
}

/** Where the script routes read ClerkJS or `@clerk/ui` files from (the installed packages, under Node). */
export interface ClerkJsSource {
  /** The exact version, e.g. `6.40.0`. */
  version: string
  /** A file of the package's `dist/` folder by bare name, or null when there is none. */
  read(file: string): Promise<Uint8Array<ArrayBuffer> | null>
  /**
   * Other installed versions of the same package, each served at its own version (the project's npm
   * aliases of it, e.g. `"clerk-js-5": "npm:@clerk/clerk-js@^5"` beside ClerkJS 6).
   */
  alongside?: ClerkJsSource[]
}

export interface EmulatorState {
  readonly basePath: string
  readonly keyHost: string
  readonly instanceType: InstanceType
  readonly publishableKey: string
  readonly secretKey: string
  readonly key: SigningKey
  readonly metadataWriteLimit: { max: number; windowMs: number }
  readonly initialSettings: Settings
  settings: Settings
  readonly store: Store
  readonly faults: Faults
  readonly log: RequestLog
  readonly webhooks: Webhooks
  /** Name of the HttpOnly client cookie, suffixed per emulator instance. */
  readonly clientCookie: string
  /** Emulator time in ms: the `now` option plus the clock offset. */
  now(): number
  /** Hands the state to `onStateChange` (persistence); awaited so a 200 means "saved". */
  persist(): Promise<void>
  clerkJs(): Promise<ClerkJsSource | null>
  /** `@clerk/ui`, when installed (an optional peer). */
  clerkUi(): Promise<ClerkJsSource | null>
  config(origin: string): EmulatorConfig
}

export interface Context {
  request: Request
  url: URL
  /** Path below `basePath`, always starting with `/`. */
  path: string
  /** The effective method (`_method` applied for Frontend API and control requests). */
  method: string
  params: Record<string, string>
  origin: string | null
  state: EmulatorState
  /** Headers to add to whatever the handler answers (e.g. `Set-Cookie`). */
  responseHeaders: Headers
}

export type Handler = (ctx: Context) => Promise<Response>

/** One row of a route file's table: the method, the path pattern below `basePath` and its handler. */
export interface RouteRow {
  method: string
  path: string
  handler: Handler
}
