/**
 * The three Clerk Backend API calls the handler makes — `users.getUser`, `users.updateUserMetadata`
 * and the JWKS — with the same URLs, headers and bodies as `@clerk/backend`'s client, over an
 * injectable `fetch`. `@clerk/backend` 3.25 takes neither a `fetch` nor an `AbortSignal` nor a
 * timeout (its client calls the global `fetch` it captured at import), so it cannot bound a hung
 * Clerk or be answered in-process; hence this small client.
 *
 * Every call has one deadline (default 5 s) covering at most one jittered retry; only network
 * errors and 5xx are retried (the metadata write is idempotent). Failures become `HttpError`s:
 * 502/503/504 with `Retry-After`, Clerk's 429 with its own `Retry-After`, a user that no longer
 * exists (deleted after the token was minted) the same 401 as any other authentication failure.
 */
import { HttpError, unauthenticated } from './errors.ts'

/** The `Clerk-API-Version` that `@clerk/backend` 3.25 sends. */
const CLERK_API_VERSION = '2026-05-12'
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
  /** e.g. `https://api.clerk.com`; the client appends `/v1/...` like `@clerk/backend`. */
  apiUrl?: string
  /** Answers the calls; default the global `fetch`. */
  fetch?: typeof fetch
  /** Deadline for one call including its retry, in ms (default 5000). */
  timeoutMs?: number
  /** Source of jitter, for tests. */
  random?: () => number
}

export interface UserMetadata {
  publicMetadata: Record<string, unknown>
}

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
    /** Deep-merges into the user's metadata; `null` removes a key. */
    updateUserMetadata(
      userId: string,
      params: { publicMetadata: Record<string, unknown> },
    ): Promise<UserMetadata>
  }
  jwks(): Promise<Jwk[]>
}

type Outcome = { ok: true; json: unknown } | { ok: false; error: HttpError; retryable: boolean }

/** IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Seconds from a `Retry-After` header (delta or HTTP date), clamped to 1..3600. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null
  const trimmed = value.trim()
  let seconds = Number.NaN
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed)
  else if (HTTP_DATE.test(trimmed)) seconds = Math.ceil((Date.parse(trimmed) - now) / 1000)
  if (!Number.isFinite(seconds)) return null
  return Math.min(3600, Math.max(1, seconds))
}

function upstream(
  code: 'upstream_error' | 'upstream_unavailable' | 'upstream_timeout',
  reason: string,
  retryAfter: number | null = null,
): HttpError {
  const message = {
    upstream_error: 'the identity provider answered with an error',
    upstream_unavailable: 'the identity provider is unavailable',
    upstream_timeout: 'the identity provider did not answer in time',
  }[code]
  return new HttpError(code, message, {
    headers: { 'Retry-After': String(retryAfter ?? UPSTREAM_RETRY_AFTER_SECONDS) },
    reason,
  })
}

function classify(response: Response, path: string): Outcome & { ok: false } {
  const status = response.status
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'))
  const reason = `bapi_${status}`
  if (status === 404 && path.startsWith('/users/')) {
    // The token is valid but its user is gone (deleted after the token was minted).
    return { ok: false, error: unauthenticated('user_not_found'), retryable: false }
  }
  if (status === 429) {
    const seconds = String(retryAfter ?? RATE_LIMIT_RETRY_AFTER_SECONDS)
    const error = new HttpError('rate_limited', 'too many requests, try again later', {
      headers: { 'Retry-After': seconds },
      reason,
    })
    return { ok: false, error, retryable: false }
  }
  if (status === 401 || status === 403) {
    // Clerk refused our secret key: a misconfiguration, not the caller's fault.
    return {
      ok: false,
      error: new HttpError('internal', 'internal error', { reason }),
      retryable: false,
    }
  }
  if (status === 503) {
    return {
      ok: false,
      error: upstream('upstream_unavailable', reason, retryAfter),
      retryable: true,
    }
  }
  if (status === 504)
    return { ok: false, error: upstream('upstream_timeout', reason), retryable: true }
  return { ok: false, error: upstream('upstream_error', reason), retryable: status >= 500 }
}

export function createBackendApi(options: BackendApiOptions): BackendApi {
  const base = `${(options.apiUrl ?? 'https://api.clerk.com').replace(/\/+$/, '')}/v1`
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const random = options.random ?? Math.random
  const headers: Record<string, string> = {
    Authorization: `Bearer ${options.secretKey}`,
    'Clerk-API-Version': CLERK_API_VERSION,
    'User-Agent': 'birthday-editor-server',
  }

  async function attempt(path: string, init: RequestInit, budgetMs: number): Promise<Outcome> {
    const fetchImpl = options.fetch ?? fetch
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), budgetMs)
    try {
      const response = await fetchImpl(`${base}${path}`, { ...init, signal: controller.signal })
      const text = await response.text()
      if (!response.ok) return classify(response, path)
      try {
        return { ok: true, json: JSON.parse(text) as unknown }
      } catch {
        return { ok: false, error: upstream('upstream_error', 'bapi_bad_json'), retryable: false }
      }
    } catch {
      if (controller.signal.aborted) {
        return { ok: false, error: upstream('upstream_timeout', 'bapi_timeout'), retryable: false }
      }
      return { ok: false, error: upstream('upstream_error', 'bapi_network'), retryable: true }
    } finally {
      clearTimeout(timer)
    }
  }

  async function call(path: string, init: RequestInit): Promise<unknown> {
    const deadline = Date.now() + timeoutMs
    let outcome = await attempt(path, init, timeoutMs)
    if (!outcome.ok && outcome.retryable) {
      const delay = RETRY_DELAY_MS.min + random() * (RETRY_DELAY_MS.max - RETRY_DELAY_MS.min)
      if (deadline - Date.now() - delay >= MIN_ATTEMPT_MS) {
        await new Promise((resolve) => setTimeout(resolve, delay))
        outcome = await attempt(path, init, deadline - Date.now())
      }
    }
    if (!outcome.ok) throw outcome.error
    return outcome.json
  }

  function toUserMetadata(json: unknown): UserMetadata {
    const user = json as { object?: unknown; public_metadata?: unknown } | null
    if (typeof user !== 'object' || user === null || user.object !== 'user') {
      throw upstream('upstream_error', 'bapi_not_a_user')
    }
    const metadata = user.public_metadata
    const isObject = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
    return { publicMetadata: isObject ? (metadata as Record<string, unknown>) : {} }
  }

  const userPath = (userId: string) => `/users/${encodeURIComponent(userId)}`

  return {
    users: {
      async getUser(userId) {
        return toUserMetadata(await call(userPath(userId), { method: 'GET', headers }))
      },
      async updateUserMetadata(userId, { publicMetadata }) {
        const json = await call(`${userPath(userId)}/metadata`, {
          method: 'PATCH',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ public_metadata: publicMetadata }),
        })
        return toUserMetadata(json)
      },
    },
    async jwks() {
      const json = (await call('/jwks', { method: 'GET', headers })) as { keys?: unknown } | null
      const keys = json?.keys
      if (!Array.isArray(keys)) throw upstream('upstream_error', 'jwks_malformed')
      return keys.filter(
        (key): key is Jwk => typeof key === 'object' && key !== null && typeof key.kid === 'string',
      )
    },
  }
}
