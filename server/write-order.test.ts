import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { memoryWriteOrderStore } from './write-order.ts'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('memoryWriteOrderStore', () => {
  it('hands a free slot out at once, and one per key', async () => {
    const store = memoryWriteOrderStore()
    const a = await store.acquire('a', 0)
    expect(a).not.toBeNull()
    expect(await store.acquire('b', 0)).not.toBeNull()
    // Taken, and no wait allowed: refused at once.
    expect(await store.acquire('a', 0)).toBeNull()
    await a?.release()
    expect(await store.acquire('a', 0)).not.toBeNull()
  })

  it('waiters get the slot in the order they asked, each after the previous release', async () => {
    const store = memoryWriteOrderStore()
    const first = await store.acquire('a', 1_000)
    const order: string[] = []
    const second = store.acquire('a', 1_000).then((slot) => (order.push('second'), slot))
    const third = store.acquire('a', 1_000).then((slot) => (order.push('third'), slot))
    await vi.advanceTimersByTimeAsync(100)
    expect(order).toEqual([])
    await first?.release()
    const secondSlot = await second
    expect(order).toEqual(['second'])
    await secondSlot?.release()
    expect(await third).not.toBeNull()
    expect(order).toEqual(['second', 'third'])
  })

  it('a wait that runs out is null and leaves the line; a double release is harmless', async () => {
    const store = memoryWriteOrderStore()
    const held = await store.acquire('a', 0)
    const late = store.acquire('a', 500)
    await vi.advanceTimersByTimeAsync(500)
    expect(await late).toBeNull()
    await held?.release()
    await held?.release()
    const next = await store.acquire('a', 0)
    expect(next).not.toBeNull()
    // The released slot released twice did not free the new holder's slot.
    expect(await store.acquire('a', 0)).toBeNull()
  })

  it('a slot never released is presumed lost after maxHoldMs and taken over by the next save', async () => {
    const clock = { t: 0 }
    const store = memoryWriteOrderStore({ maxHoldMs: 10_000, now: () => clock.t })
    const lost = await store.acquire('a', 0)
    clock.t = 10_000
    expect(await store.acquire('a', 0)).toBeNull()
    clock.t = 10_001
    const next = await store.acquire('a', 0)
    expect(next).not.toBeNull()
    // The lost holder, should it ever release, frees nothing of its successor's.
    await lost?.release()
    expect(await store.acquire('a', 0)).toBeNull()
    await next?.release()
    expect(await store.acquire('a', 0)).not.toBeNull()
  })
})
