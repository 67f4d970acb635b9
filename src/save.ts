/**
 * One save of a birthday: `POST` `{ "birthday": … }` with the session token as Bearer, a timeout and
 * no redirects, one retry with a fresh token after a 401, and every failure mapped through a fixed
 * table: the response body is drained but never used, so server text can never become markup.
 */
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
 * The fixed error table: HTTP status → error code. Each status has one documented server error
 * code (`{ "error": { "code" } }`, in the comments), so the status selects the row. The rows that
 * equal the fallback, `invalid` for a 4xx and `server` for a 5xx, are left out to keep the element
 * small: 400 (invalid_body) and 413 (payload_too_large) → `invalid`; 500 (internal), 502
 * (upstream_error) and 503 (upstream_unavailable) → `server`.
 */
const TABLE: Record<number, BirthdayEditorErrorCode> = {
  401: 'unauthenticated', // unauthenticated
  403: 'config', // origin_not_allowed
  404: 'config', // not_found
  405: 'config', // method_not_allowed
  415: 'config', // unsupported_media_type
  429: 'rate-limited', // rate_limited
  504: 'timeout', // upstream_timeout
}

/** The error code for an HTTP error status. */
export const errorCodeFor = (status: number): BirthdayEditorErrorCode =>
  TABLE[status] ?? (status < 500 ? 'invalid' : 'server')

/** Seconds from a `Retry-After` header (delta-seconds or HTTP date): 5 when absent, at least 1. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  const seconds = Math.ceil(Number(header ?? 5) || (Date.parse(header!) - now) / 1000)
  return seconds > 0 ? Math.min(seconds, 86_400) : 1
}

/**
 * Sends one save. Resolves to `undefined` on a 2xx, else to a {@link SaveFailure}; never rejects
 * (an abort through `signal` ends as a `network` failure, which the caller ignores).
 * `token(true)` must return a freshly minted session token; `token(false)` may return the one held.
 */
export async function sendBirthday(
  url: string,
  birthday: string | null,
  token: (fresh: boolean) => string | null | undefined | Promise<string | null>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SaveFailure | undefined> {
  let timeout: AbortSignal | undefined
  try {
    for (let fresh = false; ; fresh = true) {
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
      if (response.ok) return
      if (status == 401 && !fresh) continue
      const failure: SaveFailure = { code: errorCodeFor(status) }
      if (status == 429) failure.seconds = retryAfterSeconds(response.headers.get('retry-after'))
      return failure
    }
  } catch {
    return { code: timeout?.aborted ? 'timeout' : 'network' }
  }
}
