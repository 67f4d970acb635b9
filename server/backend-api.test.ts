/**
 * The Backend API wrapper around `@clerk/backend`'s client. The SDK takes no `fetch`, so these tests
 * stub the global one: under Vitest `NODE_ENV` is `test`, and the SDK then reads the global `fetch`
 * on every call instead of the one it bound at import.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBackendApi, retryAfterFromClerk } from './backend-api.ts'
import { HttpError } from './errors.ts'
import { createFakeBackendApi, fakeUser } from './testing/fake-backend-api.ts'

const SECRET = 'sk_test_bapi'

afterEach(() => {
  vi.unstubAllGlobals()
})

function setup(timeoutMs = 1_000) {
  const fake = createFakeBackendApi({
    secretKey: SECRET,
    users: [fakeUser('user_1', { a: 1 })],
  })
  const seen: { url: string; headers: Record<string, string>; body: string | null }[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push({
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: request.method === 'GET' ? null : await request.clone().text(),
    })
    return fake.fetch(request)
  })
  const api = createBackendApi({
    secretKey: SECRET,
    apiUrl: 'http://bapi.test/base/',
    timeoutMs,
    random: () => 0,
  })
  return { api, fake, seen }
}

/** A Backend API that answers every call with `response()`. */
function answering(response: () => Response | Promise<Response>, timeoutMs = 1_000) {
  const calls: string[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    calls.push(String(input))
    return response()
  })
  return { api: createBackendApi({ secretKey: SECRET, timeoutMs, random: () => 0 }), calls }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })

describe('the Backend API through @clerk/backend', () => {
  it('sends what the SDK sends: URL under apiUrl, secret key, API version, snake_case body', async () => {
    const { api, seen } = setup()
    const user = await api.users.updateUserMetadata('user_1', {
      publicMetadata: { birthday: '2000-01-01' },
    })
    expect(user.publicMetadata).toEqual({ a: 1, birthday: '2000-01-01' })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      url: 'http://bapi.test/base/v1/users/user_1/metadata',
      headers: {
        authorization: `Bearer ${SECRET}`,
        'clerk-api-version': '2026-05-12',
        'content-type': 'application/json',
      },
      body: '{"public_metadata":{"birthday":"2000-01-01"}}',
    })
  })

  it('makes no call but the Backend API one (telemetry is off)', async () => {
    const { api, seen } = setup()
    await api.users.getUser('user_1')
    await api.jwks()
    expect(seen.map((call) => call.url)).toEqual([
      'http://bapi.test/base/v1/users/user_1',
      'http://bapi.test/base/v1/jwks',
    ])
  })

  it('escapes the user id in the path; the SDK itself refuses dot segments', async () => {
    const { api, seen } = setup()
    await expect(api.users.getUser('user_1/metadata?x=1#y')).rejects.toMatchObject({
      code: 'unauthenticated',
      reason: 'user_not_found',
    })
    expect(seen[0]?.url).toBe('http://bapi.test/base/v1/users/user_1%2Fmetadata%3Fx%3D1%23y')
    await expect(api.users.getUser('../jwks')).rejects.toThrow(HttpError)
    expect(seen).toHaveLength(1)
  })

  it('a 2xx answer that is not a user is an upstream error', async () => {
    const other = answering(() => json(200, { object: 'something' }))
    await expect(other.api.users.getUser('user_1')).rejects.toMatchObject({
      code: 'upstream_error',
      reason: 'bapi_not_a_user',
    })
    // The SDK parses only an exact `application/json`: anything else comes back as a string.
    const text = answering(() => new Response('<html>', { status: 200 }))
    await expect(text.api.users.getUser('user_1')).rejects.toMatchObject({
      code: 'upstream_error',
      reason: 'bapi_not_a_user',
    })
    // An unreadable JSON body reaches us like a network failure: one retry, then a 502.
    const garbled = answering(
      () => new Response('<html>', { headers: { 'Content-Type': 'application/json' } }),
    )
    await expect(garbled.api.users.getUser('user_1')).rejects.toMatchObject({
      code: 'upstream_error',
      reason: 'bapi_network',
    })
    expect(garbled.calls).toHaveLength(2)
  })

  it('a network failure is retried once, then a 502 with Retry-After', async () => {
    const { api, fake } = setup()
    fake.fail({ network: true, times: 2 })
    const error = await api.users.getUser('user_1').catch((thrown: unknown) => thrown)
    expect(error).toMatchObject({ code: 'upstream_error', reason: 'bapi_network' })
    expect((error as HttpError).headers).toEqual({ 'Retry-After': '5' })
    expect(fake.calls).toHaveLength(2)
  })

  it('does not retry when the deadline leaves no room', async () => {
    const { api, fake } = setup(300)
    fake.fail({ status: 500 })
    await expect(api.users.getUser('user_1')).rejects.toMatchObject({ code: 'upstream_error' })
    expect(fake.calls).toHaveLength(1)
  })

  it('never retries a 4xx', async () => {
    const { api, fake } = setup()
    fake.fail({ status: 422 })
    await expect(api.users.getUser('user_1')).rejects.toMatchObject({ code: 'upstream_error' })
    expect(fake.calls).toHaveLength(1)
  })

  it('a JWKS 404 is an upstream error, not a deleted user', async () => {
    const { api, fake } = setup()
    fake.fail({ status: 404 })
    await expect(api.jwks()).rejects.toMatchObject({ code: 'upstream_error' })
  })

  it('a request that misses the deadline is abandoned: 504 on time, its late answer ignored', async () => {
    let settle: (response: Response) => void = () => undefined
    const late = answering(() => new Promise<Response>((resolve) => (settle = resolve)), 300)
    const started = Date.now()
    await expect(late.api.users.getUser('user_1')).rejects.toMatchObject({
      code: 'upstream_timeout',
      reason: 'bapi_timeout',
    })
    expect(Date.now() - started).toBeLessThan(1_000)
    settle(json(500, { errors: [] }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(late.calls).toHaveLength(1)
  })

  it("Clerk's 429: its Retry-After, or 10 s when it sent none the SDK could read", async () => {
    const seconds = answering(() => json(429, { errors: [] }, { 'Retry-After': '42' }))
    await expect(seconds.api.users.getUser('user_1')).rejects.toMatchObject({
      code: 'rate_limited',
      headers: { 'Retry-After': '42' },
    })
    // The SDK `parseInt`s the header, so an HTTP date is lost on the way.
    const date = answering(() =>
      json(429, { errors: [] }, { 'Retry-After': 'Wed, 01 Jan 2025 00:00:30 GMT' }),
    )
    await expect(date.api.users.getUser('user_1')).rejects.toMatchObject({
      code: 'rate_limited',
      headers: { 'Retry-After': '10' },
    })
    expect(date.calls).toHaveLength(1)
  })
})

describe('retryAfterFromClerk', () => {
  it.each([
    [7, 7],
    [42, 42],
    [0, 1],
    [999999, 3600],
    [-5, null],
    [Number.NaN, null],
    [1.5, null],
    [undefined, null],
  ])('%s → %s', (value, expected) => {
    expect(retryAfterFromClerk(value)).toBe(expected)
  })
})
