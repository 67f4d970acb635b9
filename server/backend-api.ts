/**
 * The handler's three Clerk Backend API calls — `users.getUser`, `users.updateUserMetadata` and the
 * JWKS — made through `@clerk/backend`'s own client (`createClerkClient`, one per handler), wrapped
 * in the handler's contract: one deadline per call (default 5 s) covering at most one jittered
 * retry, and failures turned into `HttpError`s.
 *
 * - Only network errors and 5xx are retried (the metadata write is idempotent).
 * - 502/503/504 carry a `Retry-After`; Clerk's 429 passes its own through.
 * - A user that no longer exists (deleted after the token was minted) is the same 401 as any other
 *   authentication failure; Clerk refusing our secret key is a 500 (a misconfiguration, not the
 *   caller's fault).
 *
 * `@clerk/backend` 3.25 takes no `fetch`, `AbortSignal` or timeout, so its requests cannot be
 * cancelled: the deadline is a race, and a request that loses it is abandoned and left to finish
 * (or fail) on its own, its late answer ignored. The SDK throws `ClerkAPIResponseError` for a
 * non-2xx answer (`status`, `retryAfter`) and also, with no `status`, for a network failure or an
 * unreadable answer; anything else it throws is treated like a network failure too.
 */
import { createClerkClient, isClerkAPIResponseError, type User } from './clerk-sdk.ts'
import { raceDeadline, TIMED_OUT } from './deadline.ts'
import { HttpError, unauthenticated } from './errors.ts'

const DEFAULT_TIMEOUT_MS = 5_000
/** Retry-After for our own 502/503/504 when Clerk gave none. */
const UPSTREAM_RETRY_AFTER_SECONDS = 5
/** Retry-After for a Clerk 429 that came without one. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 10
/** The jittered pause before the one retry, and the least time worth a second attempt. */
const RETRY_DELAY_MS = { min: 100, max: 300 }
const MIN_ATTEMPT_MS = 250

export interface BackendApiOptions {
  secretKey: string
  /** e.g. `https://api.clerk.com` (the SDK's default); the SDK appends `/v1/...`. */
  apiUrl?: string
  /** Deadline for one call including its retry, in ms (default 5000). */
  timeoutMs?: number
  /** Source of jitter, for tests. */
  random?: () => number
}

/** What the handler reads of the SDK's `User`. */
export type UserMetadata = Pick<User, 'publicMetadata'>

export interface Jwk {
  kid: string
  kty: string
  n?: string
  e?: string
  alg?: string
}

export interface BackendApi {
  users: {
    getUser(userId: string): Promise<UserMetadata>
    /**
     * Deep-merges into the user's metadata; `null` removes a key. `onAttempt` receives each SDK
     * call as it starts (settling when that call does, however late; never rejecting), so a caller
     * can tell when an abandoned attempt has finally landed or failed.
     */
    updateUserMetadata(
      userId: string,
      params: { publicMetadata: Record<string, unknown> },
      onAttempt?: (settled: Promise<void>) => void,
    ): Promise<UserMetadata>
  }
  jwks(): Promise<Jwk[]>
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: HttpError; retryable: boolean }

/** Which call failed: a 404 means "user deleted" only for a user call. */
type CallKind = 'user' | 'jwks'

/**
 * The `Retry-After` Clerk sent, in seconds, as we pass it on: the SDK's `retryAfter` (it
 * `parseInt`s the header, so an HTTP-date value arrives as `undefined`), clamped to 1..3600; null
 * when absent or unusable. (Our own statuses' `Retry-After`s are the `…_RETRY_AFTER_SECONDS`
 * constants, each named for its status.)
 */
export function retryAfterFromClerk(value: number | undefined): number | null {
  if (value === undefined || !Number.isInteger(value) || value < 0) return null
  return Math.min(3600, Math.max(1, value))
}

function upstream(
  code: 'upstream_error' | 'upstream_unavailable' | 'upstream_timeout',
  reason: string,
  clerkRetryAfter: number | null = null,
): HttpError {
  const message = {
    upstream_error: 'the identity provider answered with an error',
    upstream_unavailable: 'the identity provider is unavailable',
    upstream_timeout: 'the identity provider did not answer in time',
  }[code]
  return new HttpError(code, message, {
    headers: { 'Retry-After': String(clerkRetryAfter ?? UPSTREAM_RETRY_AFTER_SECONDS) },
    reason,
  })
}

