/**
 * The emulator in-process: a fresh app per test, called with `new Request(...)`. Fidelity with the real
 * SDKs is proved over HTTP in backend-sdk.test.ts; these tests pin the wire behaviour the SDKs rely on
 * (envelopes, cookies, CORS) and the emulator's own surface (501s, faults, log, settings, reset).
 */

import { beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorSnapshot,
} from './app.ts'
import { generateSigningKey } from './keys.ts'
import type { ClerkJsSource } from './context.ts'
import { TestBrowser, type ClientJson, type ErrorJson, type UserJson } from './testing/browser.ts'
import { decodeJwt } from './testing/jwt.ts'

const ORIGIN = 'http://localhost:4010'
const PAGE = 'http://localhost:5173'
let privateKeyPem: string

beforeAll(async () => {
  // One key for the whole file: generating RSA keys is the slow part of createEmulator.
  privateKeyPem = (await generateSigningKey()).privateKeyPem
})

function make(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ privateKeyPem, publicOrigin: ORIGIN, ...options })
}

function call(emulator: Emulator, path: string, init: RequestInit = {}): Promise<Response> {
  return emulator.fetch(new Request(`${ORIGIN}${path}`, init))
}

function browser(emulator: Emulator, origin: string | null = PAGE): TestBrowser {
  return new TestBrowser(ORIGIN, { origin, fetch: (request) => emulator.fetch(request) })
}

function bapi(emulator: Emulator, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  headers.set('Authorization', `Bearer ${emulator.config().secretKey}`)
  headers.set('Content-Type', 'application/json')
  return call(emulator, `/api/v1${path}`, { ...init, headers })
}

