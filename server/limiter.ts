/**
 * The per-user rate limiter. It runs right after authentication and before the body is read or the
 * Backend API is called, so every request of an authenticated user counts, a flood of invalid
 * bodies included. The default (5 requests per 10 s) is stricter than Clerk's own metadata write
 * limit, so a user can never push the backend into Clerk's 429.
 *
 * The store is pluggable: the default keeps an exact sliding-window log in memory (per process or
 * isolate); a deployment with several instances passes a shared store (`birthday-editor/server/redis`,
 * a Durable Object…) implementing {@link LimiterStore}. A store that cannot answer (unreachable,
 * too slow) throws: the handler then answers `503` and writes nothing (it fails closed).
 */
import { HttpError, storeUnavailable } from './errors.ts'
import type { WriteSlot } from './write-order.ts'

export interface RateDecision {
  allowed: boolean
  /** When refused: milliseconds until the next request would be allowed. */
  retryAfterMs: number
  /**
   * Only from a store that also keeps the write slots, asked with `takeWriteSlot`, when allowed:
   * the user's write slot taken in the same round trip, or null when someone else holds it.
   */
  writeSlot?: WriteSlot | null
}

export interface HitOptions {
  /**
   * The request is a save: a store that also keeps the write slots may take the user's slot in
   * the same round trip (see `withWriteSlot` in `write-order.ts`); others ignore this.
   */
  takeWriteSlot?: boolean
}

/** Records one request for `key` at `now` and decides; refused requests are not recorded. */
export interface LimiterStore {
  hit(
    key: string,
    now: number,
    limit: RateLimit,
    options?: HitOptions,
  ): RateDecision | Promise<RateDecision>
}

export interface RateLimit {
  max: number
  windowMs: number
}

/** The in-memory store answers synchronously. */
export interface MemoryLimiterStore extends LimiterStore {
  hit(key: string, now: number, limit: RateLimit): RateDecision
}

export const DEFAULT_RATE_LIMIT: RateLimit = { max: 5, windowMs: 10_000 }

/**
 * In-memory sliding-window log: per key at most `max` timestamps, so memory is bounded by
 * `maxKeys * max` numbers. Past `maxKeys` keys, expired ones are swept; if none expired, the
 * least recently inserted key is dropped (that user starts a fresh window, never a false refusal).
 */
export function memoryLimiterStore(options: { maxKeys?: number } = {}): MemoryLimiterStore {
  const maxKeys = options.maxKeys ?? 10_000
  const log = new Map<string, number[]>()

  function sweep(now: number, windowMs: number) {
    for (const [key, hits] of log) {
      if ((hits.at(-1) ?? -Infinity) <= now - windowMs) log.delete(key)
    }
    while (log.size >= maxKeys) {
      const oldest = log.keys().next()
      if (oldest.done) break
      log.delete(oldest.value)
    }
  }

  return {
    hit(key, now, { max, windowMs }) {
      let hits = log.get(key)
      if (!hits) {
        if (log.size >= maxKeys) sweep(now, windowMs)
        hits = []
        log.set(key, hits)
      }
      // Hits are appended in time order, so the expired ones are at the front.
      while (hits.length > 0 && (hits[0] ?? now) <= now - windowMs) hits.shift()
      if (hits.length >= max) {
        return { allowed: false, retryAfterMs: (hits[0] ?? now) + windowMs - now }
      }
      hits.push(now)
      return { allowed: true, retryAfterMs: 0 }
    },
  }
}

/** The `Retry-After` of a 429: the seconds until the next request would be allowed, at least 1. */
export function rateLimitedRetryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000))
}

/**
 * Counts one request of `key` against `limit`: throws 429 `rate_limited` (with `Retry-After`) when
 * refused, and 503 when the store cannot answer (fail closed). Allowed: the write slot the store
 * took in the same round trip, when asked and it keeps them (null when someone else holds it).
 */
export async function admit(
  store: LimiterStore,
  key: string,
  now: number,
  limit: RateLimit,
  options: HitOptions = {},
): Promise<WriteSlot | null | undefined> {
  let decision: RateDecision
  try {
    decision = await store.hit(key, now, limit, options)
  } catch (error) {
    throw storeUnavailable(error)
  }
  if (!decision.allowed) {
    throw new HttpError('rate_limited', 'too many requests, try again later', {
      headers: { 'Retry-After': String(rateLimitedRetryAfterSeconds(decision.retryAfterMs)) },
      reason: 'limiter',
    })
  }
  return decision.writeSlot
}
