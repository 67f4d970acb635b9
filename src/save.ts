/**
 * The requests to the birthday endpoint: one save (`POST` `{ "birthday": … }` with the session token
 * as Bearer, a timeout and no redirects, one retry with a fresh token after a 401, a wait for
 * `Retry-After` after a 409), and one read of the stored value (`GET`). Every failure is mapped
 * through a fixed table: an error body is drained but never used, so server text can never become
 * markup.
 */
import { isIsoDate } from './birthday.ts'
import type { ClerkSession } from './clerk-port.ts'
import type { BirthdayEditorErrorCode } from './events.ts'
import { decodeClaims } from './token.ts'

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
/**
 * No user-visible wait on Clerk over 5 s: the Clerk calls before one POST share one budget (`end`,
 * ms since the epoch); a call still pending when it runs out counts as failed.
 */
export const until =
  (end: number) =>
  <T>(promise: T | Promise<T>) =>
    Promise.race([promise, delay(end - Date.now()).then(() => Promise.reject())])

export interface SaveFailure {
  code: BirthdayEditorErrorCode
  /** From `Retry-After` on a 429: seconds to wait before trying again. */
  seconds?: number
}

/**
 * The fixed error table: HTTP status → error code. Each status has one server error code
 * (`ERROR_STATUS` in server/errors.ts, named in the comments), so the status selects the row. A
 * status whose code maps to the fallback (`invalid` for a 4xx, `server` for a 5xx) is left out, to
 * keep the element small, and listed in `FALLBACK_STATUSES` (save-fallbacks.ts) instead:
 * scripts/error-contract.test.ts fails when a server status is in neither.
 */
export const ERROR_TABLE: Record<number, BirthdayEditorErrorCode> = {
  401: 'unauthenticated', // unauthenticated
  403: 'config', // origin_not_allowed
  404: 'config', // not_found
  405: 'config', // method_not_allowed
  408: 'timeout', // request_timeout: the body did not arrive in time
  409: 'busy', // save_in_progress: an earlier write for this user has not settled
  415: 'config', // unsupported_media_type
  429: 'rate-limited', // rate_limited
  504: 'timeout', // upstream_timeout
}

/** The error code for an HTTP error status. */
export const errorCodeFor = (status: number): BirthdayEditorErrorCode =>
  ERROR_TABLE[status] ?? (status < 500 ? 'invalid' : 'server')

/** Seconds from a `Retry-After` header (delta-seconds or HTTP date): 5 when absent, at least 1. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  const seconds = Math.ceil(Number(header ?? 5) || (Date.parse(header ?? '') - now) / 1000)
  return seconds > 0 ? Math.min(seconds, 86_400) : 1
}

/**
 * The session token to send: `token(true)` must return a freshly minted one; `token(false)` may
 * return the one held.
 */
export type TokenSource = (fresh: boolean) => string | null | undefined | Promise<string | null>

/**
 * The token to send: the one ClerkJS holds while it has over 10 s left, without a call into
 * ClerkJS (which takes milliseconds even from its cache); else, or when fresh, ClerkJS's.
 */
export function tokenSource(session: ClerkSession): TokenSource {
  return (fresh) => {
    const held = session.lastActiveToken?.getRawString()
    return !fresh && Number(decodeClaims(held)?.exp) > Date.now() / 1e3 + 10
      ? held
      : session.getToken({ skipCache: fresh })
  }
}

export interface SendOptions {
  url: string
  birthday: string | null
  token: TokenSource
  /** Per request, and the budget for waiting out 409s, ms. */
  timeout: number
  /** Aborts the request (disconnect); the result is then a `network` failure to ignore. */
  signal: AbortSignal
}

/**
 * Sends one save. Resolves to `null` on a 2xx, else to a {@link SaveFailure}; never rejects.
 * A 409 (an earlier write for the user has not settled) is retried after its `Retry-After` while
 * that fits in the `timeout` budget, then reported as `busy`.
 */
export async function sendBirthday(options: SendOptions): Promise<SaveFailure | null> {
  const { url, birthday, token, timeout: timeoutMs, signal } = options
  const end = Date.now() + timeoutMs
  let timeout: AbortSignal | undefined
  try {
    for (let fresh = false; ;) {
      const within5s = until(Date.now() + 5000)
      let bearer = await within5s(token(fresh))
      // A token minted by a GET (no Origin: ClerkJS behind a same-origin proxy, after a load or
      // `user.reload()`) has no `azp`, which careful handlers refuse: mint one that has it first.
      if (bearer && !fresh && !decodeClaims(bearer)?.azp)
        bearer = await within5s(token((fresh = true)))
      if (!bearer) return { code: 'unauthenticated' }
      timeout = AbortSignal.timeout(timeoutMs)
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'error',
        signal: AbortSignal.any([signal, timeout]),
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + bearer },
        body: JSON.stringify({ birthday }),
      })
      // Read to the end (and ignore): it frees the connection and completes the request's
      // Resource Timing entry; the text itself is never used.
      await response.text()
      const { status } = response
      if (response.ok) return null
      const wait = retryAfterSeconds(response.headers.get('retry-after')) * 1000
      if (status === 401 && !fresh) {
        fresh = true
        continue
      }
      if (status === 409 && Date.now() + wait < end) {
        await delay(wait)
        signal.throwIfAborted()
        continue
      }
      const failure: SaveFailure = { code: errorCodeFor(status) }
      if (status === 429) failure.seconds = wait / 1000
      return failure
    }
  } catch {
    return { code: timeout?.aborted ? 'timeout' : 'network' }
  }
}

export interface ReadOptions {
  url: string
  token: TokenSource
  timeout: number
  signal: AbortSignal
}

/**
 * The stored birthday from the endpoint's `GET` (the handler's contract: the source of truth), for
 * when session tokens do not carry it. `undefined` when it cannot be read (no `GET`, an error, a
 * body that is not `{ "birthday": "YYYY-MM-DD" | null }`); never rejects.
 */
export async function readStoredBirthday(options: ReadOptions): Promise<string | null | undefined> {
  const { url, token, timeout, signal } = options
  try {
    const bearer = await until(Date.now() + 5000)(token(false))
    const response = await fetch(url, {
      redirect: 'error',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]),
      headers: { authorization: 'Bearer ' + bearer },
    })
    // An error body is read too (JSON or not) but never used; a body of `null` throws here.
    const { birthday } = (await response.json()) as { birthday?: unknown }
    return response.ok && (birthday === null || isIsoDate(birthday)) ? birthday : undefined
  } catch {
    return undefined
  }
}
