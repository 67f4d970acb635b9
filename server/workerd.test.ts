/**
 * The handler inside workerd, Cloudflare's runtime: `server/worker.ts` bundled with esbuild for the
 * `worker` export condition (no Node polyfills, no `nodejs_compat`), run by Miniflare 3 (the last
 * line that runs on Node 20; it ships workerd as an npm package), calling the real emulator over
 * loopback HTTP. Proof that the same code runs on the edge, `@clerk/backend`'s Backend API client
 * included: the happy path, a few rejects and two Clerk failures, with both networkless (`jwtKey`)
 * and JWKS verification.
 */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../emulator/node/start.ts'
import { control } from '../emulator/testing/control.ts'
import { backendCall, counters, signIn, type EmulatorSession } from './testing/emulator-client.ts'
import { bundleForWorkerd } from './testing/workerd-bundle.ts'
import { generateSigningKey, sessionClaims, signSessionToken } from './testing/tokens.ts'

const ORIGIN = 'http://app.test'
const URL_ = 'http://worker.test/api/update-user-metadata'

let emu: StartedEmulator
let ada: EmulatorSession
/** A second user for the rejects, so they do not share Ada's rate limit with the happy path. */
let grace: EmulatorSession
let script = ''
const workers: Record<'jwtKey' | 'jwks', Miniflare | null> = { jwtKey: null, jwks: null }
let runtimeOutput = ''

function startWorker(bindings: Record<string, string>): Miniflare {
  return new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2024-09-23',
    bindings,
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', (data: Buffer) => (runtimeOutput += data.toString()))
      stderr.on('data', (data: Buffer) => (runtimeOutput += data.toString()))
    },
  })
}

beforeAll(async () => {
  script = await bundleForWorkerd('server/worker.ts')
  emu = await startEmulator()
  const bindings = {
    CLERK_SECRET_KEY: emu.config.secretKey,
    CLERK_PUBLISHABLE_KEY: emu.config.publishableKey,
    CLERK_API_URL: emu.config.apiUrl,
    ALLOWED_ORIGINS: ORIGIN,
  }
  workers.jwtKey = startWorker({ ...bindings, CLERK_JWT_KEY: emu.config.jwtKey })
  workers.jwks = startWorker(bindings)
  await Promise.all([workers.jwtKey.ready, workers.jwks.ready])
  ada = await signIn(emu.config.proxyUrl, ORIGIN)
  const credentials = { email: 'grace@example.test', password: 'cobol-1959-hopper' }
  await backendCall(emu.config.apiUrl, emu.config.secretKey, 'POST', '/users', {
    email_address: [credentials.email],
    password: credentials.password,
  })
  grace = await signIn(emu.config.proxyUrl, ORIGIN, credentials)
}, 60_000)

afterAll(async () => {
  await Promise.all([workers.jwtKey?.dispose(), workers.jwks?.dispose()])
  await emu?.close()
})

it('is bundled without Node built-ins', () => {
  expect(script.length).toBeGreaterThan(10_000)
  expect(script).not.toMatch(/from ["']node:/)
  expect(script).not.toMatch(/require\(["'](node:)?(crypto|http|buffer)["']\)/)
})

describe.each(['jwtKey', 'jwks'] as const)('in workerd (%s verification)', (mode) => {
  async function call(init: RequestInit & { headers?: Record<string, string> }) {
    const worker = workers[mode]
    if (!worker) throw new Error('worker not started')
    const response = await worker.dispatchFetch(URL_, init as never)
    return { status: response.status, headers: response.headers, body: await response.text() }
  }

  it('happy path: GET, POST, GET again', async () => {
    const token = await ada.mint()
    const auth = { Authorization: `Bearer ${token}`, Origin: ORIGIN }
    const first = await call({ headers: auth })
    expect(first.status).toBe(200)
    expect(first.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const value = mode === 'jwtKey' ? '1991-01-01' : '1992-02-02'
    const saved = await call({
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ birthday: value }),
    })
    expect(saved.status).toBe(200)
    expect(JSON.parse(saved.body)).toEqual({ birthday: value })
    const read = await call({ headers: { Authorization: `Bearer ${await ada.mint()}` } })
    expect(JSON.parse(read.body)).toEqual({ birthday: value })
    expect(runtimeOutput).not.toContain(token.split('.')[2] ?? 'never')
  })

  it("Clerk's failures through the SDK: a 429's Retry-After passes through, a 503 twice is a 503", async () => {
    const metadata = '/api/v1/users/*/metadata'
    const save = async () =>
      call({
        method: 'POST',
        headers: {
          Authorization: `Bearer ${await ada.mint()}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ birthday: '1993-03-03' }),
      })
    await control(emu.config.proxyUrl, 'POST', 'faults', { path: metadata, status: 429 })
    const limited = await save()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    await control(emu.config.proxyUrl, 'POST', 'faults', { path: metadata, status: 503, times: 2 })
    const writes = (await counters(emu.config.proxyUrl)).routes['PATCH /api/v1/users/:id/metadata']
    const unavailable = await save()
    expect(unavailable.status).toBe(503)
    expect(JSON.parse(unavailable.body)).toMatchObject({ error: { code: 'upstream_unavailable' } })
    expect(Number(unavailable.headers.get('retry-after'))).toBeGreaterThan(0)
    const after = (await counters(emu.config.proxyUrl)).routes['PATCH /api/v1/users/:id/metadata']
    expect((after ?? 0) - (writes ?? 0)).toBe(2)
  })

  it('rejects: no token, a stranger’s key, a missing azp, bad bodies, an unlisted origin, the limit', async () => {
    const before = (await counters(emu.config.proxyUrl)).bapiWrites
    const stranger = await generateSigningKey('ins_stranger')
    const strangerToken = await signSessionToken(stranger, sessionClaims(grace.userId, ORIGIN))
    const json = { 'Content-Type': 'application/json' }
    const token = await grace.mint()
    const cases: [RequestInit & { headers?: Record<string, string> }, number][] = [
      [{ method: 'POST', headers: json, body: '{"birthday":"1990-01-01"}' }, 401],
      [{ headers: { Authorization: `Bearer ${strangerToken}` } }, 401],
      [{ headers: { Authorization: `Bearer ${await grace.mint(null)}` } }, 401],
      [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, ...json },
          body: '{"birthday":"1990-02-30"}',
        },
        400,
      ],
      [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, ...json },
          body: '{"birthday":',
        },
        400,
      ],
      [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
          body: '{}',
        },
        415,
      ],
      [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, ...json },
          body: ' '.repeat(5000),
        },
        413,
      ],
      [{ headers: { Authorization: `Bearer ${token}`, Origin: 'http://evil.test' } }, 403],
      [{ method: 'OPTIONS', headers: { Origin: 'http://evil.test' } }, 403],
      [{ method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }, 405],
      // Four counted so far (the 400s, 415 and 413): the fifth passes, the sixth is limited.
      [{ method: 'POST', headers: { Authorization: `Bearer ${token}`, ...json }, body: '[]' }, 400],
      [
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, ...json },
          body: '{"birthday":null}',
        },
        429,
      ],
    ]
    for (const [init, status] of cases) {
      const response = await call(init)
      expect(response.status, JSON.stringify(init.headers)).toBe(status)
      expect(Object.keys(JSON.parse(response.body) as object)).toEqual(['error'])
      expect(response.headers.get('cache-control')).toBe('no-store')
    }
    expect((await counters(emu.config.proxyUrl)).bapiWrites).toBe(before)
  })
})
