import { describe, expect, it } from 'vitest'
import { createBackendApi, parseRetryAfter } from './backend-api.ts'
import { HttpError } from './errors.ts'
import { createFakeBackendApi } from './testing/fake-backend-api.ts'

const SECRET = 'sk_test_bapi'

function setup(timeoutMs = 1_000) {
  const fake = createFakeBackendApi({
    secretKey: SECRET,
    users: [{ id: 'user_1', public_metadata: { a: 1 }, private_metadata: {}, unsafe_metadata: {} }],
  })
  const seen: { url: string; headers: Record<string, string>; body: string | null }[] = []
  const api = createBackendApi({
    secretKey: SECRET,
    apiUrl: 'http://bapi.test/base/',
    timeoutMs,
    random: () => 0,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      seen.push({
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body: request.method === 'GET' ? null : await request.clone().text(),
      })
      return fake.fetch(request)
    },
  })
  return { api, fake, seen }
}

describe('the Backend API client', () => {
  it('sends what @clerk/backend sends: URL, headers, snake_case body', async () => {
    const { api, seen } = setup()
    await api.users.updateUserMetadata('user_1', { publicMetadata: { birthday: '2000-01-01' } })
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

  it('escapes the user id in the path', async () => {
    const { api, seen } = setup()
    await expect(api.users.getUser('../jwks?x=1')).rejects.toThrow(HttpError)
    expect(seen[0]?.url).toBe('http://bapi.test/base/v1/users/..%2Fjwks%3Fx%3D1')
  })

  it('a non-user 2xx answer is an upstream error', async () => {
    const api = createBackendApi({
      secretKey: SECRET,
      fetch: async () => new Response('{"object":"something"}', { status: 200 }),
    })
    await expect(api.users.getUser('user_1')).rejects.toMatchObject({ code: 'upstream_error' })
    const text = createBackendApi({
      secretKey: SECRET,
      fetch: async () => new Response('<html>', { status: 200 }),
    })
    await expect(text.users.getUser('user_1')).rejects.toMatchObject({ code: 'upstream_error' })
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
})

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7],
    [' 42 ', 42],
    ['0', 1],
    ['999999', 3600],
    ['soon', null],
    ['-5', null],
    ['1.5', null],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value)).toBe(expected)
  })

  it('takes an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30)
  })

  it('absent is null', () => {
    expect(parseRetryAfter(null)).toBe(null)
  })
})
