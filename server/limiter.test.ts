import { describe, expect, it, vi } from 'vitest'
import { HttpError, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS } from './errors.ts'
import { admit, memoryLimiterStore, rateLimitedRetryAfterSeconds } from './limiter.ts'

const LIMIT = { max: 2, windowMs: 1_000 }

describe('memoryLimiterStore', () => {
  it('allows max per sliding window and tells when the next one is allowed', () => {
    const store = memoryLimiterStore()
    expect(store.hit('a', 0, LIMIT)).toEqual({ allowed: true, retryAfterMs: 0 })
    expect(store.hit('a', 400, LIMIT)).toEqual({ allowed: true, retryAfterMs: 0 })
    expect(store.hit('a', 900, LIMIT)).toEqual({ allowed: false, retryAfterMs: 100 })
    expect(store.hit('b', 900, LIMIT).allowed).toBe(true)
    expect(store.hit('a', 1_000, LIMIT).allowed).toBe(true)
    expect(store.hit('a', 1_100, LIMIT)).toEqual({ allowed: false, retryAfterMs: 300 })
  })

  it('refused hits do not extend the block', () => {
    const store = memoryLimiterStore()
    store.hit('a', 0, LIMIT)
    store.hit('a', 0, LIMIT)
    for (let t = 1; t < 1_000; t += 100) expect(store.hit('a', t, LIMIT).allowed).toBe(false)
    expect(store.hit('a', 1_000, LIMIT).allowed).toBe(true)
  })

  it('stays within maxKeys, dropping expired keys first and never refusing a new key', () => {
    const store = memoryLimiterStore({ maxKeys: 3 })
    store.hit('old', 0, LIMIT)
    store.hit('old', 0, LIMIT)
    store.hit('b', 5_000, LIMIT)
    store.hit('c', 5_000, LIMIT)
    for (let i = 0; i < 100; i += 1) expect(store.hit(`k${i}`, 5_000, LIMIT).allowed).toBe(true)
    expect(store.hit('old', 5_000, LIMIT).allowed).toBe(true)
  })
})

describe('admit', () => {
  it('allowed: the write slot the store took (or undefined), the hit recorded', async () => {
    const store = memoryLimiterStore()
    await expect(admit(store, 'a', 0, LIMIT)).resolves.toBeUndefined()
    const slot = { release: () => undefined }
    const taking = { hit: () => ({ allowed: true, retryAfterMs: 0, writeSlot: slot }) }
    await expect(admit(taking, 'a', 0, LIMIT, { takeWriteSlot: true })).resolves.toBe(slot)
    const held = { hit: () => ({ allowed: true, retryAfterMs: 0, writeSlot: null }) }
    await expect(admit(held, 'a', 0, LIMIT, { takeWriteSlot: true })).resolves.toBeNull()
  })

  it('passes the key, time, limit and options to the store', async () => {
    const hit = vi.fn(() => ({ allowed: true, retryAfterMs: 0 }))
    await admit({ hit }, 'birthday:u', 7, LIMIT, { takeWriteSlot: true })
    expect(hit).toHaveBeenCalledWith('birthday:u', 7, LIMIT, { takeWriteSlot: true })
  })

  it('refused: 429 rate_limited with Retry-After in whole seconds, at least 1', async () => {
    const store = memoryLimiterStore()
    await admit(store, 'a', 0, LIMIT)
    await admit(store, 'a', 0, LIMIT)
    const refused = admit(store, 'a', 1, LIMIT)
    await expect(refused).rejects.toBeInstanceOf(HttpError)
    await expect(refused).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      headers: { 'Retry-After': '1' },
      reason: 'limiter',
    })
  })

  it('a store that throws or rejects: 503 with Retry-After (fail closed)', async () => {
    const throwing = {
      hit: () => {
        throw new Error('down')
      },
    }
    const rejecting = { hit: () => Promise.reject(new Error('timeout')) }
    await expect(admit(throwing, 'a', 0, LIMIT)).rejects.toMatchObject({
      status: 503,
      code: 'upstream_unavailable',
      headers: { 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
      reason: 'store: down',
    })
    await expect(admit(rejecting, 'a', 0, LIMIT)).rejects.toMatchObject({
      reason: 'store: timeout',
    })
  })
})

describe('rateLimitedRetryAfterSeconds', () => {
  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1_000, 1],
    [1_001, 2],
    [9_500, 10],
  ])('%i ms → %i s', (ms, seconds) => {
    expect(rateLimitedRetryAfterSeconds(ms)).toBe(seconds)
  })
})
