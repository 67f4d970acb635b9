/**
 * Authentication: the caller's Clerk session token from `Authorization: Bearer`, verified by
 * `@clerk/backend`'s `verifyToken` (RS256 signature, `exp`/`nbf`/`iat` with its 5 s skew, `azp` in
 * the allowed origins). Cookies are never read, so there is no CSRF surface. The user id is the
 * token's `sub`. Every failure — no header, a malformed token that makes the SDK throw, a bad
 * signature, a missing or unlisted `azp` — is the same 401.
 *
 * Keys: `jwtKey` (PEM) verifies with no network at all. Without it, the JWKS is fetched with the
 * SDK's `jwks.getJwks()` through the handler's Backend API client (so it shares its deadline and
 * retry), cached for five minutes, fetched once for all concurrent callers, refetched for an unknown
 * `kid` at most every ten seconds (a flood of made-up `kid`s cannot turn into a flood of JWKS calls),
 * served stale if a refresh fails, and handed to `verifyToken` as a `jwtKey`. That path only takes
 * RSA-2048 keys with e=65537, which is what Clerk issues.
 *
 * Not `verifyToken(token, { secretKey, apiUrl })`'s own JWKS path, measured against 3.25: every
 * token with an unknown `kid` costs a JWKS call (any caller can send them, unauthenticated),
 * concurrent cold requests each fetch, a failing JWKS is tried 5 times (≈ 3 s) per request, and
 * expired keys are dropped before the refetch, so an outage fails every request at once.
 */
import { verifyToken } from './clerk-sdk.ts'
import type { BackendApi, Jwk } from './backend-api.ts'
import { unauthenticated } from './errors.ts'

const MAX_TOKEN_LENGTH = 8192
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i
const JWKS_TTL_MS = 5 * 60_000
const JWKS_MIN_REFETCH_MS = 10_000
/** `verifyToken`'s default clock skew, stated explicitly. */
const CLOCK_SKEW_MS = 5_000

export interface AuthenticatorOptions {
  /**
   * Exact origins; a token's `azp` must be one of them. A function gives them per request (with
   * no allowed origins configured: the handler's own origin).
   */
  authorizedParties: readonly string[] | ((request: Request) => readonly string[])
  /** PEM public key for networkless verification. */
  jwtKey?: string
  /** For the JWKS when there is no `jwtKey`. */
  backendApi: BackendApi
  now: () => number
}

export interface Session {
  /** The token's `sub`. */
  userId: string
}

export type Authenticator = (request: Request) => Promise<Session>

function base64UrlJson(part: string): unknown {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown
}

function tokenKid(token: string): string | null {
  try {
    const header = base64UrlJson(token.slice(0, token.indexOf('.')))
    const kid = (header as { kid?: unknown } | null)?.kid
    return typeof kid === 'string' && kid.length > 0 && kid.length <= 256 ? kid : null
  } catch {
    return null
  }
}

/** SPKI PEM for an RSA-2048/e=65537 JWK (what `verifyToken`'s `jwtKey` accepts), else null. */
async function jwkToPem(jwk: Jwk): Promise<string | null> {
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || jwk.e !== 'AQAB') return null
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n, e: jwk.e, ext: true },
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    )
    if ((key.algorithm as RsaHashedKeyAlgorithm).modulusLength !== 2048) return null
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', key))
    const base64 = btoa(String.fromCharCode(...spki))
    const lines = base64.match(/.{1,64}/g) ?? []
    return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----`
  } catch {
    return null
  }
}

/** A JWKS-backed key source: kid → PEM, with the caching described in the module doc. */
function createJwksKeys(backendApi: BackendApi, now: () => number) {
  let keys = new Map<string, string>()
  let fetchedAt = -Infinity
  let refreshing: Promise<void> | null = null
  let lastError: unknown = null

  async function refresh(): Promise<void> {
    fetchedAt = now()
    try {
      const next = new Map<string, string>()
      for (const jwk of await backendApi.jwks()) {
        const pem = await jwkToPem(jwk)
        if (pem) next.set(jwk.kid, pem)
      }
      keys = next
      lastError = null
    } catch (error) {
      lastError = error
      throw error
    }
  }

  return async function pemFor(kid: string): Promise<string | null> {
    const age = now() - fetchedAt
    const stale = age >= JWKS_TTL_MS
    if (stale || (!keys.has(kid) && age >= JWKS_MIN_REFETCH_MS)) {
      refreshing ??= refresh().finally(() => {
        refreshing = null
      })
      try {
        await refreshing
      } catch (error) {
        // A failed refresh keeps serving the keys we had; with none for this kid, it is an outage.
        if (!keys.has(kid)) throw error
      }
    }
    // Until a refresh succeeds, an unknown kid is an outage (503…), not a bad token (401).
    if (!keys.has(kid) && lastError !== null) throw lastError
    return keys.get(kid) ?? null
  }
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const fixed =
    typeof options.authorizedParties === 'function' ? null : new Set(options.authorizedParties)
  const partiesFor = (request: Request): Set<string> =>
    fixed ??
    new Set((options.authorizedParties as (request: Request) => readonly string[])(request))
  const jwksKeys = options.jwtKey ? null : createJwksKeys(options.backendApi, options.now)

  return async function authenticate(request) {
    const header = request.headers.get('Authorization')
    if (header === null) throw unauthenticated('no_authorization')
    if (header.length > MAX_TOKEN_LENGTH) throw unauthenticated('token_too_long')
    const token = BEARER.exec(header)?.[1]
    if (!token) throw unauthenticated('not_bearer_jwt')

    let jwtKey = options.jwtKey
    if (jwksKeys) {
      const kid = tokenKid(token)
      if (kid === null) throw unauthenticated('no_kid')
      jwtKey = (await jwksKeys(kid)) ?? undefined
      if (!jwtKey) throw unauthenticated('unknown_kid')
    }

    const parties = partiesFor(request)
    const authorizedParties = [...parties]
    let payload: Record<string, unknown>
    try {
      payload = await verifyToken(token, {
        jwtKey,
        authorizedParties,
        clockSkewInMs: CLOCK_SKEW_MS,
      })
    } catch (error) {
      const reason = (error as { reason?: unknown } | null)?.reason
      throw unauthenticated(typeof reason === 'string' ? reason : 'verify_threw')
    }
    // verifyToken skips the azp check when it is given no parties; never rely on that.
    if (typeof payload.azp !== 'string' || !parties.has(payload.azp)) {
      throw unauthenticated('azp')
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('sub')
    return { userId: payload.sub }
  }
}
