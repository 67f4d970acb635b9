/**
 * The whole save, without the DOM: POST the birthday ({@link sendBirthday}), then refresh the session
 * token and check that the fresh one carries the value, with backoff. The element only orchestrates
 * and renders around it.
 */
import { birthdayClaim } from './claim.ts'
import type { ClerkSession, ClerkUser } from './clerk-port.ts'
import { delay, sendBirthday, tokenSource, until } from './save.ts'
import type { SaveFailure, SendOptions } from './save.ts'
import { decodeClaims } from './token.ts'

/**
 * What the fresh token says after a save: `verified` (it carries the value), `stale` (it does not:
 * the template lacks the claim, or it lags after every retry), `unread` (no fresh token in time).
 */
export interface TokenCheck {
  verdict: 'verified' | 'stale' | 'unread'
  /** The fresh token's `iat` (seconds), or `null` when none was read. */
  iat: number | null
}

export type SaveOutcome = { sent: false; failure: SaveFailure } | ({ sent: true } & TokenCheck)

/** How saves go: the element's attributes of the same names. */
export interface SaveSettings {
  /** Where the POST goes. */
  endpoint: string
  /** Per request, and the budget for waiting out 409s, ms. */
  timeout: number
  /** `token`: `session.getToken({ skipCache: true })`; `user`: `user.reload()`, then `getToken()`. */
  refresh: 'token' | 'user'
  /** The claim (name or dot path) that carries the birthday in session tokens. */
  claim: string
}

/** The birthday and the session to save it with, how, and what to tell the host on the way. */
export interface SaveAndVerifyOptions extends Pick<SendOptions, 'birthday' | 'signal'> {
  session: ClerkSession
  user: ClerkUser | null | undefined
  settings: SaveSettings
  /** Called once the server has stored the value, before the refresh. */
  onStored: () => void
}

/** Longest wait on Clerk after a save before the saved value shows as "will sync", ms. */
export const REFRESH_BUDGET = 5000

const UNREAD: TokenCheck = { verdict: 'unread', iat: null }

/** One save, start to end. Never rejects. */
export async function saveAndVerify(options: SaveAndVerifyOptions): Promise<SaveOutcome> {
  const failure: SaveFailure | null = navigator.onLine
    ? await sendBirthday({
        ...options,
        url: options.settings.endpoint,
        timeout: options.settings.timeout,
        token: tokenSource(options.session),
      })
    : { code: 'offline' }
  if (failure) return { sent: false, failure }
  options.onStored()
  const checked = await until(Date.now() + REFRESH_BUDGET)(verify(options)).catch(() => UNREAD)
  return { sent: true, ...checked }
}

/** Refresh, then check the fresh token's claim; up to three tries, 500 ms then 1 s apart. */
async function verify(options: SaveAndVerifyOptions): Promise<TokenCheck> {
  const { session, user, birthday } = options
  const byUser = options.settings.refresh === 'user'
  for (let attempt = 0; ; attempt++) {
    // `user`: reload() brings the fresh token along; getToken() then reads it.
    if (byUser) {
      if (!user) return UNREAD
      await user.reload()
    }
    const claims = decodeClaims(await session.getToken({ skipCache: !byUser }))
    if (!claims) return UNREAD
    const iat = typeof claims.iat === 'number' ? claims.iat : null
    const claim = birthdayClaim(options.settings.claim, claims)
    if (claim === birthday) return { verdict: 'verified', iat }
    // An absent claim means the template lacks it: no retry can bring it.
    if (claim === undefined || attempt === 2) return { verdict: 'stale', iat }
    await delay(500 * 2 ** attempt)
  }
}
