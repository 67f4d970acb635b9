/**
 * The handshake, as Clerk runs it for backend SDKs (`@clerk/backend`'s `authenticateRequest`, and so
 * `clerkMiddleware()`): when a page load's cookies cannot be trusted (no dev browser, an expired session
 * token, `__client_uat` out of step, …) the SDK redirects the browser to the Frontend API's
 * `GET /v1/client/handshake`; the emulator finds the browser's client, mints a fresh session token and
 * sends the browser back to `redirect_url` with the cookie directives, either inside a signed handshake
 * token (`format=token`, `__clerk_handshake`) or behind a one-time nonce (`format=nonce`,
 * `__clerk_handshake_nonce`) that the SDK trades for them at the Backend API's
 * `GET /v1/clients/handshake_payload`. Every reason the SDK sends is answered the same way: by the
 * client's current state.
 */

import { isAllowedOrigin } from '../cors.ts'
import { randomBase62, randomId } from '../encoding.ts'
import { ClerkError, formError, jsonResponse } from '../errors.ts'
import { cookieSuffix, handshakeDirectives } from '../handshake-directives.ts'
import type { Context, RouteRow } from '../context.ts'
import type { ClientRecord } from '../store.ts'
import { mintSessionToken, signJwt } from '../tokens.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/v1/client/handshake', handler: clientHandshake },
  { method: 'GET', path: '/api/v1/clients/handshake_payload', handler: handshakePayload },
]

/** How long a handshake nonce can be traded for its directives (once). */
export const NONCE_LIFETIME_MS = 60_000

/** `GET /v1/client/handshake` (a top-level navigation, so the browser's emulator cookies come along). */
export async function clientHandshake(ctx: Context): Promise<Response> {
  const query = ctx.url.searchParams
  const redirectUrl = redirectTarget(query.get('redirect_url'))
  const format = query.get('format') ?? 'token'
  if (format !== 'token' && format !== 'nonce') {
    throw formError('form_param_value_invalid', 'format', 'format must be token or nonce.')
  }
  const { state } = ctx
  const { store } = state
  const now = state.now()

  // The dev browser the SDK passed on (from the application's `__clerk_db_jwt` cookie), if it is one
  // of ours; otherwise a development instance hands out a new one.
  const passed = query.get('__clerk_db_jwt')
  const known = passed !== null && store.devBrowsers.has(passed) ? passed : null
  let devBrowserId: string | null = null
  if (state.instanceType === 'development' && known === null) {
    devBrowserId = randomId('dvb')
    store.devBrowsers.add(devBrowserId)
  }

  const client = (known !== null ? store.clientByDevBrowser(known) : undefined) ?? cookieClient(ctx)
  const active = client ? store.activeSessions(client) : []
  const session =
    active.find((candidate) => candidate.id === client?.lastActiveSessionId) ?? active[0]
  const user = session && store.users.get(session.userId)
  const sessionToken =
    session && user
      ? await mintSessionToken({
          key: state.key,
          keyHost: state.keyHost,
          user,
          session,
          origin: redirectUrl.origin,
          nowMs: now,
          lifetimeSeconds: state.settings.tokenLifetimeSeconds,
          template: state.settings.sessionTokenTemplate,
        })
      : null
  const directives = handshakeDirectives({
    redirectUrl,
    sessionToken,
    clientUat: sessionToken !== null && client ? Math.floor(client.updatedAt / 1000) : 0,
    devBrowserId,
    suffixed: query.get('suffixed_cookies') === 'true',
    cookieSuffix: await cookieSuffix(state.publishableKey),
  })

  const target = new URL(redirectUrl)
  if (format === 'nonce') {
    for (const [nonce, entry] of store.handshakeNonces) {
      if (entry.expiresAt <= now) store.handshakeNonces.delete(nonce)
    }
    const nonce = randomBase62(32)
    store.handshakeNonces.set(nonce, { directives, expiresAt: now + NONCE_LIFETIME_MS })
    target.searchParams.set('__clerk_handshake_nonce', nonce)
  } else {
    const token = await signJwt(state.key, { handshake: directives, iat: Math.floor(now / 1000) })
    target.searchParams.set('__clerk_handshake', token)
  }
  return new Response(null, {
    status: 307,
    headers: { Location: target.href, 'Cache-Control': 'no-store' },
  })
}

/** `GET /v1/clients/handshake_payload?nonce=…` (Backend API): the directives, once per nonce. */
export async function handshakePayload(ctx: Context): Promise<Response> {
  const nonce = ctx.url.searchParams.get('nonce')
  if (!nonce) throw formError('form_param_missing', 'nonce', 'Enter the handshake nonce.')
  const { handshakeNonces } = ctx.state.store
  const entry = handshakeNonces.get(nonce)
  handshakeNonces.delete(nonce)
  if (!entry || entry.expiresAt <= ctx.state.now()) {
    throw new ClerkError(404, 'resource_not_found', 'Handshake nonce not found', {
      longMessage: 'This handshake nonce is unknown, was already used, or has expired.',
    })
  }
  return jsonResponse({ directives: entry.directives })
}

/**
 * `redirect_url` must be an absolute http(s) URL on a loopback host (the only pages the emulator
 * serves, as its CORS policy says), so the handshake cannot be used to send a browser elsewhere.
 */
function redirectTarget(raw: string | null): URL {
  if (!raw) throw formError('form_param_missing', 'redirect_url', 'Enter a redirect_url.')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw formError('form_param_value_invalid', 'redirect_url', 'redirect_url is not a URL.')
  }
  if (!isAllowedOrigin(url.origin)) {
    throw formError(
      'form_param_value_invalid',
      'redirect_url',
      'redirect_url must be an http(s) URL on localhost, 127.0.0.1 or [::1].',
    )
  }
  return url
}

/** The client of the emulator's own HttpOnly cookie (the flow without a dev browser). */
function cookieClient(ctx: Context): ClientRecord | undefined {
  const wanted = `${ctx.state.clientCookie}=`
  for (const part of (ctx.request.headers.get('Cookie') ?? '').split(';')) {
    const trimmed = part.trim()
    if (trimmed.startsWith(wanted))
      return ctx.state.store.clientByToken(trimmed.slice(wanted.length))
  }
  return undefined
}
