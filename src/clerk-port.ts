/**
 * The small slice of ClerkJS that `<birthday-editor>` uses, and how it obtains a Clerk instance.
 * A real `Clerk` (from Clerk's script tag or `@clerk/clerk-js`) satisfies {@link ClerkPort}; tests
 * pass a fake. Nothing here imports ClerkJS, so none of its ~570 KiB lands in the element's bundle.
 */

/** A session token Clerk holds. */
export interface ClerkToken {
  getRawString(): string
}

/** The active session. */
export interface ClerkSession {
  /** The token Clerk already holds: read without a network request. */
  readonly lastActiveToken: ClerkToken | null
  /** The session token; `skipCache` mints a fresh one. */
  getToken(options?: { skipCache?: boolean }): Promise<string | null>
}

/** The signed-in user. */
export interface ClerkUser {
  /** Reloads the user and, through the piggybacked client, the session token. */
  reload(): Promise<unknown>
}

/** What the element needs from a Clerk instance, loaded or still loading. */
export interface ClerkPort {
  readonly loaded: boolean
  /** ClerkJS's status: `loading` (from construction until a load ends), `ready`, `degraded`, `error`. */
  readonly status?: string
  readonly session?: ClerkSession | null
  readonly user?: ClerkUser | null
  /** Called on load, sign-in, sign-out, user switch and token refresh; returns an unsubscribe. */
  addListener(listener: () => void): () => void
  /** ClerkJS's status event: a signed-out load ends with it alone (listeners are not called). */
  on?(event: 'status', handler: () => void): void
  off?(event: 'status', handler: () => void): void
  load?(): Promise<void>
}

/**
 * Why `clerk` cannot serve as a Clerk, with the fix, or `''` when it can. Tried with every read the
 * element makes of it before anything is registered with it, so a failure leaves nothing behind. A
 * Vue `ref()` or `reactive()` Proxy of ClerkJS fails here: ClerkJS's getters read private fields,
 * which a Proxy lacks (Vue's proxies answer `__v_raw`, which names the cause).
 */
export function clerkProblem(clerk: unknown): string {
  const port = clerk as ClerkPort & { __v_raw?: unknown }
  let vue
  try {
    if (typeof port.addListener !== 'function')
      return 'it is not a Clerk (no addListener()).' + PASS
    void [port.loaded, port.status, port.session, port.user]
    return ''
  } catch (error) {
    try {
      vue = port.__v_raw
    } catch {
      // A foreign Proxy that throws on any read: not Vue's.
    }
    return vue
      ? `it is a Vue reactive Proxy (${String(error)}). Keep Clerk in shallowRef() or markRaw() it, or leave \`clerk\` unset to use window.Clerk.`
      : `reading it threw (${String(error)}).` + PASS
  }
}

/** The fix for a Clerk that throws. */
export const PASS = ' Pass the Clerk instance itself.'

/** The global that Clerk's browser bundle sets. */
export const globalClerk = (): ClerkPort | undefined => (window as { Clerk?: ClerkPort }).Clerk

/**
 * The URL of Clerk's browser bundle: `<proxyUrl or https://<frontend API>>/npm/@clerk/clerk-js@6/dist/clerk.browser.js`,
 * where the publishable key encodes the frontend API host (`pk_test_` + base64 of `host$`).
 */
export function clerkScriptUrl(publishableKey: string, proxyUrl?: string | null): string {
  const host = atob(publishableKey.split('_')[2]!).slice(0, -1)
  return (
    (proxyUrl || 'https://' + host).replace(/\/+$/, '') +
    '/npm/@clerk/clerk-js@6/dist/clerk.browser.js'
  )
}

/** Clerk's own script tag, and the tag `@clerk/shared`'s loader (used by `<ClerkProvider>`) injects. */
export const CLERK_TAG = 'script[data-clerk-publishable-key]'

let shared: Promise<ClerkPort | null> | undefined

/**
 * Loads Clerk for `publishable-key`, once per page: Clerk's browser bundle by script tag (with the
 * attributes Clerk's own loaders set), then `load()` on the instance that tag created. Every editor
 * shares the one load; a failed load is forgotten, so a later call tries again.
 *
 * Resolves to `null` when the page has its own Clerk (`window.Clerk`, or Clerk's tag: the page's or
 * a framework SDK's) — the caller then follows `window.Clerk` and never loads it. The element calls
 * `load()` only on an instance it created itself. ClerkJS 6 gives no way to tell "the page is
 * loading it" from "nobody will": its `status` is `loading` from construction, and `load()` guards
 * only on `loaded` (status `ready` or `degraded`), so a second call during a load runs a second
 * load; and `load(options)` is where the page's options apply, so a load by the element would make
 * the page's own later `load(options)` a no-op that drops them.
 */
export function loadClerk(
  publishableKey: string,
  proxyUrl?: string | null,
  scriptUrl?: string | null,
): Promise<ClerkPort | null> {
  return (shared ??=
    globalClerk() || document.querySelector(CLERK_TAG)
      ? Promise.resolve(null)
      : new Promise<ClerkPort | undefined>((resolve, reject) => {
          const script = document.createElement('script')
          script.src = scriptUrl || clerkScriptUrl(publishableKey, proxyUrl)
          script.crossOrigin = 'anonymous'
          script.setAttribute('data-clerk-publishable-key', publishableKey)
          if (proxyUrl) script.setAttribute('data-clerk-proxy-url', proxyUrl)
          script.onload = () => resolve(globalClerk())
          script.onerror = (error) => {
            script.remove()
            reject(error)
          }
          document.head.append(script)
        })
          .then(async (clerk) => {
            if (!clerk) throw new Error('no window.Clerk')
            if (!clerk.loaded) await clerk.load?.()
            return clerk
          })
          .catch((error: unknown) => {
            shared = undefined
            throw error
          }))
}
