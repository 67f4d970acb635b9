import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createBirthdayHandler, type LogEntry } from './handler.ts'
import { createFakeBackendApi, fakeUser } from './testing/fake-backend-api.ts'
import {
  generateSigningKey,
  sessionClaims,
  signSessionToken,
  type SigningKey,
} from './testing/tokens.ts'

/**
 * A handler created with no options, as at module scope in a framework: it reads its settings from
 * the environment at the first request, and nothing is checked or fetched before then.
 */
const SECRET = 'sk_test_env'
const ORIGIN = 'http://app.test'
const USER = 'user_ada'
const VARIABLES = [
  'CLERK_SECRET_KEY',
  'CLERK_PUBLISHABLE_KEY',
  'CLERK_JWT_KEY',
  'CLERK_API_URL',
  'ALLOWED_ORIGINS',
  'CLERK_AUTHORIZED_PARTIES',
  'TRUST_FORWARDED_HEADERS',
]

let key: SigningKey

beforeAll(async () => {
  key = await generateSigningKey()
})

afterEach(() => {
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
})

function clearEnv(): void {
  for (const name of VARIABLES) vi.stubEnv(name, '')
}

function fakeBackend() {
  const bapi = createFakeBackendApi({
    secretKey: SECRET,
    users: [fakeUser(USER, { birthday: '1990-12-10' })],
  })
  vi.stubGlobal('fetch', bapi.fetch)
  return bapi
}

async function get(url = 'http://app.test/api/update-user-metadata'): Promise<Request> {
  const token = await signSessionToken(key, sessionClaims(USER, ORIGIN, Date.now()))
  return new Request(url, { headers: { Origin: ORIGIN, Authorization: `Bearer ${token}` } })
}

function quiet() {
  const logs: LogEntry[] = []
  return { logs, logger: (entry: LogEntry) => logs.push(entry) }
}

