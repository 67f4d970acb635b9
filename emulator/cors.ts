/**
 * CORS for pages served from a loopback host. clerk-js sends every Frontend API request with
 * `credentials: 'include'`, so the exact page origin is echoed with `Allow-Credentials` (never `*`).
 * Any port and either scheme of `localhost`, `127.0.0.1` and `[::1]` is allowed; other origins get no
 * CORS headers at all, so the browser blocks them.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export function isAllowedOrigin(origin: string | null): origin is string {
  if (!origin) return false
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.origin === origin
  )
}

/** Adds the CORS headers for an allowed origin, in place. */
export function applyCors(headers: Headers, origin: string | null): void {
  headers.append('Vary', 'Origin')
  if (!isAllowedOrigin(origin)) return
  headers.set('Access-Control-Allow-Origin', origin)
  headers.set('Access-Control-Allow-Credentials', 'true')
  headers.set('Access-Control-Expose-Headers', 'Retry-After')
}

/** The answer to a preflight: 204, plus the allowances when the origin is allowed. */
export function preflightResponse(request: Request): Response {
  const headers = new Headers()
  applyCors(headers, request.headers.get('Origin'))
  if (headers.has('Access-Control-Allow-Origin')) {
    headers.set('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE, OPTIONS')
    headers.set(
      'Access-Control-Allow-Headers',
      request.headers.get('Access-Control-Request-Headers') ?? 'Content-Type',
    )
    headers.set('Access-Control-Max-Age', '600')
  }
  return new Response(null, { status: 204, headers })
}
