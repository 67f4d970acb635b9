/**
 * The handler's integration test: the handler served by `node.ts` on loopback, verifying with the
 * real `@clerk/backend` and calling the real emulator's Backend API over HTTP, with session tokens
 * minted by signing in through the emulator's Frontend API. Every bad request in the table
 * (server/testing/bad-requests.ts) must get its status and cause zero Backend API writes (emulator
 * counters); saves and upstream faults follow. The setup is server/testing/handler-rig.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator } from '../emulator/node/start.ts'
import { decodeJwt } from '../emulator/testing/jwt.ts'
import { createBirthdayHandler } from './handler.ts'
import { startServer, type StartedServer } from './node/start.ts'
import { BAD_REQUESTS, send } from './testing/bad-requests.ts'
import { control } from '../emulator/testing/control.ts'
import { backendCall, backendUser, counters, signIn } from './testing/emulator-client.ts'
import {
  birthday,
  GRACE,
  handlerOptions,
  ORIGIN,
  ORIGIN_2,
  PATH,
  startHandlerRig,
  stopHandlerRig,
  type HandlerRig,
} from './testing/handler-rig.ts'

let rig: HandlerRig

beforeAll(async () => {
  rig = await startHandlerRig()
}, 30_000)

afterAll(async () => {
  await stopHandlerRig(rig)
})

describe('the table of bad requests', () => {
  it('has at least 60 rows', () => {
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(60)
  })

  it.each(BAD_REQUESTS.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const before = await counters(rig.emu.config.proxyUrl)
    const response = await send(rig, row)
    expect(response.status).toBe(row.status)
    const text = await response.text()
    if (row.status >= 400 && row.method !== 'HEAD') {
      const body = JSON.parse(text) as { error: { code: string; message: string } }
      expect(Object.keys(body)).toEqual(['error'])
      expect(Object.keys(body.error)).toEqual(['code', 'message'])
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    }
    if (row.status === 401) {
      expect(text).toBe(
        '{"error":{"code":"unauthenticated","message":"a valid session token is required"}}',
      )
    }
    if (row.status === 403) {
      const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control'))
      expect(cors).toEqual([])
    }
    if (row.status === 204) {
      expect(response.headers.get('access-control-allow-origin')).toBe(row.origin ?? ORIGIN)
      expect(response.headers.get('vary')).toBe('Origin')
      expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThanOrEqual(3600)
    }
    const after = await counters(rig.emu.config.proxyUrl)
    expect(after.bapiWrites - before.bapiWrites).toBe(0)
  })

  it('left the stored birthday and the write counter untouched', async () => {
    const user = await backendUser(rig.emu.config.apiUrl, rig.emu.config.secretKey, rig.ada.userId)
    expect(user.public_metadata).toEqual({ birthday: '1990-12-10' })
    expect((await counters(rig.emu.config.proxyUrl)).bapiWrites).toBe(0)
  })
})

describe('against the emulator: saves', () => {
  beforeEach(async () => {
    await control(rig.emu.config.proxyUrl, 'DELETE', 'faults')
  })

  async function save(server: StartedServer, token: string, value: string | null) {
    return fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Origin: ORIGIN,
      },
      body: birthday(value),
    })
  }

  it('POST writes, GET reads back from the Backend API, and a new token carries the claim', async () => {
    for (const server of [rig.servers.jwtKey, rig.servers.jwks]) {
      const response = await save(server, await rig.ada.mint(), '1991-02-03')
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
      expect(await response.json()).toEqual({ birthday: '1991-02-03' })
      const read = await fetch(`${server.url}${PATH}`, {
        headers: { Authorization: `Bearer ${await rig.ada.mint()}` },
      })
      expect(await read.json()).toEqual({ birthday: '1991-02-03' })
      expect(decodeJwt(await rig.ada.mint()).payload.birthday).toBe('1991-02-03')
    }
    await save(rig.servers.jwtKey, await rig.ada.mint(), '1990-12-10')
  })

  it('merge semantics: only public_metadata.birthday changes; null removes it', async () => {
    const grace = await signIn(rig.emu.config.proxyUrl, ORIGIN_2, GRACE)
    await backendCall(
      rig.emu.config.apiUrl,
      rig.emu.config.secretKey,
      'PATCH',
      `/users/${grace.userId}/metadata`,
      {
        private_metadata: { plan: 'pro', limits: { seats: 3 } },
        unsafe_metadata: { onboarding: { done: true } },
      },
    )
    const before = await backendUser(rig.emu.config.apiUrl, rig.emu.config.secretKey, grace.userId)
    const response = await fetch(`${rig.servers.jwtKey.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await grace.mint()}`,
        'Content-Type': 'application/json',
        Origin: ORIGIN_2,
      },
      body: birthday('1906-12-10'),
    })
    expect(await response.json()).toEqual({ birthday: '1906-12-10' })
    const after = await backendUser(rig.emu.config.apiUrl, rig.emu.config.secretKey, grace.userId)
    expect(after.public_metadata).toEqual({
      birthday: '1906-12-10',
      theme: { color: 'navy', size: 2 },
      roles: ['admin'],
    })
    expect(after.private_metadata).toEqual(before.private_metadata)
    expect(after.unsafe_metadata).toEqual(before.unsafe_metadata)
    const removed = await fetch(`${rig.servers.jwtKey.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await grace.mint()}`,
        'Content-Type': 'application/json',
      },
      body: birthday(null),
    })
    expect(await removed.json()).toEqual({ birthday: null })
    const final = await backendUser(rig.emu.config.apiUrl, rig.emu.config.secretKey, grace.userId)
    expect(final.public_metadata).toEqual({ theme: { color: 'navy', size: 2 }, roles: ['admin'] })
    expect(final.private_metadata).toEqual({ plan: 'pro', limits: { seats: 3 } })
  })
})

describe('against the emulator: upstream faults', () => {
  let faulty: StartedServer

  beforeAll(async () => {
    faulty = await startServer({
      handler: createBirthdayHandler(handlerOptions(rig, { upstreamTimeoutMs: 1_500 })),
      port: 0,
    })
  })

  afterAll(async () => {
    await faulty.close()
  })

  beforeEach(async () => {
    await control(rig.emu.config.proxyUrl, 'DELETE', 'faults')
    await control(rig.emu.config.proxyUrl, 'DELETE', 'requests')
  })

  async function fault(spec: Record<string, unknown>) {
    await control(rig.emu.config.proxyUrl, 'POST', 'faults', spec)
  }

  async function saveVia(server: StartedServer) {
    return fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await rig.ada.mint()}`,
        'Content-Type': 'application/json',
      },
      body: birthday('1990-12-10'),
    })
  }

  async function patches(): Promise<number> {
    return (await counters(rig.emu.config.proxyUrl)).routes['PATCH /api/v1/users/:id/metadata'] ?? 0
  }

  const METADATA = '/api/v1/users/*/metadata'

  it('a single 500 is retried once and succeeds', async () => {
    await fault({ method: 'PATCH', path: METADATA, status: 500 })
    const response = await saveVia(faulty)
    expect(response.status).toBe(200)
    expect(await patches()).toBe(2)
  })

  it.each([
    ['500, twice', { status: 500, times: 2 }, 502, 'upstream_error'],
    ['503, twice', { status: 503, times: 2 }, 503, 'upstream_unavailable'],
    ['a dropped connection, twice', { drop: true, times: 2 }, 502, 'upstream_error'],
  ])('%s → %s with Retry-After, after exactly two attempts', async (_, spec, status, code) => {
    await fault({ method: 'PATCH', path: METADATA, ...spec })
    const response = await saveVia(faulty)
    expect(response.status).toBe(status)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(await patches()).toBe(2)
  })

  it('a dropped connection once is retried and succeeds', async () => {
    await fault({ method: 'PATCH', path: METADATA, drop: true })
    expect((await saveVia(faulty)).status).toBe(200)
  })

  it('a hang is a 504 within the deadline; the hung write keeps the next save out (409)', async () => {
    // Its own handler: the hung write holds this user's write slot until it settles.
    const hung = await startServer({
      handler: createBirthdayHandler(
        handlerOptions(rig, { upstreamTimeoutMs: 1_500, writeWaitMs: 200 }),
      ),
      port: 0,
    })
    try {
      await fault({ method: 'PATCH', path: METADATA, hang: true })
      const started = Date.now()
      const response = await saveVia(hung)
      expect(response.status).toBe(504)
      expect(response.headers.get('retry-after')).toBe('5')
      expect(Date.now() - started).toBeLessThan(3_000)
      const next = await saveVia(hung)
      expect(next.status).toBe(409)
      expect(next.headers.get('retry-after')).toBe('2')
    } finally {
      await hung.close()
    }
  })

  it('the default deadline is 5 s', async () => {
    await fault({ method: 'GET', path: '/api/v1/users/*', hang: true })
    const token = await rig.ada.mint()
    const started = Date.now()
    const response = await fetch(`${rig.servers.jwtKey.url}${PATH}`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(504)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(4_900)
    expect(elapsed).toBeLessThan(6_500)
  }, 10_000)

  it('a Clerk 429 passes its Retry-After through, with no retry', async () => {
    await fault({ method: 'PATCH', path: METADATA, status: 429 })
    const response = await saveVia(faulty)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await patches()).toBe(1)
  })

  it("Clerk's own write limit: its computed Retry-After reaches the client", async () => {
    const limited = await startEmulator({ metadataWriteLimit: { max: 1, windowMs: 30_000 } })
    const handler = createBirthdayHandler({
      secretKey: limited.config.secretKey,
      jwtKey: limited.config.jwtKey,
      apiUrl: limited.config.apiUrl,
      allowedOrigins: [ORIGIN],
      logger: () => undefined,
    })
    try {
      const session = await signIn(limited.config.proxyUrl, ORIGIN)
      const request = async () =>
        handler(
          new Request(`http://handler${PATH}`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${await session.mint()}`,
              'Content-Type': 'application/json',
            },
            body: birthday('2000-01-01'),
          }),
        )
      expect((await request()).status).toBe(200)
      const refused = await request()
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(25)
    } finally {
      await limited.close()
    }
  })

  it('GET: a 500 twice is a 502', async () => {
    await fault({ method: 'GET', path: '/api/v1/users/*', status: 500, times: 2 })
    const response = await fetch(`${faulty.url}${PATH}`, {
      headers: { Authorization: `Bearer ${await rig.ada.mint()}` },
    })
    expect(response.status).toBe(502)
  })

  it('a slow but timely Backend API is fine', async () => {
    await fault({ method: 'PATCH', path: METADATA, delayMs: 400 })
    expect((await saveVia(faulty)).status).toBe(200)
  })

  it('a JWKS outage is a 503 for the JWKS handler, not a 401', async () => {
    const fresh = await startServer({
      handler: createBirthdayHandler(
        handlerOptions(rig, { jwtKey: undefined, upstreamTimeoutMs: 1_500 }),
      ),
      port: 0,
    })
    try {
      await fault({ method: 'GET', path: '/api/v1/jwks', status: 503, times: 2 })
      const response = await fetch(`${fresh.url}${PATH}`, {
        headers: { Authorization: `Bearer ${await rig.ada.mint()}` },
      })
      expect(response.status).toBe(503)
    } finally {
      await fresh.close()
    }
  })

  it('a user deleted after the token was minted: the same 401, one unretried write attempt', async () => {
    const created = await backendCall(
      rig.emu.config.apiUrl,
      rig.emu.config.secretKey,
      'POST',
      '/users',
      {
        email_address: ['temp@example.test'],
        password: 'temporary-pass-1',
      },
    )
    const temp = await signIn(rig.emu.config.proxyUrl, ORIGIN, {
      email: 'temp@example.test',
      password: 'temporary-pass-1',
    })
    expect(temp.userId).toBe(created.id)
    const token = await temp.mint()
    // reset goes back to the seed users: the new user is gone, the signing key stays.
    await control(rig.emu.config.proxyUrl, 'POST', 'reset')
    const writesBefore = (await counters(rig.emu.config.proxyUrl)).bapiWrites
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${faulty.url}${PATH}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: method === 'POST' ? birthday('2000-01-01') : null,
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        error: { code: 'unauthenticated', message: 'a valid session token is required' },
      })
    }
    // The POST cannot know the user is gone without asking: one write attempt, answered 404, not retried.
    expect((await counters(rig.emu.config.proxyUrl)).bapiWrites).toBe(writesBefore + 1)
    expect(rig.logs.filter((entry) => entry.reason === 'user_not_found')).toHaveLength(2)
    rig.ada = await signIn(rig.emu.config.proxyUrl, ORIGIN)
  })
})
