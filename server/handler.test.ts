import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createBirthdayHandler, type BirthdayHandlerOptions, type LogEntry } from './handler.ts'
import type { LimiterStore } from './limiter.ts'
import { createFakeBackendApi, fakeUser, type FakeBackendApi } from './testing/fake-backend-api.ts'
import {
  generateSigningKey,
  sessionClaims,
  signSessionToken,
  type SigningKey,
} from './testing/tokens.ts'

const SECRET = 'sk_test_unit'
const ORIGIN = 'http://app.test'
const OTHER_ORIGIN = 'http://evil.test'
const URL_ = 'http://handler.test/api/update-user-metadata'
const USER = 'user_ada'
const NOW = Date.parse('2025-06-15T12:00:00Z')

let key: SigningKey

beforeAll(async () => {
  key = await generateSigningKey()
})

afterEach(() => {
  vi.unstubAllGlobals()
})

/**
 * A handler whose Backend API is the in-process fake. The handler reaches it through
 * `@clerk/backend`, which takes no `fetch`: the fake becomes the global `fetch`, which the SDK reads
 * on every call because Vitest sets `NODE_ENV=test` (otherwise it keeps the one bound at import).
 */
function setup(overrides: Partial<BirthdayHandlerOptions> = {}) {
  const bapi: FakeBackendApi = createFakeBackendApi({
    secretKey: SECRET,
    users: [
      fakeUser(
        USER,
        { birthday: '1990-12-10', theme: { color: 'teal' } },
        { private_metadata: { plan: 'pro' } },
      ),
    ],
  })
  vi.stubGlobal('fetch', bapi.fetch)
  const logs: LogEntry[] = []
  const clock = { t: NOW, now: () => clock.t }
  const handler = createBirthdayHandler({
    secretKey: SECRET,
    jwtKey: key.publicKeyPem,
    apiUrl: 'http://bapi.test',
    allowedOrigins: [ORIGIN],
    logger: (entry) => logs.push(entry),
    clock,
    upstreamTimeoutMs: 1_000,
    ...overrides,
  })
  return { handler, bapi, logs, clock }
}

async function token(overrides: Record<string, unknown> = {}): Promise<string> {
  return signSessionToken(key, sessionClaims(USER, ORIGIN, Date.now(), overrides))
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Request> {
  return new Request(URL_, {
    method: 'POST',
    headers: {
      Origin: ORIGIN,
      Authorization: `Bearer ${await token()}`,
      'Content-Type': 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function get(headers: Record<string, string> = {}): Promise<Request> {
  return new Request(URL_, {
    headers: { Origin: ORIGIN, Authorization: `Bearer ${await token()}`, ...headers },
  })
}

describe('happy path', () => {
  it('GET answers the stored birthday from the Backend API', async () => {
    const { handler, bapi } = setup()
    const response = await handler(await get())
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ birthday: '1990-12-10' })
    expect(bapi.calls).toEqual([{ method: 'GET', path: `/v1/users/${USER}` }])
  })

  it('POST writes only public_metadata.birthday and answers the value as stored', async () => {
    const { handler, bapi } = setup()
    const response = await handler(await post({ birthday: '1815-12-10'.replace('1815', '1915') }))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ birthday: '1915-12-10' })
    expect(bapi.writes).toBe(1)
    expect(bapi.user(USER)).toMatchObject({
      public_metadata: { birthday: '1915-12-10', theme: { color: 'teal' } },
      private_metadata: { plan: 'pro' },
    })
  })

  it('POST null removes the key and answers null', async () => {
    const { handler, bapi } = setup()
    const response = await handler(await post({ birthday: null }))
    expect(await response.json()).toEqual({ birthday: null })
    expect(bapi.user(USER)?.public_metadata).toEqual({ theme: { color: 'teal' } })
  })

  it('accepts today at UTC+14 and a charset=utf-8 Content-Type', async () => {
    const { handler } = setup()
    const latest = new Date(NOW + 14 * 3_600_000).toISOString().slice(0, 10)
    const response = await handler(
      await post({ birthday: latest }, { 'Content-Type': 'application/json; charset=UTF-8' }),
    )
    expect(response.status).toBe(200)
  })

  it('answers with no-store, nosniff, JSON and the CORS echo for a listed origin', async () => {
    const { handler } = setup()
    const response = await handler(await get())
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-type': 'application/json; charset=utf-8',
      'access-control-allow-origin': ORIGIN,
      'access-control-expose-headers': 'Retry-After',
      vary: 'Origin',
    })
    expect(response.headers.has('access-control-allow-credentials')).toBe(false)
  })

  it('a request with no Origin (server to server) works and gets no CORS headers', async () => {
    const { handler } = setup()
    const request = new Request(URL_, { headers: { Authorization: `Bearer ${await token()}` } })
    const response = await handler(request)
    expect(response.status).toBe(200)
    expect(
      [...response.headers.keys()].filter((name) => name.startsWith('access-control')),
    ).toEqual([])
  })
})