/** Maps what the SDK threw to the contract. */
function classify(thrown: unknown, kind: CallKind): Outcome<never> & { ok: false } {
  if (!isClerkAPIResponseError(thrown) || thrown.status === undefined) {
    // No HTTP answer we could read (a refused or dropped connection, a garbled body), or the SDK
    // failed before sending anything.
    const reason = isClerkAPIResponseError(thrown) ? 'bapi_network' : 'bapi_threw'
    return { ok: false, error: upstream('upstream_error', reason), retryable: true }
  }
  const status = thrown.status
  const clerkRetryAfter = retryAfterFromClerk(thrown.retryAfter)
  const reason = `bapi_${status}`
  if (status === 404 && kind === 'user') {
    // The token is valid but its user is gone (deleted after the token was minted).
    return { ok: false, error: unauthenticated('user_not_found'), retryable: false }
  }
  if (status === 429) {
    const error = new HttpError('rate_limited', 'too many requests, try again later', {
      headers: { 'Retry-After': String(clerkRetryAfter ?? RATE_LIMIT_RETRY_AFTER_SECONDS) },
      reason,
    })
    return { ok: false, error, retryable: false }
  }
  if (status === 401 || status === 403) {
    // Clerk refused our secret key: a misconfiguration, not the caller's fault.
    const error = new HttpError('internal', 'internal error', { reason })
    return { ok: false, error, retryable: false }
  }
  if (status === 503) {
    const error = upstream('upstream_unavailable', reason, clerkRetryAfter)
    return { ok: false, error, retryable: true }
  }
  if (status === 504)
    return { ok: false, error: upstream('upstream_timeout', reason), retryable: true }
  return { ok: false, error: upstream('upstream_error', reason), retryable: status >= 500 }
}

/** The SDK's `User`, or a 502 for anything else (e.g. a body it could not deserialize). */
function asUser(value: unknown): UserMetadata {
  if (typeof value !== 'object' || value === null || !('publicMetadata' in value)) {
    throw upstream('upstream_error', 'bapi_not_a_user')
  }
  const metadata = value.publicMetadata
  const isObject = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
  return { publicMetadata: isObject ? (metadata as User['publicMetadata']) : {} }
}

export function createBackendApi(options: BackendApiOptions): BackendApi {
  const clerk = createClerkClient({
    secretKey: options.secretKey,
    apiUrl: options.apiUrl,
    telemetry: { disabled: true },
  })
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const random = options.random ?? Math.random

  /** One SDK call raced against `budgetMs`; the loser of the race is abandoned, not cancelled. */
  async function attempt<T>(
    run: () => Promise<T>,
    kind: CallKind,
    budgetMs: number,
    onAttempt?: (settled: Promise<void>) => void,
  ): Promise<Outcome<T>> {
    const pending = Promise.resolve().then(run)
    onAttempt?.(
      pending.then(
        () => undefined,
        () => undefined,
      ),
    )
    try {
      const value = await raceDeadline(pending, budgetMs)
      if (value === TIMED_OUT) {
        return { ok: false, error: upstream('upstream_timeout', 'bapi_timeout'), retryable: false }
      }
      return { ok: true, value }
    } catch (error) {
      return classify(error, kind)
    }
  }

  async function call<T>(
    kind: CallKind,
    run: () => Promise<T>,
    onAttempt?: (settled: Promise<void>) => void,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs
    let outcome = await attempt(run, kind, timeoutMs, onAttempt)
    if (!outcome.ok && outcome.retryable) {
      const delay = RETRY_DELAY_MS.min + random() * (RETRY_DELAY_MS.max - RETRY_DELAY_MS.min)
      if (deadline - Date.now() - delay >= MIN_ATTEMPT_MS) {
        await new Promise((resolve) => setTimeout(resolve, delay))
        outcome = await attempt(run, kind, deadline - Date.now(), onAttempt)
      }
    }
    if (!outcome.ok) throw outcome.error
    return outcome.value
  }

  // The SDK joins the id into the path unescaped; a Clerk id never needs escaping, but escaping
  // it here keeps any other `sub` from reaching another endpoint.
  const id = (userId: string) => encodeURIComponent(userId)

  return {
    users: {
      async getUser(userId) {
        return asUser(await call('user', () => clerk.users.getUser(id(userId))))
      },
      async updateUserMetadata(userId, { publicMetadata }, onAttempt) {
        const user = await call(
          'user',
          () => clerk.users.updateUserMetadata(id(userId), { publicMetadata }),
          onAttempt,
        )
        return asUser(user)
      },
    },
    async jwks() {
      const jwks: unknown = await call('jwks', () => clerk.jwks.getJwks())
      const keys = (jwks as { keys?: unknown } | null)?.keys
      if (!Array.isArray(keys)) throw upstream('upstream_error', 'jwks_malformed')
      return keys.filter(
        (key): key is Jwk => typeof key === 'object' && key !== null && typeof key.kid === 'string',
      )
    },
  }
}
