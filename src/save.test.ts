import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ERROR_TABLE,
  errorCodeFor,
  readStoredBirthday,
  retryAfterSeconds,
  sendBirthday,
} from './save.ts'
import { FALLBACK_STATUSES } from './save-fallbacks.ts'
import { fakeJwt } from './testing/fake-clerk.ts'

const json = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers })

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the fixed error table', () => {
  it.each(Object.entries(ERROR_TABLE))('%s → %s (its row)', (status, code) => {
    expect(errorCodeFor(Number(status))).toBe(code)
  })

  // The declared fallbacks, and statuses no server documents (422 and 501 unless a row names them).
  const fallbacks = [
    ...new Set([...FALLBACK_STATUSES, ...[418, 422, 501, 599].filter((s) => !(s in ERROR_TABLE))]),
  ]
  it.each(fallbacks)('%i → the fallback of its class (4xx `invalid`, 5xx `server`)', (status) => {
    expect(status in ERROR_TABLE).toBe(false)
    expect(errorCodeFor(status)).toBe(status < 500 ? 'invalid' : 'server')
  })
})

describe('Retry-After', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0)
  it.each([
    [null, 5],
    ['0', 1],
    ['1', 1],
    ['30', 30],
    ['2.5', 3],
    ['999999', 86_400],
    [new Date(now + 42_000).toUTCString(), 42],
    [new Date(now - 42_000).toUTCString(), 1],
    ['soon', 1],
  ])('%j → %i s', (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds)
  })
})

