/**
 * The handler's own origin, for when no allowed origins are configured: a caller whose `Origin`
 * equals it is same-origin and needs no list. It is the origin of `request.url`, the URL the
 * runtime built for the request (Next.js, Workers, Bun and Deno from the Host the browser used;
 * the Node adapter as `http://` plus the Host header). Behind a proxy that terminates TLS or
 * rewrites the host, that URL is the proxy's upstream one, so a same-origin caller looks foreign:
 * only when the operator says the proxy sets them (`trustForwardedHeaders`, or
 * `TRUST_FORWARDED_HEADERS=true`) are `X-Forwarded-Proto` and `X-Forwarded-Host` read instead, since
 * any client can send them. Runtime-neutral: no Node import.
 */

/** A host name or bracketed IPv6 address, with an optional port. */
const BARE_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** The first value of a comma-separated forwarded header, trimmed; undefined when absent. */
function first(request: Request, name: string): string | undefined {
  const value = request.headers.get(name)?.split(',')[0]?.trim()
  return value ? value : undefined
}

/**
 * The origin the handler serves this request on, e.g. `https://app.example`; `null` when the
 * trusted forwarded headers do not make an origin (so no caller can match it).
 */
export function ownOrigin(request: Request, trustForwardedHeaders: boolean): string | null {
  const url = new URL(request.url)
  if (!trustForwardedHeaders) return url.origin
  const proto = (first(request, 'X-Forwarded-Proto') ?? url.protocol.slice(0, -1)).toLowerCase()
  const host = first(request, 'X-Forwarded-Host') ?? url.host
  if (proto !== 'http' && proto !== 'https') return null
  // Only a bare host[:port]: anything else in the header (a path, credentials) is not a host.
  if (!BARE_HOST.test(host)) return null
  const candidate = `${proto}://${host}`
  if (!URL.canParse(candidate)) return null
  const parsed = new URL(candidate)
  return parsed.origin
}
