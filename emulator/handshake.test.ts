/**
 * The handshake through the real `@clerk/backend` 3 in cookie mode (what `clerkMiddleware()` runs on
 * every page load), over real HTTP: the SDK decides to hand the browser to the Frontend API, the test
 * follows the redirects as a browser would (the emulator's 307, then the application URL with the nonce
 * or the handshake token), and the SDK resolves the handshake against the emulator's Backend API.
 */

import { createClerkClient } from '@clerk/backend'
import { getCookieSuffix } from '@clerk/shared/keys'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from './node/start.ts'
import { TestBrowser, type ClientJson, type ErrorJson } from './testing/browser.ts'
import { control as emulatorControl } from './testing/control.ts'
import { decodeJwt } from './testing/jwt.ts'

const APP = 'http://localhost:3000'
let emu: StartedEmulator

beforeAll(async () => {
  emu = await startEmulator({ keyHost: 'emulator.clerk.accounts.dev' })
})

afterAll(() => emu.close())

beforeEach(async () => {
  await control('POST', 'reset')
})

const control = (method: string, path: string, body?: unknown) =>
  emulatorControl(emu.url, method, path, body)

function clerk(publishableKey = emu.config.publishableKey) {
  return createClerkClient({
    secretKey: emu.config.secretKey,
    apiUrl: emu.config.apiUrl,
    publishableKey,
    telemetry: { disabled: true },
  })
}

/** What the application's middleware does with one request (the proxy URL as the CLI prints it). */
function authenticate(request: Request, publishableKey = emu.config.publishableKey) {
  return clerk(publishableKey).authenticateRequest(request, {
    proxyUrl: emu.config.proxyUrl,
    publishableKey,
  })
}

/** A top-level page load of `url` with these application cookies, as Chromium sends it. */
function pageLoad(url: string, cookies: Record<string, string> = {}): Request {
  const headers = new Headers({ 'Sec-Fetch-Dest': 'document', Accept: 'text/html' })
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ')
  if (cookie) headers.set('Cookie', cookie)
  return new Request(url, { headers })
}

/** Name → value of `Set-Cookie` directives (the last one wins, as in a browser). */
function cookieJar(directives: string[]): Record<string, string> {
  const jar: Record<string, string> = {}
  for (const directive of directives) {
    const [pair = ''] = directive.split(';')
    const at = pair.indexOf('=')
    jar[pair.slice(0, at).trim()] = pair.slice(at + 1)
  }
  return jar
}

/** Follows the SDK's redirect to the Frontend API: the URL the emulator sends the browser back to. */
async function followToFrontendApi(location: string, cookie?: string): Promise<URL> {
  const response = await fetch(location, {
    redirect: 'manual',
    ...(cookie ? { headers: { Cookie: cookie } } : {}),
  })
  expect(response.status).toBe(307)
  expect(response.headers.get('cache-control')).toBe('no-store')
  return new URL(response.headers.get('location') ?? '')
}

/** A browser with a dev browser, signed in through the Frontend API; returns what the page holds. */
async function signedInBrowser() {
  const browser = new TestBrowser(emu.config.proxyUrl, { origin: APP })
  const created = await browser.call<{ id: string }>('POST', '/v1/dev_browser')
  const devBrowser = created.body.id
  const db = { __clerk_db_jwt: devBrowser }
  const signIn = await browser.call<{
    response: { created_session_id: string }
    client: ClientJson
  }>(
    'POST',
    '/v1/client/sign_ins',
    { identifier: 'ada@example.test', password: 'lovelace-1815' },
    db,
  )
  const sessionId = signIn.body.response.created_session_id
  const token = signIn.body.client.sessions[0]?.last_active_token?.jwt ?? ''
  const clientUat = String(Math.floor(Date.now() / 1000))
  return { browser, devBrowser, sessionId, token, clientUat }
}