async function control(emulator: Emulator, method: string, path: string, body?: unknown) {
  const response = await call(emulator, `/__emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

async function errorOf(response: Response) {
  return ((await response.json()) as ErrorJson).errors[0]
}

describe('configuration and keys', () => {
  it('keeps the secret key in the persisted state, as Clerk keeps an instance’s key', async () => {
    const snapshots: { secretKey?: string }[] = []
    const first = await make({
      onStateChange: (snapshot) => void snapshots.push(snapshot),
    })
    const kept = snapshots.at(-1)!
    expect(kept.secretKey).toBe(first.config().secretKey)
    expect(kept.secretKey).toMatch(/^sk_test_emu_[A-Za-z0-9]{32}$/)
    const second = await make({ state: kept as never })
    expect(second.config().secretKey).toBe(kept.secretKey)
    // A key given in the options wins; a kept key of the other instance type is not reused.
    const given = await make({ state: kept as never, secretKey: 'sk_test_given' })
    expect(given.config().secretKey).toBe('sk_test_given')
    const live = await make({ state: kept as never, instanceType: 'production' })
    expect(live.config().secretKey).toMatch(/^sk_live_emu_/)
    await expect(
      make({ state: { ...(kept as object), secretKey: 'not-a-key' } as never }),
    ).rejects.toThrow(/invalid emulator state.*secretKey/)
  })

  it('encodes the key host in the publishable key and builds the URLs from the origin', async () => {
    const emulator = await make({ keyHost: 'clerk.example.test' })
    const config = emulator.config()
    expect(config.publishableKey).toMatch(/^pk_test_[A-Za-z0-9+/]+$/)
    expect(atob(config.publishableKey.slice('pk_test_'.length))).toBe('clerk.example.test$')
    expect(config.secretKey).toMatch(/^sk_test_emu_/)
    expect(config).toMatchObject({
      proxyUrl: ORIGIN,
      apiUrl: `${ORIGIN}/api`,
      jwksUrl: `${ORIGIN}/api/v1/jwks`,
    })
    expect(config.jwtKey).toMatch(
      /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/,
    )
    expect((await control(emulator, 'GET', 'config')).body).toEqual(config)
  })

  it('uses pk_live_ for production instances', async () => {
    const config = (await make({ instanceType: 'production' })).config()
    expect(config.publishableKey).toMatch(/^pk_live_/)
    expect(atob(config.publishableKey.slice(8))).toBe('clerk.emulator.localhost$')
  })

  it('takes the origin from the request when publicOrigin is absent, below basePath', async () => {
    const emulator = await createEmulator({ privateKeyPem, basePath: '/__clerk/' })
    expect(() => emulator.config()).toThrow(/origin/)
    expect(emulator.config('http://localhost:9000').proxyUrl).toBe('http://localhost:9000/__clerk')
    const response = await emulator.fetch(
      new Request('http://localhost:7000/__clerk/__emulator/config'),
    )
    expect(await response.json()).toMatchObject({
      proxyUrl: 'http://localhost:7000/__clerk',
      apiUrl: 'http://localhost:7000/__clerk/api',
    })
    const outside = await emulator.fetch(new Request('http://localhost:7000/v1/client'))
    expect(outside.status).toBe(501)
  })

  it('rejects options Clerk would not accept', async () => {
    await expect(make({ keyHost: 'localhost:4010' })).rejects.toThrow(/dot/)
    await expect(make({ sessionTokenTemplate: { sub: 'x' } })).rejects.toThrow(/default claims/)
    await expect(make({ tokenLifetimeSeconds: 0 })).rejects.toThrow(/tokenLifetimeSeconds/)
    await expect(make({ privateKeyPem: 'nope' })).rejects.toThrow(/PKCS#8/)
    await expect(
      make({ state: { version: 1, users: [{}] } as unknown as EmulatorSnapshot }),
    ).rejects.toThrow(/invalid emulator state/)
  })
})

describe('unmatched routes fail loudly', () => {
  it('answers 501 naming the method and path on the Frontend API side', async () => {
    const emulator = await make()
    const response = await call(emulator, '/v1/client/sign_ins/sia_1/prepare_first_factor', {
      method: 'POST',
    })
    expect(response.status).toBe(501)
    const error = await errorOf(response)
    expect(error?.code).toBe('emulator_not_implemented')
    expect(error?.message).toContain('POST /v1/client/sign_ins/sia_1/prepare_first_factor')
    expect(error?.meta).toMatchObject({
      method: 'POST',
      path: '/v1/client/sign_ins/sia_1/prepare_first_factor',
    })
    const put = await call(emulator, '/v1/client?_method=PUT', { method: 'POST' })
    expect((await errorOf(put))?.message).toContain('PUT /v1/client')
  })

  it('answers 501 on the Backend API side, with the exact JSON content type', async () => {
    const emulator = await make()
    const response = await bapi(emulator, '/organizations')
    expect(response.status).toBe(501)
    expect(response.headers.get('Content-Type')).toBe('application/json')
    expect((await errorOf(response))?.message).toContain('GET /api/v1/organizations')
    const unsupported = await bapi(emulator, '/users?phone_number=%2B15550100')
    expect(unsupported.status).toBe(501)
    expect((await errorOf(unsupported))?.message).toContain('phone_number')
  })

  it('requires the secret key on the Backend API', async () => {
    const emulator = await make()
    const none = await call(emulator, '/api/v1/users')
    expect(none.status).toBe(401)
    expect((await errorOf(none))?.code).toBe('authentication_invalid')
    const wrong = await call(emulator, '/api/v1/users', {
      headers: { Authorization: 'Bearer sk_test_wrong' },
    })
    expect(wrong.status).toBe(401)
    expect((await errorOf(wrong))?.code).toBe('clerk_key_invalid')
  })
})

describe('CORS', () => {
  it.each([
    'http://localhost:5173',
    'http://localhost',
    'http://127.0.0.1:9999',
    'http://[::1]:3000',
    'https://localhost:8443',
  ])('echoes the loopback origin %s with credentials', async (origin) => {
    const response = await call(await make(), '/v1/environment', { headers: { Origin: origin } })
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin)
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(response.headers.get('Vary')).toContain('Origin')
  })

  it.each(['https://example.com', 'http://localhost.evil.test:5173', 'null', 'http://10.0.0.1'])(
    'sends no CORS headers to %s',
    async (origin) => {
      const response = await call(await make(), '/v1/environment', { headers: { Origin: origin } })
      expect(response.status).toBe(200)
      expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull()
      expect(response.headers.get('Access-Control-Allow-Credentials')).toBeNull()
    },
  )

  it('answers preflights with 204, never with *', async () => {
    const emulator = await make()
    const allowed = await call(emulator, '/__emulator/faults', {
      method: 'OPTIONS',
      headers: { Origin: PAGE, 'Access-Control-Request-Headers': 'content-type' },
    })
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(PAGE)
    expect(allowed.headers.get('Access-Control-Allow-Methods')).toContain('DELETE')
    const refused = await call(emulator, '/v1/client', {
      method: 'OPTIONS',
      headers: { Origin: 'https://example.com' },
    })
    expect(refused.status).toBe(204)
    expect(refused.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it('adds CORS to errors too, so a page can read them', async () => {
    const response = await call(await make(), '/v1/nothing', { headers: { Origin: PAGE } })
    expect(response.status).toBe(501)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(PAGE)
  })
})

describe('the Frontend API: environment, clients, sign-in and sessions', () => {
  it('has no client before the first sign-in, then one per browser cookie', async () => {
    const emulator = await make()
    const alice = browser(emulator)
    expect(await alice.load()).toBeNull()
    const sessionId = await alice.signIn()
    const [cookie] = [...alice.cookies.keys()]
    expect(cookie).toMatch(/^__client_[A-Za-z0-9_-]{8}$/)
    const client = await alice.load()
    expect(client?.sessions.map((s) => s.id)).toEqual([sessionId])
    const other = browser(emulator)
    expect(await other.load()).toBeNull()
    expect((await make()).config()).not.toBe(emulator.config())
  })

  it('sets an HttpOnly, SameSite=Lax client cookie on the base path, named after the signing key', async () => {
    const first = await make({ basePath: '/__clerk' })
    const response = await first.fetch(
      new Request(`${ORIGIN}/__clerk/v1/client/sign_ins`, {
        method: 'POST',
        body: new URLSearchParams({ identifier: 'ada@example.test' }),
      }),
    )
    const [cookie = ''] = response.headers.getSetCookie()
    expect(cookie).toMatch(/^__client_[\w-]{8}=\w+; /)
    expect(cookie).toContain('Path=/__clerk')
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).not.toContain('Secure')
    const cookieName = async (emulator: Emulator) => {
      const other = await call(emulator, '/v1/client/sign_ins', {
        method: 'POST',
        body: new URLSearchParams({ identifier: 'ada@example.test' }),
      })
      return (other.headers.getSetCookie()[0] ?? '').split('=')[0]
    }
    // Another key (another instance on this host): another cookie. The same key: the same one.
    const otherKey = (await generateSigningKey()).privateKeyPem
    expect(await cookieName(await make({ privateKeyPem: otherKey }))).not.toBe(cookie.split('=')[0])
    expect(await cookieName(await make())).toBe(cookie.split('=')[0])
  })

  it('signs in in one step: the piggybacked client carries the active session and a fresh token', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const result = await page.call<{ response: Record<string, unknown>; client: ClientJson }>(
      'POST',
      '/v1/client/sign_ins',
      { identifier: 'ADA@example.test', password: 'lovelace-1815', locale: 'en-US' },
    )
    expect(result.status).toBe(200)
    expect(result.body.response).toMatchObject({ object: 'sign_in_attempt', status: 'complete' })
    const session = result.body.client.sessions[0]
    expect(session?.id).toBe(result.body.response.created_session_id)
    expect(session?.status).toBe('active')
    expect(session?.user.public_metadata).toEqual({ birthday: '1990-12-10' })
    expect(session?.user.email_addresses[0]?.linked_to).toEqual([])
    const { payload } = decodeJwt(session?.last_active_token?.jwt ?? '')
    expect(payload).toMatchObject({
      sid: session?.id,
      sub: session?.user.id,
      birthday: '1990-12-10',
    })
    expect(result.body.client.last_active_session_id).toBe(session?.id)
  })

  it('signs in in two steps with attempt_first_factor', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const first = await page.call<{ response: { id: string; status: string }; client: ClientJson }>(
      'POST',
      '/v1/client/sign_ins',
      { identifier: 'ada@example.test' },
    )
    expect(first.body.response.status).toBe('needs_first_factor')
    expect(first.body.client.sign_in?.id).toBe(first.body.response.id)
    expect(first.body.client.sessions).toEqual([])
    const wrong = await page.call<ErrorJson>(
      'POST',
      `/v1/client/sign_ins/${first.body.response.id}/attempt_first_factor`,
      { strategy: 'password', password: 'nope' },
    )
    expect(wrong.status).toBe(422)
    const second = await page.call<{ response: { status: string }; client: ClientJson }>(
      'POST',
      `/v1/client/sign_ins/${first.body.response.id}/attempt_first_factor`,
      { strategy: 'password', password: 'lovelace-1815' },
    )
    expect(second.body.response.status).toBe('complete')
    expect(second.body.client.sign_in).toBeNull()
    expect(second.body.client.sessions).toHaveLength(1)
  })

  it("answers Clerk's 422 errors for a wrong password and an unknown identifier", async () => {
    const page = browser(await make())
    const wrong = await page.call<ErrorJson>('POST', '/v1/client/sign_ins', {
      identifier: 'ada@example.test',
      password: 'wrong-password',
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.errors[0]).toMatchObject({
      code: 'form_password_incorrect',
      meta: { param_name: 'password' },
    })
    expect(wrong.body.errors[0]?.long_message).toBe(
      'Password is incorrect. Try again, or use another method.',
    )
    const unknown = await page.call<ErrorJson>('POST', '/v1/client/sign_ins', {
      identifier: 'nobody@example.test',
      password: 'whatever-123',
    })
    expect(unknown.status).toBe(422)
    expect(unknown.body.errors[0]).toMatchObject({
      code: 'form_identifier_not_found',
      meta: { param_name: 'identifier' },
    })
  })

  it('refuses a second sign-in on a signed-in client (single-session mode)', async () => {
    const page = browser(await make())
    await page.signIn()
    const again = await page.call<ErrorJson>('POST', '/v1/client/sign_ins', {
      identifier: 'ada@example.test',
      password: 'lovelace-1815',
    })
    expect(again.status).toBe(400)
    expect(again.body.errors[0]?.code).toBe('session_exists')
  })

  it('mints bare tokens with the v2 claims, azp from Origin and no oiat', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    const response = await page.call<Record<string, unknown>>(
      'POST',
      `/v1/client/sessions/${sessionId}/tokens`,
      { organization_id: '', tab_state: 'focused' },
      { debug: 'skip_cache' },
    )
    expect(Object.keys(response.body).sort()).toEqual(['jwt', 'object'])
    expect(response.body.object).toBe('token')
    const { header, payload } = decodeJwt(String(response.body.jwt))
    expect(header).toEqual({ alg: 'RS256', kid: expect.stringMatching(/^ins_/), typ: 'JWT' })
    const iat = payload.iat as number
    expect(payload).toEqual({
      azp: PAGE,
      exp: iat + 60,
      fva: [0, -1],
      iat,
      iss: 'https://clerk.emulator.localhost',
      jti: expect.stringMatching(/^[0-9a-f]{20}$/),
      nbf: iat - 10,
      sid: sessionId,
      sts: 'active',
      sub: expect.stringMatching(/^user_/),
      v: 2,
      birthday: '1990-12-10',
    })
    expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(5)
    const another = await page.token(sessionId)
    expect(decodeJwt(another).payload.jti).not.toBe(payload.jti)
  })

  it('omits azp when the request has no Origin', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    const noOrigin = new TestBrowser(ORIGIN, { origin: null, fetch: (r) => emulator.fetch(r) })
    for (const [name, value] of page.cookies) noOrigin.cookies.set(name, value)
    expect(decodeJwt(await noOrigin.token(sessionId)).payload).not.toHaveProperty('azp')
  })

  it('GET /v1/me answers the user and a client whose token shows a metadata change', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    const client = await page.load()
    const userId = client?.sessions[0]?.user.id ?? ''
    const patch = await bapi(emulator, `/users/${userId}/metadata`, {
      method: 'PATCH',
      body: JSON.stringify({ public_metadata: { birthday: '2001-02-03' } }),
    })
    expect(patch.status).toBe(200)
    const me = await page.call<{ response: UserJson; client: ClientJson }>(
      'GET',
      '/v1/me',
      {},
      { _clerk_session_id: sessionId },
    )
    expect(me.body.response.public_metadata).toEqual({ birthday: '2001-02-03' })
    const session = me.body.client.sessions[0]
    expect(session?.user.public_metadata).toEqual({ birthday: '2001-02-03' })
    expect(decodeJwt(session?.last_active_token?.jwt ?? '').payload.birthday).toBe('2001-02-03')
  })

  it('signs out with POST ?_method=DELETE; the session then mints no tokens', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    const out = await page.call<{ response: ClientJson; client: ClientJson }>(
      'DELETE',
      '/v1/client/sessions',
    )
    expect(out.status).toBe(200)
    expect(out.body.response.sessions).toEqual([])
    expect(out.body.client).toEqual(out.body.response)
    const token = await page.call<ErrorJson>('POST', `/v1/client/sessions/${sessionId}/tokens`)
    expect(token.status).toBe(401)
    expect(token.body.errors[0]?.code).toBe('signed_out')
    expect((await page.load())?.sessions).toEqual([])
    await page.signIn()
  })

  it('keys the client on the dev browser when clerk-js sends __clerk_db_jwt', async () => {
    const emulator = await make()
    const created = await call(emulator, '/v1/dev_browser', { method: 'POST' })
    const { id } = (await created.json()) as { id: string }
    expect(id).toMatch(/^dvb_/)
    const page = browser(emulator)
    const query = { __clerk_db_jwt: id }
    const signIn = await page.call<{ response: { created_session_id: string } }>(
      'POST',
      '/v1/client/sign_ins',
      { identifier: 'ada@example.test', password: 'lovelace-1815' },
      query,
    )
    expect(signIn.status).toBe(200)
    expect(page.cookies.size).toBe(0)
    const fresh = browser(emulator)
    const client = await fresh.call<{ response: ClientJson }>('GET', '/v1/client', {}, query)
    expect(client.body.response.sessions[0]?.id).toBe(signIn.body.response.created_session_id)
    const unknown = await fresh.call<ErrorJson>(
      'GET',
      '/v1/client',
      {},
      { __clerk_db_jwt: 'dvb_x' },
    )
    expect(unknown.status).toBe(401)
    expect(unknown.body.errors[0]?.code).toBe('dev_browser_unauthenticated')
  })

  it('answers the environment to PATCH (development) and GET (production)', async () => {
    const page = browser(await make({ instanceType: 'production' }))
    const patched = await page.call<Record<string, unknown>>('PATCH', '/v1/environment')
    const got = await page.call<Record<string, unknown>>('GET', '/v1/environment')
    expect(patched.body).toEqual(got.body)
    expect(got.body).toMatchObject({
      auth_config: { object: 'auth_config', single_session_mode: true },
      display_config: { instance_environment_type: 'production', home_url: PAGE },
    })
    // The spec's Environment is closed and has no `object` or `id`; ClerkJS does not read them.
    expect(got.body).not.toHaveProperty('object')
    expect(got.body).not.toHaveProperty('commerce_settings')
  })
})

describe('Backend API details', () => {
  it('keeps metadata within 8 KB and leaves it unchanged when a write would exceed it', async () => {
    const emulator = await make()
    const [user] = (await (await bapi(emulator, '/users')).json()) as { id: string }[]
    const big = { blob: 'x'.repeat(8 * 1024) }
    const response = await bapi(emulator, `/users/${user?.id}/metadata`, {
      method: 'PATCH',
      body: JSON.stringify({ public_metadata: big }),
    })
    expect(response.status).toBe(422)
    expect(await errorOf(response)).toMatchObject({ meta: { param_name: 'public_metadata' } })
    const after = (await (await bapi(emulator, `/users/${user?.id}`)).json()) as UserJson
    expect(after.public_metadata).toEqual({ birthday: '1990-12-10' })
  })

  it('validates createUser like Clerk', async () => {
    const emulator = await make()
    const create = (body: unknown) =>
      bapi(emulator, '/users', { method: 'POST', body: JSON.stringify(body) })
    expect(
      await errorOf(await create({ email_address: ['ada@example.test'], password: 'long-enough' })),
    ).toMatchObject({
      code: 'form_identifier_exists',
    })
    expect(
      await errorOf(await create({ email_address: ['x@example.test'], password: 'short' })),
    ).toMatchObject({
      code: 'form_password_length_too_short',
    })
    expect(
      (await create({ email_address: ['y@example.test'], password: 'long-enough', username: 'y' }))
        .status,
    ).toBe(501)
    expect((await bapi(emulator, '/users/user_missing')).status).toBe(404)
  })
})

describe('fault injection', () => {
  it('answers a status for the next N matching requests, then behaves again', async () => {
    const emulator = await make()
    const added = await control(emulator, 'POST', 'faults', {
      path: '/v1/client',
      status: 503,
      times: 2,
    })
    expect(added.status).toBe(201)
    const page = browser(emulator)
    expect((await page.call('GET', '/v1/client')).status).toBe(503)
    const second = await page.call<ErrorJson>('GET', '/v1/client')
    expect(second.status).toBe(503)
    expect(second.body.errors[0]?.code).toBe('emulator_injected_fault')
    expect((await page.call('GET', '/v1/client')).status).toBe(200)
  })

  it('matches globs (* = one segment, ** = any) and the method, including _method', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    await control(emulator, 'POST', 'faults', { path: '/v1/client/sessions/*', status: 500 })
    expect((await page.call('POST', `/v1/client/sessions/${sessionId}/tokens`)).status).toBe(200)
    await control(emulator, 'POST', 'faults', { path: '/v1/client/sessions/*/tokens', status: 500 })
    expect((await page.call('POST', `/v1/client/sessions/${sessionId}/tokens`)).status).toBe(500)
    await control(emulator, 'DELETE', 'faults')
    await control(emulator, 'POST', 'faults', { method: 'GET', path: '/v1/**', status: 500 })
    expect((await page.call('POST', `/v1/client/sessions/${sessionId}/tokens`)).status).toBe(200)
    expect((await page.call('GET', '/v1/me')).status).toBe(500)
    await control(emulator, 'POST', 'faults', {
      method: 'DELETE',
      path: '/v1/client/sessions',
      status: 502,
    })
    expect((await page.call('DELETE', '/v1/client/sessions')).status).toBe(502)
  })

  it('never faults the control surface, and lists and clears faults', async () => {
    const emulator = await make()
    await control(emulator, 'POST', 'faults', { path: '/**', status: 500, times: 5 })
    const listed = await control(emulator, 'GET', 'faults')
    expect(listed.status).toBe(200)
    expect(listed.body.faults).toEqual([expect.objectContaining({ path: '/**', remaining: 5 })])
    expect((await control(emulator, 'DELETE', 'faults')).body).toEqual({ cleared: 1 })
    expect((await call(emulator, '/v1/environment')).status).toBe(200)
  })

  it('rejects malformed fault requests', async () => {
    const emulator = await make()
    const bad = await control(emulator, 'POST', 'faults', { path: 'v1/client', status: 99 })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('path')
  })

  it('adds Retry-After to injected 429s', async () => {
    const emulator = await make()
    await control(emulator, 'POST', 'faults', { path: '/api/v1/users/*/metadata', status: 429 })
    const response = await bapi(emulator, '/users/user_x/metadata', { method: 'PATCH', body: '{}' })
    expect(response.status).toBe(429)
    expect(response.headers.get('Retry-After')).toBe('1')
  })

  it('delays a response', async () => {
    const emulator = await make()
    await control(emulator, 'POST', 'faults', { path: '/v1/environment', delayMs: 120 })
    const started = performance.now()
    const response = await call(emulator, '/v1/environment')
    expect(response.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
  })

  it('hangs until the request is aborted, and logs 499', async () => {
    const emulator = await make()
    await control(emulator, 'POST', 'faults', { path: '/v1/client', hang: true })
    const controller = new AbortController()
    const pending = call(emulator, '/v1/client', { signal: controller.signal })
    let settled = false
    void pending.then(() => (settled = true))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(settled).toBe(false)
    controller.abort()
    expect((await pending).status).toBe(499)
    const log = (await control(emulator, 'GET', 'requests')).body.requests as { path: string }[]
    expect(log.find((entry) => entry.path === '/v1/client')).toMatchObject({ status: 499 })
  })

  it('marks a dropped connection for the Node adapter', async () => {
    const emulator = await make()
    await control(emulator, 'POST', 'faults', { path: '/v1/client', drop: true })
    const response = await call(emulator, '/v1/client', { headers: { Origin: PAGE } })
    expect(response.headers.get('x-emulator-drop')).toBe('1')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })
})

describe('request log, counters, settings and reset', () => {
  it('logs every request with its route pattern, and counts routes and Backend API writes', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    await page.token(sessionId, true)
    const userId = (await page.load())?.sessions[0]?.user.id
    await bapi(emulator, `/users/${userId}/metadata`, {
      method: 'PATCH',
      body: '{"public_metadata":{}}',
    })
    await bapi(emulator, `/users/${userId}`)
    const { body } = await control(emulator, 'GET', 'requests')
    const requests = body.requests as Record<string, unknown>[]
    expect(requests.map((r) => r.route)).toEqual([
      'POST /v1/client/sign_ins',
      'POST /v1/client/sessions/:id/touch',
      'POST /v1/client/sessions/:id/tokens',
      'PATCH /v1/environment',
      'GET /v1/client',
      'PATCH /api/v1/users/:id/metadata',
      'GET /api/v1/users/:id',
    ])
    expect(requests[2]).toEqual({
      at: expect.any(Number),
      method: 'POST',
      path: `/v1/client/sessions/${sessionId}/tokens`,
      query: expect.stringContaining('debug=skip_cache'),
      status: 200,
      api: 'fapi',
      route: 'POST /v1/client/sessions/:id/tokens',
      origin: PAGE,
    })
    expect(requests[3]).toMatchObject({
      method: 'POST',
      api: 'fapi',
      route: 'PATCH /v1/environment',
    })
    const log = (await control(emulator, 'GET', 'requests')).body.requests as unknown[]
    expect(log.at(-1)).toMatchObject({ api: 'control', route: 'GET /__emulator/requests' })
    const counters = (await control(emulator, 'GET', 'counters')).body
    expect(counters).toEqual({
      routes: expect.objectContaining({
        'POST /v1/client/sessions/:id/tokens': 1,
        'GET /api/v1/users/:id': 1,
        'GET /__emulator/requests': 2,
      }),
      bapiWrites: 1,
    })
    await control(emulator, 'DELETE', 'requests')
    expect((await control(emulator, 'GET', 'counters')).body).toEqual({
      routes: { 'DELETE /__emulator/requests': 1 },
      bapiWrites: 0,
    })
  })

  it('changes the template, lifetime and clock at run time', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    const patched = await control(emulator, 'PATCH', 'settings', {
      sessionTokenTemplate: {
        bday: '{{user.public_metadata.birthday}}',
        name: '{{user.first_name}}',
      },
      tokenLifetimeSeconds: 30,
      clockOffsetMs: -3_600_000,
    })
    expect(patched.status).toBe(200)
    const { payload } = decodeJwt(await page.token(sessionId))
    expect(payload).toMatchObject({ bday: '1990-12-10', name: 'Ada' })
    expect(payload).not.toHaveProperty('birthday')
    expect(payload.exp).toBe((payload.iat as number) + 30)
    expect(Math.round(Date.now() / 1000 - (payload.iat as number))).toBeGreaterThanOrEqual(3599)
    expect((await control(emulator, 'GET', 'settings')).body).toMatchObject({
      tokenLifetimeSeconds: 30,
    })
    const reserved = await control(emulator, 'PATCH', 'settings', {
      sessionTokenTemplate: { sid: 'x' },
    })
    expect(reserved.status).toBe(400)
    expect(
      (await control(emulator, 'PATCH', 'settings', { tokenLifetimeSeconds: 'x' })).status,
    ).toBe(400)
    expect((await control(emulator, 'PATCH', 'settings', { unknown: 1 })).status).toBe(400)
  })

  it('resets users, clients, faults, log and settings', async () => {
    const emulator = await make()
    const page = browser(emulator)
    const sessionId = await page.signIn()
    const userId = (await page.load())?.sessions[0]?.user.id
    await bapi(emulator, `/users/${userId}/metadata`, {
      method: 'PATCH',
      body: '{"public_metadata":{"birthday":null}}',
    })
    await bapi(emulator, '/users', {
      method: 'POST',
      body: JSON.stringify({ email_address: ['new@example.test'], password: 'long-enough' }),
    })
    await control(emulator, 'POST', 'faults', { path: '/v1/nothing', status: 500 })
    await control(emulator, 'PATCH', 'settings', { tokenLifetimeSeconds: 10 })
    expect((await control(emulator, 'POST', 'reset')).body).toEqual({ ok: true })
    expect(await page.load()).toBeNull()
    expect((await page.call('POST', `/v1/client/sessions/${sessionId}/tokens`)).status).toBe(401)
    const users = (await (await bapi(emulator, '/users')).json()) as UserJson[]
    expect(users.map((u) => [u.id, u.public_metadata])).toEqual([
      [userId, { birthday: '1990-12-10' }],
    ])
    expect((await control(emulator, 'GET', 'faults')).body.faults).toEqual([])
    expect((await control(emulator, 'GET', 'settings')).body).toMatchObject({
      tokenLifetimeSeconds: 60,
    })
  })

  it('reports the users to onStateChange at start and after each change, and starts from a snapshot', async () => {
    const onStateChange = vi.fn<(snapshot: EmulatorSnapshot) => void>()
    const emulator = await make({ onStateChange })
    expect(onStateChange).toHaveBeenCalledTimes(1)
    const [user] = onStateChange.mock.calls[0]?.[0].users ?? []
    expect(user).toMatchObject({ emailAddress: 'ada@example.test', firstName: 'Ada' })
    expect(JSON.stringify(user)).not.toContain('lovelace-1815')
    await bapi(emulator, `/users/${user?.id}/metadata`, {
      method: 'PATCH',
      body: '{"public_metadata":{"theme":"dark"}}',
    })
    const latest = onStateChange.mock.lastCall?.[0] as EmulatorSnapshot
    expect(latest.users[0]?.publicMetadata).toEqual({ birthday: '1990-12-10', theme: 'dark' })

    const restored = browser(await make({ state: latest, users: [] }))
    await restored.signIn()
    expect((await restored.load())?.sessions[0]?.user.public_metadata).toEqual(
      latest.users[0]?.publicMetadata,
    )
  })

  it('keeps a signed-in browser signed in across a restart with the same key, until it signs out', async () => {
    const onStateChange = vi.fn<(snapshot: EmulatorSnapshot) => void>()
    const before = browser(await make({ onStateChange }))
    const sessionId = await before.signIn()
    const saved = onStateChange.mock.lastCall?.[0] as EmulatorSnapshot
    expect(saved.version).toBe(2)
    expect(saved.sessions?.map((session) => session.id)).toEqual([sessionId])
    expect(saved.clients?.[0]?.signInId).toBeNull()

    // A new emulator from the saved state: the same browser, with its cookie, is still signed in.
    const restarted = await make({ state: saved, onStateChange })
    const after = new TestBrowser(ORIGIN, {
      origin: PAGE,
      fetch: (request) => restarted.fetch(request),
    })
    for (const [name, value] of before.cookies) after.cookies.set(name, value)
    expect((await after.load())?.sessions.map((session) => session.id)).toEqual([sessionId])
    const { payload } = decodeJwt(await after.token(sessionId, true))
    expect(payload).toMatchObject({ sid: sessionId, azp: PAGE })

    // Signing out is saved too: a second restart finds the browser signed out.
    const signOut = await restarted.fetch(
      new Request(`${ORIGIN}/v1/client/sessions?_method=DELETE`, {
        method: 'POST',
        headers: {
          Origin: PAGE,
          Cookie: [...after.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        },
      }),
    )
    expect(signOut.status).toBe(200)
    const signedOut = onStateChange.mock.lastCall?.[0] as EmulatorSnapshot
    expect(signedOut.sessions).toEqual([])
    const again = new TestBrowser(ORIGIN, {
      origin: PAGE,
      fetch: async (request) => (await make({ state: signedOut })).fetch(request),
    })
    for (const [name, value] of before.cookies) again.cookies.set(name, value)
    expect((await again.load())?.sessions ?? []).toEqual([])
  })

  it('refuses a saved state whose session names an unknown client or user, and loads version 1', async () => {
    const onStateChange = vi.fn<(snapshot: EmulatorSnapshot) => void>()
    await browser(await make({ onStateChange })).signIn()
    const saved = onStateChange.mock.lastCall?.[0] as EmulatorSnapshot
    const dangling = { ...saved, clients: [] }
    await expect(make({ state: dangling })).rejects.toThrow(/unknown client or user/)
    const orphan = { ...saved, users: [] }
    await expect(make({ state: orphan })).rejects.toThrow(/unknown client or user/)
    const versionOne = { version: 1, users: saved.users } as EmulatorSnapshot
    const loaded = await make({ state: versionOne })
    const users = (await (await bapi(loaded, '/users')).json()) as { id: string }[]
    expect(users.map((user) => user.id)).toEqual(saved.users.map((user) => user.id))
  })
})

describe('ClerkJS files', () => {
  const source: ClerkJsSource = {
    version: '6.40.0',
    read: async (file) =>
      file === 'clerk.browser.js' ? new TextEncoder().encode('/* clerk */') : null,
  }

  it.each(['6', '6.40', '6.40.0'])('serves @%s with CORS for the page', async (version) => {
    const emulator = await make({ clerkJsSource: source })
    const response = await call(emulator, `/npm/@clerk/clerk-js@${version}/dist/clerk.browser.js`, {
      headers: { Origin: PAGE },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(PAGE)
    expect(await response.text()).toBe('/* clerk */')
  })

  it.each([
    '/npm/@clerk/clerk-js@5/dist/clerk.browser.js',
    '/npm/@clerk/clerk-js@6.4/dist/clerk.browser.js',
    '/npm/@clerk/clerk-js@6/dist/missing.js',
    '/npm/@clerk/clerk-js@6/dist/..%2Fpackage.json',
  ])('answers 404 for %s', async (path) => {
    const response = await call(await make({ clerkJsSource: source }), path)
    expect(response.status).toBe(404)
  })

  it('serves the installed package by default', async () => {
    const { readFile } = await import('node:fs/promises')
    const { createRequire } = await import('node:module')
    const path = await import('node:path')
    const dist = path.dirname(createRequire(import.meta.url).resolve('@clerk/clerk-js'))
    const response = await call(await make(), '/npm/@clerk/clerk-js@6/dist/clerk.browser.js')
    expect(response.status).toBe(200)
    const served = new Uint8Array(await response.arrayBuffer())
    expect(Buffer.compare(served, await readFile(path.join(dist, 'clerk.browser.js')))).toBe(0)
  })
})