describe('CORS', () => {
  it('preflight from a listed origin: exact origin, Vary, long Max-Age, methods and headers', async () => {
    const { handler, bapi } = setup()
    const response = await handler(
      new Request(URL_, {
        method: 'OPTIONS',
        headers: {
          Origin: ORIGIN,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      }),
    )
    expect(response.status).toBe(204)
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '86400',
      vary: 'Origin',
    })
    expect(bapi.calls).toEqual([])
  })

  it.each([
    ['preflight', 'OPTIONS'],
    ['GET', 'GET'],
    ['POST', 'POST'],
  ])('%s from an unlisted origin: 403 and no CORS headers at all', async (_, method) => {
    const { handler, bapi } = setup()
    const response = await handler(
      new Request(URL_, {
        method,
        headers: {
          Origin: OTHER_ORIGIN,
          Authorization: `Bearer ${await token()}`,
          'Content-Type': 'application/json',
        },
        body: method === 'POST' ? '{"birthday":null}' : null,
      }),
    )
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      error: { code: 'origin_not_allowed', message: 'this origin may not call this endpoint' },
    })
    expect(
      [...response.headers.keys()].filter((name) => name.startsWith('access-control')),
    ).toEqual([])
    expect(bapi.calls).toEqual([])
  })

  it('Origin: null and look-alike origins are unlisted', async () => {
    const { handler } = setup()
    for (const origin of [
      'null',
      `${ORIGIN}/`,
      `${ORIGIN}:80`,
      'http://APP.test',
      `${ORIGIN}.evil`,
    ]) {
      const response = await handler(new Request(URL_, { headers: { Origin: origin } }))
      expect(response.status, origin).toBe(403)
    }
  })

  it('refuses to start with no origin or something that is not an exact origin', () => {
    for (const allowedOrigins of [[], ['http://app.test/'], ['app.test'], ['http://app.test/x']]) {
      expect(() => setup({ allowedOrigins })).toThrow(TypeError)
    }
  })
})

describe('routing', () => {
  it('404 for another path when `path` is set, 405 with Allow for another method', async () => {
    const { handler } = setup({ path: '/api/update-user-metadata' })
    const notFound = await handler(new Request('http://handler.test/api/other'))
    expect(notFound.status).toBe(404)
    expect(await notFound.json()).toEqual({
      error: { code: 'not_found', message: 'no such endpoint' },
    })
    for (const method of ['PUT', 'PATCH', 'DELETE', 'HEAD']) {
      const response = await handler(new Request(URL_, { method, headers: { Origin: ORIGIN } }))
      expect(response.status).toBe(405)
      expect(response.headers.get('Allow')).toBe('GET, POST, OPTIONS')
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN)
    }
  })

  it('answers on a custom path, and 404 on the default one', async () => {
    const { handler } = setup({ path: '/me/birthday' })
    const request = new Request('http://handler.test/me/birthday', {
      headers: { Authorization: `Bearer ${await token()}` },
    })
    expect((await handler(request)).status).toBe(200)
    expect((await handler(await get())).status).toBe(404)
  })
})

