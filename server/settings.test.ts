import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ENV } from './env.ts'
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_BODY_TIMEOUT_MS } from './body.ts'
import { defaultLogger } from './log.ts'
import { DEFAULT_RATE_LIMIT, memoryLimiterStore } from './limiter.ts'
import { resolveClerkSettings, resolveSettings } from './settings.ts'
import { DEFAULT_WRITE_WAIT_MS, memoryWriteOrderStore } from './write-order.ts'

const SECRET = 'sk_test_abc'

// What the bindings leave out comes from process.env: blank (unset) here, whatever the shell has.
beforeEach(() => {
  for (const name of Object.values(ENV)) vi.stubEnv(name, '')
})
afterEach(() => {
  vi.unstubAllEnvs()
})

describe('resolveSettings', () => {
  it('fills in every default', () => {
    const settings = resolveSettings({})
    expect(settings).toMatchObject({
      path: undefined,
      logger: defaultLogger,
      rateLimit: DEFAULT_RATE_LIMIT,
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
      writeWaitMs: DEFAULT_WRITE_WAIT_MS,
    })
    expect(Math.abs(settings.clock.now() - Date.now())).toBeLessThan(1_000)
    expect(typeof settings.limiterStore.hit).toBe('function')
    expect(typeof settings.writeOrderStore.acquire).toBe('function')
  })

  it('keeps what the options give', () => {
    const clock = { now: () => 42 }
    const logger = () => undefined
    const limiterStore = memoryLimiterStore()
    const writeOrderStore = memoryWriteOrderStore()
    const options = {
      path: '/api/x',
      clock,
      logger,
      limiterStore,
      rateLimit: { max: 1, windowMs: 10 },
      bodyLimitBytes: 64,
      bodyTimeoutMs: 100,
      writeOrderStore,
      writeWaitMs: 0,
    }
    expect(resolveSettings(options)).toEqual(options)
  })

  it.each([
    [{ secretKey: '' }, 'secretKey is required'],
    [
      { secretKey: SECRET, publishableKey: 'pk_nope' },
      'publishableKey is not a Clerk publishable key',
    ],
    [
      { secretKey: SECRET, publishableKey: 'pk_live_YWJj' },
      'publishableKey is pk_live_ but secretKey is sk_test_',
    ],
    [{ allowedOrigins: ['app.example'] }, 'allowedOrigins: "app.example" is not an origin'],
    [{ allowedOrigins: [] }, 'allowedOrigins must list at least one origin'],
  ])('a wrong option given is a TypeError at once: %j', (options, message) => {
    expect(() => resolveSettings(options)).toThrow(TypeError)
    expect(() => resolveSettings(options)).toThrow(message)
  })
})

describe('resolveClerkSettings', () => {
  const request = (origin: string | null) =>
    new Request('https://api.example/x', { headers: origin ? { Origin: origin } : {} })

  it('reads what the options leave out from the bindings', () => {
    const clerk = resolveClerkSettings(
      {},
      {
        CLERK_SECRET_KEY: SECRET,
        CLERK_JWT_KEY: '"line1\\nline2"',
        CLERK_API_URL: 'http://127.0.0.1:1',
        ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      },
    )
    expect(clerk).toMatchObject({
      secretKey: SECRET,
      jwtKey: 'line1\nline2',
      apiUrl: 'http://127.0.0.1:1',
      upstreamTimeoutMs: undefined,
      authorizedParties: ['https://a.example', 'https://b.example'],
    })
    expect(clerk.cors.headersFor(request('https://b.example'))).toMatchObject({
      'Access-Control-Allow-Origin': 'https://b.example',
    })
  })

  it('options win over the bindings; CLERK_AUTHORIZED_PARTIES stands in for ALLOWED_ORIGINS', () => {
    const bindings = {
      CLERK_SECRET_KEY: 'sk_test_env',
      CLERK_AUTHORIZED_PARTIES: 'https://c.example',
    }
    expect(
      resolveClerkSettings({ secretKey: SECRET, upstreamTimeoutMs: 9 }, bindings),
    ).toMatchObject({
      secretKey: SECRET,
      upstreamTimeoutMs: 9,
      authorizedParties: ['https://c.example'],
    })
  })

  it('no list: the own origin only, from X-Forwarded-* when trusted', () => {
    const forwarded = new Request('http://internal:3000/x', {
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example' },
    })
    const plain = resolveClerkSettings({ secretKey: SECRET }, {})
    const trusting = resolveClerkSettings(
      {},
      { CLERK_SECRET_KEY: SECRET, TRUST_FORWARDED_HEADERS: '1' },
    )
    if (typeof plain.authorizedParties !== 'function') throw new Error('expected a function')
    if (typeof trusting.authorizedParties !== 'function') throw new Error('expected a function')
    expect(plain.authorizedParties(forwarded)).toEqual(['http://internal:3000'])
    expect(trusting.authorizedParties(forwarded)).toEqual(['https://app.example'])
    expect(plain.cors.headersFor(request('https://api.example'))).toEqual({})
    expect(() => plain.cors.headersFor(request('https://app.example'))).toThrow(
      'this origin may not call this endpoint',
    )
  })

  it.each([
    [{}, 'config: CLERK_SECRET_KEY is not set'],
    [{ CLERK_SECRET_KEY: '  ' }, 'config: CLERK_SECRET_KEY is not set'],
    [
      { CLERK_SECRET_KEY: SECRET, CLERK_PUBLISHABLE_KEY: 'pk_live_YWJj' },
      'config: publishableKey is pk_live_ but secretKey is sk_test_',
    ],
    [
      { CLERK_SECRET_KEY: SECRET, ALLOWED_ORIGINS: 'app.example' },
      'config: allowedOrigins: "app.example" is not an origin like https://app.example',
    ],
  ])('a missing or wrong variable is a 500 internal naming it: %j', (bindings, reason) => {
    let thrown: unknown
    try {
      resolveClerkSettings({}, bindings)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({
      status: 500,
      code: 'internal',
      message: 'internal error',
      reason,
    })
  })
})
