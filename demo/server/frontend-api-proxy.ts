/**
 * The demo's Frontend API proxy: ClerkJS reaches Clerk (in the demo, the emulator) through
 * `/__clerk` on the page's own origin, Clerk's documented proxy setup.
 *
 * A browser sends no `Origin` with a same-origin GET, so Clerk mints the session token that rides
 * on such a request (`GET /v1/client` at page load, `GET /v1/me` for `user.reload()`) without an
 * `azp` claim, and a backend that requires `azp` (the reference handler does) refuses that token.
 * Like many Clerk proxies, this one tells Clerk the page's origin: a GET or HEAD that the browser
 * itself marks same-origin (`Sec-Fetch-Site`, which page scripts cannot set) and that carries no
 * `Origin` is forwarded with the origin it was sent to. Everything else passes through unchanged,
 * so a cross-site request can never borrow the page's origin.
 */
export function withPageOrigin(request: Request): Request {
  if (
    request.headers.has('Origin') ||
    request.headers.get('Sec-Fetch-Site') !== 'same-origin' ||
    (request.method !== 'GET' && request.method !== 'HEAD')
  ) {
    return request
  }
  const headers = new Headers(request.headers)
  headers.set('Origin', new URL(request.url).origin)
  return new Request(request, { headers })
}

/** Wraps a Frontend API `fetch` (the emulator's) in {@link withPageOrigin}. */
export function frontendApiProxy(
  upstream: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return (request) => upstream(withPageOrigin(request))
}