describe('authentication', () => {
  it('every failure is the same 401 body with WWW-Authenticate: Bearer', async () => {
    const { handler, bapi } = setup()
    const requests = [
      new Request(URL_),
      new Request(URL_, { headers: { Authorization: `Basic ${btoa('a:b')}` } }),
      new Request(URL_, { headers: { Authorization: 'Bearer not.a.jwt' } }),
      new Request(URL_, {
        headers: { Authorization: `Bearer ${await token({ azp: undefined })}` },
      }),
      new Request(URL_, { headers: { Authorization: `Bearer ${await token({ exp: 1 })}` } }),
      new Request(URL_, { headers: { Cookie: `__session=${await token()}` } }),
    ]
    const bodies = new Set<string>()
    for (const request of requests) {
      const response = await handler(request)
      expect(response.status).toBe(401)
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer')
      bodies.add(await response.text())
    }
    expect([...bodies]).toEqual([
      JSON.stringify({
        error: { code: 'unauthenticated', message: 'a valid session token is required' },
      }),
    ])
    expect(bapi.calls).toEqual([])
  })

  it('the user id comes from sub', async () => {
    const { handler, bapi, logs } = setup()
    bapi.users.set('user_other', {
      id: 'user_other',
      public_metadata: {},
      private_metadata: {},
      unsafe_metadata: {},
    })
    const other = await signSessionToken(key, sessionClaims('user_other', ORIGIN))
    const response = await handler(
      new Request(URL_, {
        method: 'POST',
        headers: { Authorization: `Bearer ${other}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ birthday: '2000-01-01' }),
      }),
    )
    expect(response.status).toBe(200)
    expect(bapi.user('user_other')?.public_metadata).toEqual({ birthday: '2000-01-01' })
    expect(bapi.user(USER)?.public_metadata.birthday).toBe('1990-12-10')
    expect(logs.at(-1)?.userId).toBe('user_other')
  })
})

describe('bodies', () => {
  it.each([
    ['malformed JSON', '{"birthday":', 400],
    ['not an object', '"1990-01-01"', 400],
    ['a number', '{"birthday":19900101}', 400],
    ['an extra key', '{"birthday":"1990-01-01","userId":"user_x"}', 400],
    ['30 February', '{"birthday":"1990-02-30"}', 400],
    ['29 February 2023', '{"birthday":"2023-02-29"}', 400],
    ['before 1900', '{"birthday":"1899-12-31"}', 400],
    ['after today at UTC+14', '{"birthday":"2025-06-17"}', 400],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 400],
  ])('%s → %i, no write', async (_, body, status) => {
    const { handler, bapi } = setup()
    const request = new Request(URL_, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
      body,
    })
    const response = await handler(request)
    expect(response.status).toBe(status)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_body')
    expect(bapi.writes).toBe(0)
  })

  it('never echoes the input back', async () => {
    const { handler } = setup()
    const marker = 'ECHO-<script>'
    for (const body of [`{"birthday":"${marker}"}`, `{"${marker}":1}`, `${marker}`]) {
      const response = await handler(await post(body))
      expect(await response.text()).not.toContain('ECHO')
    }
  })

  it('415 for anything but application/json', async () => {
    const { handler, bapi } = setup()
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ]) {
      const response = await handler(await post({ birthday: null }, { 'Content-Type': type }))
      expect(response.status, type).toBe(415)
    }
    const none = new Request(URL_, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token()}` },
      body: new Blob(['{"birthday":null}']),
    })
    expect((await handler(none)).status).toBe(415)
    expect(bapi.writes).toBe(0)
  })

  it('413 past the limit, by Content-Length or by counting a stream', async () => {
    const { handler, bapi } = setup()
    const big = JSON.stringify({ birthday: '1990-01-01', pad: 'x'.repeat(2000) })
    expect((await handler(await post(big))).status).toBe(413)
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        controller.enqueue(new Uint8Array(512).fill(0x20))
      },
    })
    const streamed = new Request(URL_, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
      body: endless,
      // @ts-expect-error -- Node's fetch needs duplex for a stream body
      duplex: 'half',
    })
    expect((await handler(streamed)).status).toBe(413)
    expect(pulled).toBeLessThan(6)
    expect(bapi.writes).toBe(0)
  })

  it('408 when the body has not arrived by the body deadline, in the handler itself', async () => {
    const { handler, bapi, logs } = setup({ bodyTimeoutMs: 300 })
    let cancelled = false
    // Two bytes, then nothing: a slow client.
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"'))
      },
      cancel() {
        cancelled = true
      },
    })
    const request = new Request(URL_, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
      body: stalled,
      // @ts-expect-error -- Node's fetch needs duplex for a stream body
      duplex: 'half',
    })
    const started = performance.now()
    const response = await handler(request)
    const elapsed = performance.now() - started
    expect(response.status).toBe(408)
    expect(await response.json()).toEqual({
      error: { code: 'request_timeout', message: 'the request body did not arrive in time' },
    })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1_300)
    expect(cancelled).toBe(true)
    expect(logs.at(-1)).toMatchObject({ status: 408, reason: 'body_timeout' })
    expect(bapi.writes).toBe(0)
  })

  it('the default body deadline is 5 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    try {
      const { handler } = setup()
      let reading = false
      const request = new Request(URL_, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
        // No queue to fill: pulled only when the handler reads.
        body: new ReadableStream<Uint8Array>(
          {
            pull: () => {
              reading = true
              return new Promise<void>(() => undefined)
            },
          },
          { highWaterMark: 0 },
        ),
        // @ts-expect-error -- Node's fetch needs duplex for a stream body
        duplex: 'half',
      })
      let status = 0
      const answered = handler(request).then((response) => (status = response.status))
      // Token verification runs on real time; the clock stands still until the body is read.
      while (!reading) await new Promise((resolve) => setImmediate(resolve))
      await vi.advanceTimersByTimeAsync(4_990)
      expect(status).toBe(0)
      await vi.advanceTimersByTimeAsync(20)
      await answered
      expect(status).toBe(408)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('write ordering', () => {
  it("a save that cannot get its user's write slot is a 409 with Retry-After, nothing written", async () => {
    const asked: [string, number][] = []
    const { handler, bapi, logs } = setup({
      writeWaitMs: 1_234,
      writeOrderStore: {
        acquire: async (key, waitMs) => {
          asked.push([key, waitMs])
          return null
        },
      },
    })
    const response = await handler(await post({ birthday: '2001-01-01' }))
    expect(response.status).toBe(409)
    expect(response.headers.get('Retry-After')).toBe('2')
    expect(await response.json()).toEqual({
      error: { code: 'save_in_progress', message: 'still saving the previous change' },
    })
    expect(asked).toEqual([[`birthday:${USER}`, 1_234]])
    expect(bapi.writes).toBe(0)
    expect(logs.at(-1)).toMatchObject({ status: 409, reason: 'write_in_flight' })
    // Reads take no slot.
    expect((await handler(await get())).status).toBe(200)
    expect(asked).toHaveLength(1)
  })

  it('invalid bodies never take a slot', async () => {
    let acquired = 0
    const { handler } = setup({
      writeOrderStore: {
        acquire: async () => {
          acquired += 1
          return { release: () => undefined }
        },
      },
    })
    expect((await handler(await post({ birthday: 'nope' }))).status).toBe(400)
    expect(acquired).toBe(0)
  })

  it('the slot is released once the write settles, and never while an abandoned attempt may land', async () => {
    let released = 0
    const store = {
      acquire: async () => ({ release: () => void (released += 1) }),
    }
    const { handler, bapi } = setup({ writeOrderStore: store })
    expect((await handler(await post({ birthday: '2001-01-01' }))).status).toBe(200)
    await vi.waitFor(() => expect(released).toBe(1))
    // A 500 then a success: both attempts settled, one release.
    bapi.fail({ status: 500 })
    expect((await handler(await post({ birthday: '2002-02-02' }))).status).toBe(200)
    await vi.waitFor(() => expect(released).toBe(2))
    // A hang: answered 504 at the deadline, but the attempt is still in flight — the slot stays.
    bapi.fail({ hang: true })
    expect((await handler(await post({ birthday: '2003-03-03' }))).status).toBe(504)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(released).toBe(2)
  })

  it('a slot the limiter took in the same trip is used, and given back when the body is bad', async () => {
    let released = 0
    let acquired = 0
    const options: unknown[] = []
    const { handler, bapi } = setup({
      limiterStore: {
        hit: (_key, _now, _limit, hitOptions) => {
          options.push(hitOptions)
          return {
            allowed: true,
            retryAfterMs: 0,
            writeSlot: hitOptions?.takeWriteSlot
              ? { release: () => void (released += 1) }
              : undefined,
          }
        },
      },
      writeOrderStore: {
        acquire: async () => {
          acquired += 1
          return { release: () => undefined }
        },
      },
    })
    expect((await handler(await post({ birthday: '2001-01-01' }))).status).toBe(200)
    await vi.waitFor(() => expect(released).toBe(1))
    expect((await handler(await post({ birthday: 'nope' }))).status).toBe(400)
    await vi.waitFor(() => expect(released).toBe(2))
    expect((await handler(await get())).status).toBe(200)
    expect(options).toEqual([{ takeWriteSlot: true }, { takeWriteSlot: true }, {}])
    expect(acquired).toBe(0)
    expect(bapi.writes).toBe(1)
  })

  it('a held slot reported by the limiter makes the save wait through the write-order store', async () => {
    let acquired = 0
    const { handler, bapi } = setup({
      limiterStore: { hit: () => ({ allowed: true, retryAfterMs: 0, writeSlot: null }) },
      writeOrderStore: {
        acquire: async () => {
          acquired += 1
          return null
        },
      },
    })
    expect((await handler(await post({ birthday: '2001-01-01' }))).status).toBe(409)
    expect(acquired).toBe(1)
    expect(bapi.writes).toBe(0)
  })
})