describe('sendBirthday', () => {
  const cached = fakeJwt({ sub: 'user_1', azp: 'http://localhost:3000', n: 1 })
  const fresh = fakeJwt({ sub: 'user_1', azp: 'http://localhost:3000', n: 2 })
  const token = vi.fn(async (isFresh: boolean) => (isFresh ? fresh : cached))
  beforeEach(() => token.mockClear())
  const send = (birthday: string | null = '1990-12-10', timeout = 10_000) =>
    sendBirthday({
      url: '/api/birthday',
      birthday,
      token,
      timeout,
      signal: new AbortController().signal,
    })

  it('posts JSON with the bearer token and no redirects', async () => {
    const fetch = vi.fn(async () => json(200, { birthday: '1990-12-10' }))
    vi.stubGlobal('fetch', fetch)
    expect(await send()).toBeNull()
    expect(fetch).toHaveBeenCalledWith('/api/birthday', {
      method: 'POST',
      redirect: 'error',
      signal: expect.any(AbortSignal),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cached}` },
      body: '{"birthday":"1990-12-10"}',
    })
  })

  it('retries one 401 with a fresh token, and reports the second', async () => {
    const fetch = vi.fn(async () => json(401))
    vi.stubGlobal('fetch', fetch)
    expect(await send(null)).toEqual({ code: 'unauthenticated' })
    expect(token.mock.calls).toEqual([[false], [true]])
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('mints a token with `azp` before posting when the held one has none', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => json(200))
    vi.stubGlobal('fetch', fetch)
    const noAzp = fakeJwt({ sub: 'user_1' })
    const tokens = vi.fn(async (isFresh: boolean) => (isFresh ? fresh : noAzp))
    const signal = new AbortController().signal
    expect(
      await sendBirthday({ url: '/x', birthday: null, token: tokens, timeout: 1000, signal }),
    ).toBeNull()
    expect(tokens.mock.calls).toEqual([[false], [true]])
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(new Headers(fetch.mock.calls[0]?.[1].headers).get('authorization')).toBe(
      `Bearer ${fresh}`,
    )
  })

  it('does not retry a 401 for a token it just minted', async () => {
    const fetch = vi.fn(async () => json(401))
    vi.stubGlobal('fetch', fetch)
    const tokens = vi.fn(async (isFresh: boolean) => (isFresh ? fresh : 'not-a-jwt'))
    const signal = new AbortController().signal
    expect(
      await sendBirthday({ url: '/x', birthday: null, token: tokens, timeout: 1000, signal }),
    ).toEqual({
      code: 'unauthenticated',
    })
    expect(tokens.mock.calls).toEqual([[false], [true]])
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('reports no token as unauthenticated without a request', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const result = await sendBirthday({
      url: '/x',
      birthday: null,
      token: async () => null,
      timeout: 1000,
      signal: new AbortController().signal,
    })
    expect(result).toEqual({ code: 'unauthenticated' })
    expect(fetch).not.toHaveBeenCalled()
  })

  it('reads Retry-After on a 429', async () => {
    vi.stubGlobal('fetch', async () => json(429, {}, { 'retry-after': '7' }))
    expect(await send()).toEqual({ code: 'rate-limited', seconds: 7 })
  })

  it('never reads the body of an error', async () => {
    const response = json(400, { error: { code: 'invalid_body', message: '<b>no</b>' } })
    const read = vi.spyOn(response, 'json')
    vi.stubGlobal('fetch', async () => response)
    expect(await send()).toEqual({ code: 'invalid' })
    expect(read).not.toHaveBeenCalled()
  })

  it('turns a network failure, a refused redirect or a Clerk failure into `network`', async () => {
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('fetch failed')))
    expect(await send()).toEqual({ code: 'network' })
    const failing = sendBirthday({
      url: '/x',
      birthday: null,
      token: () => Promise.reject(new Error('offline')),
      timeout: 1000,
      signal: new AbortController().signal,
    })
    expect(await failing).toEqual({ code: 'network' })
  })

  it('times out', async () => {
    vi.stubGlobal(
      'fetch',
      (_: string, init: RequestInit) =>
        new Promise((_, reject) =>
          init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
        ),
    )
    expect(await send('1990-12-10', 20)).toEqual({ code: 'timeout' })
  })

  it('maps 408 request_timeout to `timeout`, without a retry', async () => {
    const fetch = vi.fn(async () => json(408))
    vi.stubGlobal('fetch', fetch)
    expect(await send('1990-12-10', 1000)).toEqual({ code: 'timeout' })
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('stops when its signal aborts, without rejecting', async () => {
    let seen: AbortSignal | undefined
    vi.stubGlobal(
      'fetch',
      (_: string, init: RequestInit) =>
        new Promise((_, reject) => {
          seen = init.signal!
          seen.addEventListener('abort', () => reject(seen!.reason))
        }),
    )
    const connection = new AbortController()
    const result = sendBirthday({
      url: '/x',
      birthday: null,
      token,
      timeout: 10_000,
      signal: connection.signal,
    })
    await vi.waitFor(() => expect(seen).toBeInstanceOf(AbortSignal))
    connection.abort()
    expect(await result).toEqual({ code: 'network' })
    expect(seen!.aborted).toBe(true)
  })
})

describe('sendBirthday: 409 save_in_progress', () => {
  const token = async () => fakeJwt({ sub: 'user_1', azp: 'http://localhost:3000' })
  const send = (timeout: number) =>
    sendBirthday({
      url: '/x',
      birthday: null,
      token,
      timeout,
      signal: new AbortController().signal,
    })

  it('waits for Retry-After and tries again within the budget', async () => {
    vi.useFakeTimers()
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(409, {}, { 'retry-after': '1' }))
      .mockResolvedValueOnce(json(200))
    vi.stubGlobal('fetch', fetch)
    const result = send(10_000)
    await vi.advanceTimersByTimeAsync(999)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await result).toBeNull()
    expect(fetch).toHaveBeenCalledTimes(2)
    vi.useRealTimers()
  })

  it('reports `busy` once the next wait would pass the budget', async () => {
    vi.useFakeTimers()
    const fetch = vi.fn(async () => json(409, {}, { 'retry-after': '2' }))
    vi.stubGlobal('fetch', fetch)
    const result = send(5000)
    await vi.advanceTimersByTimeAsync(5000)
    expect(await result).toEqual({ code: 'busy' })
    // At 0, 2 and 4 s; a fourth try would wait until 6 s, past the 5 s budget.
    expect(fetch).toHaveBeenCalledTimes(3)
    vi.useRealTimers()
  })
})

describe('readStoredBirthday', () => {
  const held = fakeJwt({ sub: 'user_1', azp: 'http://localhost:3000' })
  const read = () =>
    readStoredBirthday({
      url: '/api/birthday',
      token: () => held,
      timeout: 1000,
      signal: new AbortController().signal,
    })

  it('GETs with the bearer token and reads { birthday }', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
      json(200, { birthday: '1990-12-10' }),
    )
    vi.stubGlobal('fetch', fetch)
    expect(await read()).toBe('1990-12-10')
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/birthday')
    expect(init.method).toBeUndefined()
    expect(init.redirect).toBe('error')
    expect(new Headers(init.headers).get('authorization')).toBe(`Bearer ${held}`)
  })

  it('reads null as no birthday', async () => {
    vi.stubGlobal('fetch', async () => json(200, { birthday: null }))
    expect(await read()).toBeNull()
  })

  it.each([
    ['a 405 (a backend without GET)', () => json(405, { error: { code: 'method_not_allowed' } })],
    ['a body without birthday', () => json(200, {})],
    ['a birthday that is not a date', () => json(200, { birthday: '<b>1990</b>' })],
    ['a body that is not JSON', () => new Response('<html>', { status: 200 })],
    ['a network failure', () => Promise.reject(new TypeError('fetch failed'))],
  ])('is undefined (unknown) after %s', async (_, reply) => {
    vi.stubGlobal('fetch', reply)
    expect(await read()).toBeUndefined()
  })
})
