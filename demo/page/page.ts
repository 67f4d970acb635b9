/** What the demo's pages share: their configuration, the page's Clerk, and a typed lookup. */
import type { DemoConfig } from '../demo-config.ts'

/** The slice of ClerkJS the demo pages use (the element needs even less: `src/clerk-port.ts`). */
export interface DemoClerk {
  loaded: boolean
  load(options?: Record<string, unknown>): Promise<void>
  addListener(listener: () => void): () => void
  session?: { lastActiveToken?: { getRawString(): string } | null } | null
  user?: { id: string; primaryEmailAddress?: { emailAddress: string } | null } | null
  client: {
    signIn: {
      create(params: { identifier: string; password: string }): Promise<{
        createdSessionId: string | null
      }>
    }
  }
  setActive(params: { session: string | null }): Promise<void>
  signOut(): Promise<void>
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (!element) throw new Error(`missing #${id}`)
  return element as T
}

export async function demoConfig(): Promise<DemoConfig> {
  const response = await fetch('/demo-config.json')
  return (await response.json()) as DemoConfig
}

/**
 * `window.Clerk`, set by Clerk's script tag in the page, loaded. Telemetry is off (it would call
 * Clerk's telemetry host, which the page's policy does not allow), and navigation after sign-out stays
 * in the page.
 */
export async function loadPageClerk(): Promise<DemoClerk> {
  const clerk = (window as { Clerk?: DemoClerk }).Clerk
  if (!clerk) throw new Error('ClerkJS did not load: window.Clerk is missing')
  if (!clerk.loaded) {
    await clerk.load({
      telemetry: false,
      routerPush: (to: string) => history.pushState(null, '', to),
      routerReplace: (to: string) => history.replaceState(null, '', to),
    })
  }
  return clerk
}