describe('a shared store that cannot answer (fail closed)', () => {
  it('a failing limiter store is a 503 with Retry-After, nothing called, the reason logged', async () => {
    const { handler, bapi, logs } = setup({
      limiterStore: {
        hit: async () => {
          throw new Error('redis: no answer in 500 ms')
        },
      },
    })
    const response = await handler(await post({ birthday: '2001-01-01' }))
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('2')
    expect(await response.json()).toEqual({
      error: {
        code: 'upstream_unavailable',
        message: 'the service is briefly unavailable, try again',
      },
    })
    expect(bapi.calls).toEqual([])
    expect(logs.at(-1)).toMatchObject({
      status: 503,
      code: 'upstream_unavailable',
      reason: 'store: redis: no answer in 500 ms',
    })
  })

  it('a failing write-order store is a 503, nothing written', async () => {
    const { handler, bapi, logs } = setup({
      writeOrderStore: {
        acquire: async () => {
          throw new Error('redis: connection refused')
        },
      },
    })
    const response = await handler(await post({ birthday: '2001-01-01' }))
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('2')
    expect(bapi.writes).toBe(0)
    expect(logs.at(-1)).toMatchObject({ reason: 'store: redis: connection refused' })
  })
})

describe('limiter', () => {
  it('5 per 10 s per user, invalid bodies included, answered before any Backend API call', async () => {
    const { handler, bapi, clock } = setup()
    for (let i = 0; i < 4; i += 1) expect((await handler(await post('nope'))).status).toBe(400)
    expect((await handler(await post({ birthday: '2000-01-01' }))).status).toBe(200)
    const refused = await handler(await post({ birthday: '2000-01-02' }))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('10')
    expect(await refused.json()).toEqual({
      error: { code: 'rate_limited', message: 'too many requests, try again later' },
    })
    expect(bapi.writes).toBe(1)
    clock.t += 4_000
    expect((await handler(await get())).status).toBe(429)
    clock.t += 6_001
    expect((await handler(await get())).status).toBe(200)
  })

  it('the window slides: Retry-After counts down from the oldest request', async () => {
    const { handler, clock } = setup({ rateLimit: { max: 2, windowMs: 10_000 } })
    await handler(await get())
    clock.t += 3_000
    await handler(await get())
    clock.t += 1_000
    expect((await handler(await get())).headers.get('Retry-After')).toBe('6')
  })

  it('limits each user separately and takes a pluggable store', async () => {
    const seen: string[] = []
    const store: LimiterStore = {
      hit(key) {
        seen.push(key)
        return { allowed: key !== `birthday:${USER}`, retryAfterMs: 1500 }
      },
    }
    const { handler, bapi } = setup({ limiterStore: store })
    const response = await handler(await get())
    expect(response.status).toBe(429)
    expect(response.headers.get('Retry-After')).toBe('2')
    expect(seen).toEqual([`birthday:${USER}`])
    expect(bapi.calls).toEqual([])
  })
})

