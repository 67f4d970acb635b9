/**
 * The Durable Object's state machine in-process (a fake `DurableObjectState`; workerd runs it in
 * `stores.test.ts`), and the Worker-side stores failing closed against fake namespaces: a stub that
 * rejects, one that never answers, one that answers 500, each a thrown error (the handler's 503),
 * with the owner's release sent after a lease call that failed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BirthdayStoreObject, type StoreObjectState } from './store-object.ts'
import { durableObjectStores, type StoreNamespace } from './stores.ts'

function fakeState(): StoreObjectState & { stored: Map<string, unknown> } {
  const stored = new Map<string, unknown>()
  return {
    stored,
    storage: {
      get: async <T>(key: string) => stored.get(key) as T | undefined,
      put: async (key, value) => void stored.set(key, value),
      delete: async (key) => stored.delete(key),
    },
    blockConcurrencyWhile: (run) => run(),
  }
}

async function call(object: BirthdayStoreObject, op: string, body: unknown) {
  const response = await object.fetch(
    new Request(`https://birthday-store/${op}`, { method: 'POST', body: JSON.stringify(body) }),
  )
  return (await response.json()) as Record<string, unknown>
}

afterEach(() => {
  vi.useRealTimers()
})

describe('BirthdayStoreObject', () => {
  it('admits max per window, and takes the lease only for a save that is admitted', async () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const object = new BirthdayStoreObject(fakeState())
    const limit = { max: 2, windowMs: 10_000, holdMs: 330_000 }
    expect(await call(object, 'admit', { ...limit, token: 'a' })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lease: 1,
    })
    expect(await call(object, 'admit', { ...limit, token: 'b' })).toEqual({
      allowed: true,
      retryAfterMs: 0,
      lease: 0,
    })
    expect(await call(object, 'admit', { ...limit, token: 'c' })).toEqual({
      allowed: false,
      retryAfterMs: 10_000,
      lease: -1,
    })
    vi.setSystemTime(1_010_000)
    expect((await call(object, 'admit', limit)).allowed).toBe(true)
  })

  it('an expired lease is taken over, and the old owner then releases nothing', async () => {
    vi.useFakeTimers({ now: 0 })
    const state = fakeState()
    const object = new BirthdayStoreObject(state)
    expect(await call(object, 'take', { token: 'old', holdMs: 100 })).toEqual({ taken: true })
    expect(state.stored.get('lease')).toEqual({ token: 'old', until: 100 })
    expect(await call(object, 'take', { token: 'new', holdMs: 100 })).toEqual({ taken: false })
    vi.setSystemTime(101)
    expect(await call(object, 'take', { token: 'new', holdMs: 100 })).toEqual({ taken: true })
    expect(await call(object, 'release', { token: 'old' })).toEqual({ released: false })
    expect(await call(object, 'take', { token: 'third', holdMs: 100 })).toEqual({ taken: false })
    expect(await call(object, 'release', { token: 'new' })).toEqual({ released: true })
    expect(state.stored.has('lease')).toBe(false)
  })

  it('waiters get the lease at its release, in order; a wait that runs out is refused', async () => {
    vi.useFakeTimers({ now: 0 })
    const object = new BirthdayStoreObject(fakeState())
    await call(object, 'take', { token: 'a', holdMs: 330_000 })
    const b = call(object, 'take', { token: 'b', holdMs: 330_000, waitMs: 1_000 })
    const c = call(object, 'take', { token: 'c', holdMs: 330_000, waitMs: 5_000 })
    const d = call(object, 'take', { token: 'd', holdMs: 330_000, waitMs: 100 })
    await vi.advanceTimersByTimeAsync(200)
    expect(await d).toEqual({ taken: false })
    await call(object, 'release', { token: 'a' })
    expect(await b).toEqual({ taken: true })
    await call(object, 'release', { token: 'b' })
    expect(await c).toEqual({ taken: true })
  })

  it('remembers a lease held before it was evicted (from its storage)', async () => {
    vi.useFakeTimers({ now: 0 })
    const state = fakeState()
    await new BirthdayStoreObject(state).fetch(
      new Request('https://birthday-store/take', {
        method: 'POST',
        body: JSON.stringify({ token: 'a', holdMs: 1_000 }),
      }),
    )
    const revived = new BirthdayStoreObject(state)
    await Promise.resolve()
    expect(await call(revived, 'take', { token: 'b', holdMs: 1_000 })).toEqual({ taken: false })
  })

  it('answers 400 to a body that is not JSON, and 404 to an unknown operation', async () => {
    const object = new BirthdayStoreObject(fakeState())
    const bad = await object.fetch(new Request('https://x/admit', { method: 'POST', body: 'no' }))
    expect(bad.status).toBe(400)
    const unknown = await object.fetch(
      new Request('https://x/nope', { method: 'POST', body: '{}' }),
    )
    expect(unknown.status).toBe(404)
  })
})

describe('durableObjectStores fails closed', () => {
  function namespace(fetch: (url: string, init: RequestInit) => Promise<Response>) {
    const calls: string[] = []
    const ns: StoreNamespace = {
      idFromName: (name) => name,
      get: () => ({
        fetch: (url, init) => {
          calls.push(`${new URL(url).pathname} ${String(init.body)}`)
          return fetch(url, init)
        },
      }),
    }
    return { ns, calls }
  }
  const limit = { max: 5, windowMs: 10_000 }

  it('a stub that rejects or answers 500 is a thrown error', async () => {
    const rejecting = durableObjectStores(namespace(() => Promise.reject(new Error('gone'))).ns)
    await expect(rejecting.limiterStore.hit('birthday:a', 0, limit)).rejects.toThrow('gone')
    const failing = durableObjectStores(
      namespace(async () => new Response('no', { status: 500 })).ns,
    )
    await expect(failing.writeOrderStore.acquire('birthday:a', 0)).rejects.toThrow(
      'durable object: take answered 500',
    )
  })

  it('a stub that never answers times out, and the lease it may take is released', async () => {
    vi.useFakeTimers()
    const { ns, calls } = namespace((url) =>
      url.endsWith('/release') ? Promise.resolve(Response.json({})) : new Promise(() => {}),
    )
    const stores = durableObjectStores(ns, { callTimeoutMs: 50 })
    const hit = stores.limiterStore.hit('birthday:a', 0, limit, { takeWriteSlot: true })
    const failed = expect(hit).rejects.toThrow('durable object: admit had no answer in 50 ms')
    await vi.advanceTimersByTimeAsync(60)
    await failed
    const token = JSON.parse(calls[0]?.split(' ').slice(1).join(' ') ?? '{}').token as string
    expect(calls[1]).toBe(`/release ${JSON.stringify({ token })}`)
  })
})
