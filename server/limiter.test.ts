import { describe, expect, it } from 'vitest'
import { memoryLimiterStore } from './limiter.ts'

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