describe('GET /v1/client/handshake with @clerk/backend (cookie mode, nonce format)', () => {
  it('dev browser missing: a new dev browser and signed-out cookies, then a plain signed-out state', async () => {
    const first = await authenticate(pageLoad(`${APP}/profile?tab=1`))
    expect(first.status).toBe('handshake')
    expect(first.reason).toBe('dev-browser-missing')
    const location = new URL(first.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(`${emu.url}/v1/client/handshake`)
    expect(location.searchParams.get('format')).toBe('nonce')
    expect(location.searchParams.get('redirect_url')).toBe(`${APP}/profile?tab=1`)

    const back = await followToFrontendApi(location.href)
    expect(`${back.origin}${back.pathname}`).toBe(`${APP}/profile`)
    expect(back.searchParams.get('tab')).toBe('1')
    const nonce = back.searchParams.get('__clerk_handshake_nonce')
    expect(nonce).toMatch(/^\w{32}$/)

    const resolved = await authenticate(pageLoad(back.href))
    expect(resolved.status).toBe('signed-out')
    // Development: the SDK redirects to the clean URL with the cookies.
    expect(resolved.headers.get('location')).toBe(`${APP}/profile?tab=1`)
    const jar = cookieJar(resolved.headers.getSetCookie())
    expect(jar.__clerk_db_jwt).toMatch(/^dvb_/)
    expect(jar.__client_uat).toBe('0')
    expect(jar.__session).toBe('')

    const next = await authenticate(pageLoad(`${APP}/profile?tab=1`, jar))
    expect(next.status).toBe('signed-out')
    expect(next.reason).toBe('session-token-and-uat-missing')
    expect(next.headers.get('location')).toBeNull()
  })

  it('answers a fetch without a dev browser with the 401 reason, never a handshake', async () => {
    const post = new Request(`${APP}/api/update-user-metadata`, { method: 'POST' })
    const state = await authenticate(post)
    expect(state.status).toBe('signed-out')
    expect(state.reason).toBe('dev-browser-missing')
    expect(state.headers.get('location')).toBeNull()
  })

  it('expired session cookie: a fresh token for the same session, signed in', async () => {
    const { devBrowser, sessionId, clientUat } = await signedInBrowser()
    // A token minted two minutes ago (60 s lifetime): what the cookie holds after the tab slept.
    await control('PATCH', 'settings', { clockOffsetMs: -120_000 })
    const old = new TestBrowser(emu.config.proxyUrl, { origin: APP })
    const stale = await old.call<{ jwt: string }>(
      'POST',
      `/v1/client/sessions/${sessionId}/tokens`,
      {},
      { __clerk_db_jwt: devBrowser },
    )
    await control('PATCH', 'settings', { clockOffsetMs: 0 })
    const cookies = {
      __session: stale.body.jwt,
      __client_uat: String(Number(clientUat) - 120),
      __clerk_db_jwt: devBrowser,
    }

    const first = await authenticate(pageLoad(`${APP}/`, cookies))
    expect(first.status).toBe('handshake')
    expect(first.reason).toMatch(/^session-token-expired/)
    const location = new URL(first.headers.get('location') ?? '')
    expect(location.searchParams.get('__clerk_db_jwt')).toBe(devBrowser)

    const back = await followToFrontendApi(location.href)
    const resolved = await authenticate(pageLoad(back.href, cookies))
    expect(resolved.status).toBe('signed-in')
    const jar = cookieJar(resolved.headers.getSetCookie())
    expect(jar.__clerk_db_jwt).toBeUndefined() // the dev browser was known: kept
    const fresh = decodeJwt(jar.__session ?? '').payload
    expect(fresh.sid).toBe(sessionId)
    expect(fresh.azp).toBe(APP)
    expect(fresh.birthday).toBe('1990-12-10')
    expect(fresh.exp).toBeGreaterThan(Date.now() / 1000)
    expect(Number(jar.__client_uat)).toBeLessThanOrEqual(fresh.iat as number)

    const next = await authenticate(pageLoad(`${APP}/`, { ...cookies, ...jar }))
    expect(next.status).toBe('signed-in')
    expect(next.toAuth()).toMatchObject({ userId: fresh.sub, sessionId })
  })

  it('client_uat newer than the token: resynchronised through the handshake', async () => {
    const { devBrowser, token } = await signedInBrowser()
    const cookies = {
      __session: token,
      __client_uat: String(Math.floor(Date.now() / 1000) + 100),
      __clerk_db_jwt: devBrowser,
    }
    const first = await authenticate(pageLoad(`${APP}/`, cookies))
    expect(first.status).toBe('handshake')
    expect(first.reason).toBe('session-token-iat-before-client-uat')
    const back = await followToFrontendApi(first.headers.get('location') ?? '')
    const resolved = await authenticate(pageLoad(back.href, cookies))
    expect(resolved.status).toBe('signed-in')
    const jar = cookieJar(resolved.headers.getSetCookie())
    const next = await authenticate(pageLoad(`${APP}/`, { ...cookies, ...jar }))
    expect(next.status).toBe('signed-in')
  })

  it('client_uat without a session token: the handshake hands the token over', async () => {
    const { devBrowser, clientUat, sessionId } = await signedInBrowser()
    const cookies = { __client_uat: clientUat, __clerk_db_jwt: devBrowser }
    const first = await authenticate(pageLoad(`${APP}/`, cookies))
    expect(first.reason).toBe('client-uat-but-no-session-token')
    const back = await followToFrontendApi(first.headers.get('location') ?? '')
    const resolved = await authenticate(pageLoad(back.href, cookies))
    expect(resolved.status).toBe('signed-in')
    expect(resolved.toAuth()).toMatchObject({ sessionId })
  })

  it('a signed-out client (after sign-out) gets signed-out cookies', async () => {
    const { browser, devBrowser, token, clientUat } = await signedInBrowser()
    const out = await browser.call(
      'DELETE',
      '/v1/client/sessions',
      {},
      { __clerk_db_jwt: devBrowser },
    )
    expect(out.status).toBe(200)
    const cookies = {
      __session: token,
      __client_uat: String(Number(clientUat) + 100),
      __clerk_db_jwt: devBrowser,
    }
    const first = await authenticate(pageLoad(`${APP}/`, cookies))
    expect(first.status).toBe('handshake')
    const back = await followToFrontendApi(first.headers.get('location') ?? '')
    const resolved = await authenticate(pageLoad(back.href, cookies))
    expect(resolved.status).toBe('signed-out')
    const jar = cookieJar(resolved.headers.getSetCookie())
    expect(jar).toMatchObject({ __session: '', __client_uat: '0' })
  })

  it('writes the suffixed cookie names too when the SDK asks for them', async () => {
    const { devBrowser } = await signedInBrowser()
    const url = new URL(`${emu.url}/v1/client/handshake`)
    url.searchParams.set('redirect_url', `${APP}/`)
    url.searchParams.set('format', 'nonce')
    url.searchParams.set('suffixed_cookies', 'true')
    url.searchParams.set('__clerk_db_jwt', devBrowser)
    const back = await followToFrontendApi(url.href)
    const payload = await clerk().clients.getHandshakePayload({
      nonce: back.searchParams.get('__clerk_handshake_nonce') ?? '',
    })
    const suffix = await getCookieSuffix(emu.config.publishableKey)
    const jar = cookieJar(payload.directives)
    expect(Object.keys(jar).sort()).toEqual(
      ['__client_uat', `__client_uat_${suffix}`, '__session', `__session_${suffix}`].sort(),
    )
    expect(jar[`__session_${suffix}`]).toBe(jar.__session)
    for (const directive of payload.directives) {
      expect(directive).toMatch(/; Path=\/; Max-Age=31536000; SameSite=Lax$/)
    }
    expect(payload.directives.find((d) => d.startsWith('__client_uat='))).toContain(
      '; Domain=localhost;',
    )
  })
})

describe('the token format and the Backend API payload', () => {
  it('format=token: a handshake token signed with the instance key, which the SDK verifies', async () => {
    const { devBrowser, sessionId } = await signedInBrowser()
    const url = new URL(`${emu.url}/v1/client/handshake`)
    url.searchParams.set('redirect_url', `${APP}/page`)
    url.searchParams.set('format', 'token')
    url.searchParams.set('__clerk_db_jwt', devBrowser)
    const back = await followToFrontendApi(url.href)
    const token = back.searchParams.get('__clerk_handshake') ?? ''
    expect(decodeJwt(token).header).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    const resolved = await authenticate(pageLoad(back.href, { __clerk_db_jwt: devBrowser }))
    expect(resolved.status).toBe('signed-in')
    expect(resolved.toAuth()).toMatchObject({ sessionId })
  })

  it('refuses a bad redirect_url or format, naming the parameter', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{}, 'form_param_missing', 'redirect_url'],
      [{ redirect_url: 'not a url' }, 'form_param_value_invalid', 'redirect_url'],
      [{ redirect_url: 'https://evil.example/' }, 'form_param_value_invalid', 'redirect_url'],
      [{ redirect_url: 'javascript:alert(1)' }, 'form_param_value_invalid', 'redirect_url'],
      [{ redirect_url: `${APP}/`, format: 'cookie' }, 'form_param_value_invalid', 'format'],
    ]
    for (const [query, code, param] of cases) {
      const response = await fetch(
        `${emu.url}/v1/client/handshake?${new URLSearchParams(query).toString()}`,
        { redirect: 'manual' },
      )
      expect(response.status).toBe(422)
      const body = (await response.json()) as ErrorJson
      expect(body.errors[0]).toMatchObject({ code, meta: { param_name: param } })
    }
  })

  it('a nonce is good once; unknown and missing nonces are refused; the secret key is required', async () => {
    const url = `${emu.url}/v1/client/handshake?format=nonce&redirect_url=${encodeURIComponent(`${APP}/`)}`
    const back = await followToFrontendApi(url)
    const nonce = back.searchParams.get('__clerk_handshake_nonce') ?? ''
    const payload = (path: string, secret = emu.config.secretKey) =>
      fetch(`${emu.config.apiUrl}/v1/clients/handshake_payload${path}`, {
        headers: { Authorization: `Bearer ${secret}` },
      })
    expect((await payload(`?nonce=${nonce}`, 'sk_test_wrong')).status).toBe(401)
    const first = await payload(`?nonce=${nonce}`)
    expect(first.status).toBe(200)
    const { directives } = (await first.json()) as { directives: string[] }
    expect(cookieJar(directives).__clerk_db_jwt).toMatch(/^dvb_/)
    expect((await payload(`?nonce=${nonce}`)).status).toBe(404)
    expect((await payload('?nonce=unknown')).status).toBe(404)
    const missing = await payload('')
    expect(missing.status).toBe(422)
    expect(((await missing.json()) as ErrorJson).errors[0]?.meta).toEqual({ param_name: 'nonce' })
  })

  it('an unknown dev browser (emulator restarted without --data) gets a new one', async () => {
    const url = new URL(`${emu.url}/v1/client/handshake`)
    url.searchParams.set('redirect_url', `${APP}/`)
    url.searchParams.set('__clerk_db_jwt', 'dvb_forgotten')
    const back = await followToFrontendApi(url.href)
    const resolved = await authenticate(pageLoad(back.href, { __clerk_db_jwt: 'dvb_forgotten' }))
    const jar = cookieJar(resolved.headers.getSetCookie())
    expect(jar.__clerk_db_jwt).toMatch(/^dvb_/)
    expect(jar.__clerk_db_jwt).not.toBe('dvb_forgotten')
    // The new dev browser is one the Frontend API knows.
    const browser = new TestBrowser(emu.config.proxyUrl, { origin: APP })
    const client = await browser.call(
      'GET',
      '/v1/client',
      {},
      { __clerk_db_jwt: jar.__clerk_db_jwt ?? '' },
    )
    expect(client.status).toBe(200)
  })
})

describe('a production instance', () => {
  it('hands out no dev browser', async () => {
    const live = await startEmulator({ instanceType: 'production' })
    try {
      const url = `${live.url}/v1/client/handshake?format=nonce&redirect_url=${encodeURIComponent(`${APP}/`)}`
      const response = await fetch(url, { redirect: 'manual' })
      const back = new URL(response.headers.get('location') ?? '')
      const payload = await createClerkClient({
        secretKey: live.config.secretKey,
        apiUrl: live.config.apiUrl,
        telemetry: { disabled: true },
      }).clients.getHandshakePayload({
        nonce: back.searchParams.get('__clerk_handshake_nonce') ?? '',
      })
      expect(Object.keys(cookieJar(payload.directives)).sort()).toEqual([
        '__client_uat',
        '__session',
      ])
    } finally {
      await live.close()
    }
  })
})