describe('settings from the environment', () => {
  it('creates with no options and nothing set; a request answers 500 naming the variable', async () => {
    clearEnv()
    const bapi = fakeBackend()
    const { logs, logger } = quiet()
    const handler = createBirthdayHandler({ logger })
    const response = await handler(await get())
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'internal error' },
    })
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({ status: 500, code: 'internal' })
    expect(logs[0]?.reason).toContain('CLERK_SECRET_KEY is not set')
    expect(bapi.calls).toEqual([])
  })

  it('with no allowed origins: its own origin may call, with or without an Origin header', async () => {
    clearEnv()
    const bapi = fakeBackend()
    vi.stubEnv('CLERK_SECRET_KEY', SECRET)
    vi.stubEnv('CLERK_JWT_KEY', key.publicKeyPem)
    vi.stubEnv('CLERK_API_URL', 'http://bapi.test')
    const { logs, logger } = quiet()
    const handler = createBirthdayHandler({ logger })
    const sameOrigin = await handler(await get())
    expect(sameOrigin.status).toBe(200)
    expect(sameOrigin.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const token = await signSessionToken(key, sessionClaims(USER, ORIGIN, Date.now()))
    const noOrigin = await handler(
      new Request(`${ORIGIN}/api/update-user-metadata`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    )
    expect(noOrigin.status).toBe(200)
    // A token minted for another origin is not this origin's, even with a same-origin request.
    const foreignToken = await signSessionToken(
      key,
      sessionClaims(USER, 'http://other.test', Date.now()),
    )
    const foreignAzp = await handler(
      new Request(`${ORIGIN}/api/update-user-metadata`, {
        headers: { Origin: ORIGIN, Authorization: `Bearer ${foreignToken}` },
      }),
    )
    expect(foreignAzp.status).toBe(401)
    expect(logs.map((entry) => entry.status)).toEqual([200, 200, 401])
    expect(bapi.calls).toHaveLength(2)
  })

  it('with no allowed origins: another origin is refused 403, and the log line says what to set', async () => {
    clearEnv()
    const bapi = fakeBackend()
    vi.stubEnv('CLERK_SECRET_KEY', SECRET)
    vi.stubEnv('CLERK_JWT_KEY', key.publicKeyPem)
    const { logs, logger } = quiet()
    const handler = createBirthdayHandler({ logger })
    // The page is on app.test, the handler on api.test: cross-origin, a GET and a preflight.
    const crossGet = await handler(await get('http://api.test/api/update-user-metadata'))
    expect(crossGet.status).toBe(403)
    expect(crossGet.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const preflight = await handler(
      new Request('http://api.test/api/update-user-metadata', {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
      }),
    )
    expect(preflight.status).toBe(403)
    for (const entry of logs) {
      expect(entry).toMatchObject({ status: 403, code: 'origin_not_allowed' })
      expect(entry.reason).toContain('set ALLOWED_ORIGINS (or CLERK_AUTHORIZED_PARTIES)')
      expect(entry.reason).not.toContain(ORIGIN)
    }
    expect(bapi.calls).toEqual([])
  })

  it('with no allowed origins behind a proxy: X-Forwarded-Proto/-Host count only when trusted', async () => {
    clearEnv()
    fakeBackend()
    vi.stubEnv('CLERK_SECRET_KEY', SECRET)
    vi.stubEnv('CLERK_JWT_KEY', key.publicKeyPem)
    vi.stubEnv('CLERK_API_URL', 'http://bapi.test')
    const page = 'https://app.example'
    const token = await signSessionToken(key, sessionClaims(USER, page, Date.now()))
    const proxied = (forwardedHost = 'app.example') =>
      new Request('http://internal:3000/api/update-user-metadata', {
        headers: {
          Origin: page,
          Authorization: `Bearer ${token}`,
          'X-Forwarded-Proto': 'https',
          'X-Forwarded-Host': forwardedHost,
        },
      })
    const { logger } = quiet()
    expect((await createBirthdayHandler({ logger })(proxied())).status).toBe(403)
    const trusting = createBirthdayHandler({ logger, trustForwardedHeaders: true })
    expect((await trusting(proxied())).status).toBe(200)
    expect((await trusting(proxied('elsewhere.example'))).status).toBe(403)
    vi.stubEnv('TRUST_FORWARDED_HEADERS', 'true')
    expect((await createBirthdayHandler({ logger })(proxied())).status).toBe(200)
    // An explicit option wins over the variable.
    const strict = createBirthdayHandler({ logger, trustForwardedHeaders: false })
    expect((await strict(proxied())).status).toBe(403)
  })

  it('reads the variables set after creation, at the first request, at any path', async () => {
    clearEnv()
    const bapi = fakeBackend()
    const { logger } = quiet()
    const handler = createBirthdayHandler({ logger })
    vi.stubEnv('CLERK_SECRET_KEY', SECRET)
    // Quoted with `\n` escapes, as the emulator prints it for a .env file.
    vi.stubEnv('CLERK_JWT_KEY', JSON.stringify(key.publicKeyPem))
    vi.stubEnv('CLERK_API_URL', 'http://bapi.test')
    vi.stubEnv('CLERK_AUTHORIZED_PARTIES', `http://other.test, ${ORIGIN}`)
    const response = await handler(await get('http://app.test/anywhere/the/router/mounts/it'))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ birthday: '1990-12-10' })
    expect(bapi.calls).toEqual([{ method: 'GET', path: `/v1/users/${USER}` }])
  })

  it('prefers ALLOWED_ORIGINS, and a bad value is a 500 naming it, not a crash', async () => {
    clearEnv()
    fakeBackend()
    vi.stubEnv('CLERK_SECRET_KEY', SECRET)
    vi.stubEnv('ALLOWED_ORIGINS', 'app.test')
    vi.stubEnv('CLERK_AUTHORIZED_PARTIES', ORIGIN)
    const { logs, logger } = quiet()
    const response = await createBirthdayHandler({ logger })(await get())
    expect(response.status).toBe(500)
    expect(logs[0]?.reason).toContain('"app.test" is not an origin')
  })

  it('reads the bindings the runtime passes (a Worker, Hono c.env) before process.env', async () => {
    clearEnv()
    vi.stubEnv('CLERK_SECRET_KEY', 'sk_test_wrong')
    const bapi = fakeBackend()
    const { logger } = quiet()
    const handler = createBirthdayHandler({ logger })
    const response = await handler(await get(), {
      CLERK_SECRET_KEY: SECRET,
      CLERK_JWT_KEY: key.publicKeyPem,
      CLERK_API_URL: 'http://bapi.test',
      ALLOWED_ORIGINS: ORIGIN,
    })
    expect(response.status).toBe(200)
    expect(bapi.calls).toHaveLength(1)
  })

  it('checks options given as values at creation, and a wrong publishable key at the request', async () => {
    clearEnv()
    expect(() => createBirthdayHandler({ secretKey: '' })).toThrow(/secretKey/)
    expect(() => createBirthdayHandler({ allowedOrigins: ['app.test'] })).toThrow(/origin/)
    vi.stubEnv('CLERK_SECRET_KEY', 'sk_live_x')
    vi.stubEnv('CLERK_PUBLISHABLE_KEY', 'pk_test_Y2xlcmsudGVzdCQ')
    vi.stubEnv('ALLOWED_ORIGINS', ORIGIN)
    const { logs, logger } = quiet()
    const response = await createBirthdayHandler({ logger })(await get())
    expect(response.status).toBe(500)
    expect(logs[0]?.reason).toContain('pk_test_')
  })
})
