/**
 * The Durable Object that holds one user's limiter window and write lease, for Cloudflare Workers
 * (one object per user: `idFromName('birthday:<user id>')`). A Durable Object runs one request at a
 * time between awaits and is the only copy of its state, so every decision below is a plain
 * check-and-set with no I/O in between; it never holds the lease across I/O of its own (the Worker
 * writes to Clerk, not the object). The lease is also kept in the object's storage, so an object
 * evicted while a write is in flight still knows about it when it comes back.
 *
 * Its protocol is JSON over `fetch` (no `cloudflare:workers` import, so it bundles anywhere):
 * `POST /admit { max, windowMs, token?, holdMs }`, `POST /take { token, holdMs, waitMs }`,
 * `POST /release { token }`.
 */

interface Lease {
  token: string
  until: number
}

interface Waiter {
  token: string
  holdMs: number
  grant: () => void
}

/** The part of `DurableObjectState` this object uses. */
export interface StoreObjectState {
  storage: {
    get<T>(key: string): Promise<T | undefined>
    put(key: string, value: unknown): Promise<void>
    delete(key: string): Promise<boolean>
  }
  blockConcurrencyWhile<T>(run: () => Promise<T>): Promise<T>
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

export class BirthdayStoreObject {
  readonly #state: StoreObjectState
  #hits: number[] = []
  #lease: Lease | null = null
  #waiters: Waiter[] = []

  constructor(state: StoreObjectState) {
    this.#state = state
    void state.blockConcurrencyWhile(async () => {
      this.#lease = (await state.storage.get<Lease>('lease')) ?? null
    })
  }

  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    const body = (await request.json().catch(() => null)) as Record<string, unknown> | null
    if (!body) return json({ error: 'a JSON body is required' }, 400)
    const now = Date.now()
    if (path === '/admit') return json(this.#admit(body, now))
    if (path === '/take') return json(await this.#take(body, now))
    if (path === '/release') return json({ released: this.#release(String(body.token), now) })
    return json({ error: `no such operation ${path}` }, 404)
  }

  #admit(body: Record<string, unknown>, now: number) {
    const max = Number(body.max)
    const windowMs = Number(body.windowMs)
    while (this.#hits.length > 0 && (this.#hits[0] ?? now) <= now - windowMs) this.#hits.shift()
    if (this.#hits.length >= max) {
      return { allowed: false, retryAfterMs: (this.#hits[0] ?? now) + windowMs - now, lease: -1 }
    }
    this.#hits.push(now)
    if (typeof body.token !== 'string') return { allowed: true, retryAfterMs: 0, lease: -1 }
    const taken = this.#tryTake(body.token, Number(body.holdMs), now)
    return { allowed: true, retryAfterMs: 0, lease: taken ? 1 : 0 }
  }

  /** Takes the lease now, or waits in line (bounded by `waitMs`) for a release to hand it over. */
  async #take(body: Record<string, unknown>, now: number) {
    const token = String(body.token)
    const holdMs = Number(body.holdMs)
    if (this.#tryTake(token, holdMs, now)) return { taken: true }
    const waitMs = Number(body.waitMs)
    if (!(waitMs > 0)) return { taken: false }
    return new Promise<{ taken: boolean }>((resolve) => {
      const waiter: Waiter = {
        token,
        holdMs,
        grant: () => {
          clearTimeout(timer)
          resolve({ taken: true })
        },
      }
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter)
        resolve({ taken: false })
      }, waitMs)
      this.#waiters.push(waiter)
    })
  }

  /** The whole check-and-set: free (or expired) → this token's, with no await in between. */
  #tryTake(token: string, holdMs: number, now: number): boolean {
    if (this.#lease && this.#lease.until > now) return false
    this.#hold({ token, until: now + holdMs })
    return true
  }

  #hold(lease: Lease | null) {
    this.#lease = lease
    // Output gates hold the answer until the storage write is confirmed.
    if (lease) void this.#state.storage.put('lease', lease)
    else void this.#state.storage.delete('lease')
  }

  /** Owner-only: a lease that expired and was taken over is left to its new owner. */
  #release(token: string, now: number): boolean {
    if (this.#lease?.token !== token) return false
    const next = this.#waiters.shift()
    if (next) {
      this.#hold({ token: next.token, until: now + next.holdMs })
      next.grant()
    } else {
      this.#hold(null)
    }
    return true
  }
}
