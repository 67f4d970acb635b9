/**
 * CORS for the handler. The allowed origins are exact serialized origins (`https://app.example`),
 * the same list that is passed to `verifyToken` as `authorizedParties`. A request with no `Origin`
 * is not a CORS request and gets no CORS headers; a listed origin gets itself echoed back with
 * `Vary: Origin`; an unlisted origin (including `null`) is refused with 403 and no CORS headers at
 * all. Credentials are never allowed: the endpoint reads a Bearer header, not cookies.
 *
 * With no list (`createSameOriginCors`), only the handler's own origin may call (`own-origin.ts`):
 * a same-origin request needs no CORS headers, and any other `Origin` is refused with 403, its log
 * reason saying what to set.
 */
import { HttpError } from './errors.ts'
import { ownOrigin } from './own-origin.ts'

/** How long a browser may cache a preflight: one day (Chromium caps it at two hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 86_400

export interface Cors {
  /**
   * The CORS headers for an actual (non-preflight) request: `{}` when there is no `Origin`,
   * the echo for a listed origin; throws 403 for an unlisted one.
   */
  headersFor(request: Request): Record<string, string>
  /** The headers answering a preflight from a listed origin (or `{}` with no `Origin`). */
  preflightHeaders(request: Request, methods: readonly string[]): Record<string, string>
}

/** Throws at construction for an entry that is not an exact origin (a typo should fail loudly). */
function normalizeOrigins(origins: readonly string[]): readonly string[] {
  if (origins.length === 0) throw new TypeError('allowedOrigins must list at least one origin')
  for (const origin of origins) {
    const parsed = URL.canParse(origin) ? new URL(origin) : null
    if (!parsed || parsed.origin === 'null' || parsed.origin !== origin) {
      throw new TypeError(`allowedOrigins: "${origin}" is not an origin like https://app.example`)
    }
  }
  return [...origins]
}

export function createCors(allowedOrigins: readonly string[]): Cors {
  const allowed = new Set(normalizeOrigins(allowedOrigins))

  function listedOrigin(request: Request): string | null {
    const origin = request.headers.get('Origin')
    if (origin === null) return null
    if (!allowed.has(origin)) {
      throw new HttpError('origin_not_allowed', 'this origin may not call this endpoint', {
        reason: 'origin_not_listed',
      })
    }
    return origin
  }

  return {
    headersFor(request): Record<string, string> {
      const origin = listedOrigin(request)
      if (origin === null) return {}
      return {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Expose-Headers': 'Retry-After',
        Vary: 'Origin',
      }
    },
    preflightHeaders(request, methods): Record<string, string> {
      const origin = listedOrigin(request)
      if (origin === null) return {}
      return {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': methods.join(', '),
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
        Vary: 'Origin',
      }
    },
  }
}

/** The log reason of a cross-origin call refused because no list is configured. */
export const CROSS_ORIGIN_WITHOUT_LIST =
  "cross_origin: no allowed origins are set, so only this endpoint's own origin may call; set ALLOWED_ORIGINS (or CLERK_AUTHORIZED_PARTIES) to the calling page's origin, or behind a proxy that sets X-Forwarded-Proto/-Host, TRUST_FORWARDED_HEADERS=true"

/** No allowed origins: same-origin callers only, no CORS headers, everyone else 403. */
export function createSameOriginCors(trustForwardedHeaders: boolean): Cors {
  function check(request: Request): Record<string, string> {
    const origin = request.headers.get('Origin')
    if (origin === null || origin === ownOrigin(request, trustForwardedHeaders)) return {}
    throw new HttpError('origin_not_allowed', 'this origin may not call this endpoint', {
      reason: CROSS_ORIGIN_WITHOUT_LIST,
    })
  }
  return { headersFor: check, preflightHeaders: check }
}

/** The inner handler that {@link withCors} wraps: it answers every request, its errors included. */
export type Answer = (request: Request) => Promise<Response>

/**
 * CORS around the rest of the handler, both halves in one place (as Hono's `cors()` does around
 * `next()`). Before: an unlisted `Origin` is refused (403, thrown to the caller's error boundary,
 * so that answer carries no CORS headers). After: every answer of `next` (which answers its own
 * errors, so a 404 or a 401 is covered too) gets the actual-request headers, and an `OPTIONS` that
 * `next` accepted (a 2xx) is a preflight and gets the preflight headers for `methods` as well; a
 * header `next` already set is kept.
 */
export function withCors(cors: Cors, methods: readonly string[], next: Answer): Answer {
  return async (request) => {
    const headers = cors.headersFor(request)
    const response = await next(request)
    if (request.method === 'OPTIONS' && response.ok) {
      addMissing(response, cors.preflightHeaders(request, methods))
    }
    addMissing(response, headers)
    return response
  }
}

function addMissing(response: Response, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!response.headers.has(name)) response.headers.set(name, value)
  }
}
