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

  it('names the origins variables when only they are missing', async () => {
    clearEnv()
    vi.stubEnv('CLERK_SECRET_KEY', SECRET)
    const { logs, logger } = quiet()
    const response = await createBirthdayHandler({ logger })(await get())
    expect(response.status).toBe(500)
    expect(logs[0]?.reason).toContain('ALLOWED_ORIGINS (or CLERK_AUTHORIZED_PARTIES) is not set')
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