describe('Backend API failures', () => {
  it('one jittered retry after a 500, then success', async () => {
    const { handler, bapi } = setup()
    bapi.fail({ status: 500 })
    const response = await handler(await post({ birthday: '2001-01-01' }))
    expect(response.status).toBe(200)
    expect(bapi.calls.map((call) => call.method)).toEqual(['PATCH', 'PATCH'])
  })

  it.each([
    ['500 twice', { status: 500, times: 2 }, 502, 'upstream_error', '5'],
    ['502 twice', { status: 502, times: 2 }, 502, 'upstream_error', '5'],
    [
      '503 twice',
      { status: 503, times: 2, headers: { 'Retry-After': '7' } },
      503,
      'upstream_unavailable',
      '7',
    ],
    ['504 twice', { status: 504, times: 2 }, 504, 'upstream_timeout', '5'],
    ['a dropped connection twice', { network: true, times: 2 }, 502, 'upstream_error', '5'],
    ['a hang', { hang: true }, 504, 'upstream_timeout', '5'],
  ])('%s → %s with Retry-After', async (_, fault, status, code, retryAfter) => {
    const { handler, bapi } = setup()
    bapi.fail(fault)
    const started = Date.now()
    const response = await handler(await post({ birthday: '2001-01-01' }))
    expect(response.status).toBe(status)
    expect(response.headers.get('Retry-After')).toBe(retryAfter)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(bapi.calls.length).toBeLessThanOrEqual(2)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it("Clerk's 429 passes its Retry-After through, with no retry", async () => {
    const { handler, bapi } = setup()
    bapi.fail({ status: 429, headers: { 'Retry-After': '42' } })
    const response = await handler(await post({ birthday: '2001-01-01' }))
    expect(response.status).toBe(429)
    expect(response.headers.get('Retry-After')).toBe('42')
    expect(bapi.calls).toHaveLength(1)
  })

  it('a user deleted after the token was minted gets the same 401', async () => {
    const { handler, bapi, logs } = setup()
    bapi.users.delete(USER)
    const response = await handler(await get())
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'unauthenticated', message: 'a valid session token is required' },
    })
    expect(logs.at(-1)).toMatchObject({ reason: 'user_not_found' })
  })

  it('a wrong secret key is a 500, not the caller’s fault', async () => {
    const { handler } = setup({ secretKey: 'sk_test_wrong' })
    const response = await handler(await get())
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'internal error' },
    })
  })
})

