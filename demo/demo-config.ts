/**
 * What the demo's server tells its page: the one contract between `demo/server/` (which builds it
 * and serves it as `/demo-config.json`) and `demo/page/` (which reads it). Types only, so either side
 * may import it without pulling in the other.
 */
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
