/**
 * The handler's two stores on a Durable Object namespace of {@link BirthdayStoreObject}, one object
 * per user, for Cloudflare Workers. Same contract as the Redis store: a save takes its lease in the
 * limiter's call (two calls per uncontended save), a busy lease is waited for inside the object
 * (no polling), and a call that fails or does not answer in `callTimeoutMs` throws, so the handler
 * answers 503 and writes nothing.
 *
 * A Worker's pending promises end with its request unless handed to `ctx.waitUntil`: the release of
 * a lease after an abandoned write comes after the response, so `waitUntil(ctx)` gives the
 * runtime the releases still to come (up to its own limit; past it, the lease's ttl frees it).
 */
import {
  createBirthdayHandler,
  type BirthdayHandler,
  type BirthdayHandlerOptions,
} from '../handler.ts'
import { raceDeadline, TIMED_OUT } from '../deadline.ts'
import type { LimiterStore, RateDecision } from '../limiter.ts'
import { DEFAULT_MAX_HOLD_MS, type WriteOrderStore, type WriteSlot } from '../write-order.ts'

/** The part of `DurableObjectNamespace` used here. */
export interface StoreNamespace {
  idFromName(name: string): unknown
  get(id: never): { fetch(url: string, init: RequestInit): Promise<Response> }
}

export interface DurableObjectStores {
  limiterStore: LimiterStore
  writeOrderStore: WriteOrderStore
  /** Resolves once every lease taken so far has been released (for `ctx.waitUntil`). */
  settled(): Promise<void>
}

export function durableObjectStores(
  namespace: StoreNamespace,
  options: { callTimeoutMs?: number; maxHoldMs?: number } = {},
): DurableObjectStores {
  const callTimeoutMs = options.callTimeoutMs ?? 1_000
  const holdMs = options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS
  const held = new Set<Promise<void>>()

  async function call<T>(key: string, op: string, body: unknown, waitMs = 0): Promise<T> {
    const stub = namespace.get(namespace.idFromName(key) as never)
    const answer = stub
      .fetch(`https://birthday-store/${op}`, { method: 'POST', body: JSON.stringify(body) })
      .then(async (response) => {
        if (!response.ok) throw new Error(`durable object: ${op} answered ${response.status}`)
        return (await response.json()) as T
      })
    answer.catch(() => undefined)
    const outcome = await raceDeadline(answer, callTimeoutMs + waitMs)
    if (outcome === TIMED_OUT) {
      throw new Error(`durable object: ${op} had no answer in ${callTimeoutMs + waitMs} ms`)
    }
    return outcome
  }

  /** A call that failed may still have taken the lease: its owner's release frees it. */
  function undo(key: string, token: string): void {
    call(key, 'release', { token }).catch(() => undefined)
  }

  function slot(key: string, token: string): WriteSlot {
    let done: () => void = () => {}
    const released = new Promise<void>((resolve) => (done = resolve))
    held.add(released)
    void released.then(() => held.delete(released))
    let once: Promise<void> | undefined
    return {
      release: () =>
        (once ??= call(key, 'release', { token }).then(
          () => done(),
          (error: unknown) => {
            done()
            throw error
          },
        )),
    }
  }

  return {
    limiterStore: {
      async hit(key, _now, limit, hitOptions = {}) {
        const token = hitOptions.takeWriteSlot ? crypto.randomUUID() : undefined
        const answer = await call<{ allowed: boolean; retryAfterMs: number; lease: number }>(
          key,
          'admit',
          { max: limit.max, windowMs: limit.windowMs, token, holdMs },
        ).catch((error: unknown) => {
          if (token) undo(key, token)
          throw error
        })
        const decision: RateDecision = {
          allowed: answer.allowed,
          retryAfterMs: answer.retryAfterMs,
        }
        if (answer.allowed && token) {
          decision.writeSlot = answer.lease === 1 ? slot(key, token) : null
        }
        return decision
      },
    },
    writeOrderStore: {
      async acquire(key, waitMs) {
        const token = crypto.randomUUID()
        const answer = await call<{ taken: boolean }>(
          key,
          'take',
          { token, holdMs, waitMs },
          waitMs,
        ).catch((error: unknown) => {
          undo(key, token)
          throw error
        })
        return answer.taken ? slot(key, token) : null
      },
    },
    settled: () => Promise.all([...held]).then(() => undefined),
  }
}

/**
 * A Worker (module syntax) serving the handler with both stores in the `BIRTHDAY_STORE` Durable
 * Object namespace (or `binding`); export {@link BirthdayStoreObject} next to it, and bind the class
 * in wrangler's `durable_objects`. Lease releases still to come go to `ctx.waitUntil`.
 *
 * @example
 * export { BirthdayStoreObject } from 'birthday-editor/server/durable-object'
 * export default durableObjectWorker()
 */
export function durableObjectWorker(
  options: BirthdayHandlerOptions & { binding?: string; callTimeoutMs?: number } = {},
) {
  const { binding = 'BIRTHDAY_STORE', callTimeoutMs, ...handlerOptions } = options
  let wired: { handler: BirthdayHandler; stores: DurableObjectStores } | undefined
  return {
    async fetch(
      request: Request,
      env: Record<string, unknown>,
      ctx: { waitUntil(promise: Promise<unknown>): void },
    ): Promise<Response> {
      if (!wired) {
        const namespace = env[binding] as StoreNamespace | undefined
        if (!namespace) throw new Error(`no Durable Object binding ${binding}`)
        const stores = durableObjectStores(namespace, { callTimeoutMs })
        wired = {
          stores,
          handler: createBirthdayHandler({
            ...handlerOptions,
            limiterStore: stores.limiterStore,
            writeOrderStore: stores.writeOrderStore,
          }),
        }
      }
      const response = await wired.handler(request, env)
      ctx.waitUntil(wired.stores.settled())
      return response
    },
  }
}