describe('JWKS verification (no jwtKey)', () => {
  it('fetches the JWKS once, caches it, and throttles refetches for unknown kids', async () => {
    const { handler, bapi, clock } = setup({ jwtKey: undefined })
    bapi.jwks = [key.publicJwk]
    expect((await handler(await get())).status).toBe(200)
    expect((await handler(await get())).status).toBe(200)
    const jwksCalls = () => bapi.calls.filter((call) => call.path === '/v1/jwks').length
    expect(jwksCalls()).toBe(1)
    const stranger = await signSessionToken(key, sessionClaims(USER, ORIGIN), { kid: 'ins_other' })
    for (let i = 0; i < 5; i += 1) {
      const response = await handler(
        new Request(URL_, { headers: { Authorization: `Bearer ${stranger}` } }),
      )
      expect(response.status).toBe(401)
    }
    expect(jwksCalls()).toBe(1)
    clock.t += 10_000
    await handler(new Request(URL_, { headers: { Authorization: `Bearer ${stranger}` } }))
    expect(jwksCalls()).toBe(2)
  })

  it('a JWKS outage is a 503/502, not a 401; stale keys keep working', async () => {
    const { handler, bapi, clock } = setup({ jwtKey: undefined })
    bapi.jwks = [key.publicJwk]
    bapi.fail({ status: 503, times: 2 })
    expect((await handler(await get())).status).toBe(503)
    clock.t += 10_000
    expect((await handler(await get())).status).toBe(200)
    clock.t += 6 * 60_000
    bapi.fail({ status: 500, times: 2 })
    expect((await handler(await get())).status).toBe(200)
  })

  it('ignores keys verifyToken cannot take (not RSA-2048)', async () => {
    const big = await generateSigningKey('ins_big', 3072)
    const { handler, bapi } = setup({ jwtKey: undefined })
    bapi.jwks = [big.publicJwk]
    const bigToken = await signSessionToken(big, sessionClaims(USER, ORIGIN))
    const response = await handler(
      new Request(URL_, { headers: { Authorization: `Bearer ${bigToken}` } }),
    )
    expect(response.status).toBe(401)
  })
})

describe('logging and the error boundary', () => {
  it('one structured line per request, never the token or the body', async () => {
    const { handler, logs } = setup()
    const request = await post({ birthday: '1999-09-09' })
    const jwt = request.headers.get('Authorization')?.slice(7) ?? ''
    await handler(request)
    await handler(new Request(URL_, { headers: { Authorization: `Bearer ${jwt}x` } }))
    expect(logs).toHaveLength(2)
    expect(logs[0]).toMatchObject({ method: 'POST', status: 200, userId: USER })
    expect(logs[1]).toMatchObject({ method: 'GET', status: 401, code: 'unauthenticated' })
    const text = JSON.stringify(logs)
    expect(text).not.toContain(jwt.split('.')[2] ?? 'never')
    expect(text).not.toContain('1999-09-09')
  })

  it('an unexpected error is a generic 500 with no stack, and a throwing logger changes nothing', async () => {
    // A decision that blows up when read: a bug, not a store that cannot answer (that is a 503).
    const store: LimiterStore = {
      hit() {
        return {
          get allowed(): boolean {
            throw new Error('broken at /srv/secret/path')
          },
          retryAfterMs: 0,
        }
      },
    }
    const { handler } = setup({
      limiterStore: store,
      logger: () => {
        throw new Error('log sink full')
      },
    })
    const response = await handler(await get())
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } })
    expect(text).not.toContain('secret')
  })

  it('checks the keys at construction', () => {
    expect(() => setup({ secretKey: '' })).toThrow(/secretKey/)
    expect(() => setup({ publishableKey: 'pk_nonsense' })).toThrow(/publishableKey/)
    expect(() =>
      setup({ secretKey: 'sk_live_x', publishableKey: 'pk_test_Y2xlcmsudGVzdCQ' }),
    ).toThrow(/pk_test_/)
    expect(() => setup({ publishableKey: 'pk_test_Y2xlcmsudGVzdCQ' })).not.toThrow()
  })
})
