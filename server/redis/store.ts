/**
 * The Redis store: both stores of `createBirthdayHandler` (the per-user limiter and the per-user
 * write lease) on one connected node-redis client, shared by every instance that uses the same
 * Redis.
 *
 * - The limiter is an exact sliding-window log in one Lua script, timed by Redis's own clock.
 * - The write lease is `SET key token NX PX ttl` with a random token, released only by its owner
 *   (compare-and-delete in a script). Its ttl (330 s) outlives any write the handler can abandon,
 *   and the handler releases it only when every attempt of the write has settled.
 * - A save takes its lease in the limiter's round trip, so an uncontended save costs two round
 *   trips (admit, release). A save that finds the lease held waits for the release's `PUBLISH`
 *   (see `release-signals.ts`), never polling, then writes or is answered 409.
 * - It fails closed: a command that fails or does not answer within `commandTimeoutMs` throws, and
 *   the handler answers 503 with `Retry-After` and writes nothing. A command that timed out while
 *   taking a lease is followed by its owner's release, which Redis runs after it on the same
 *   connection, so a late `SET` leaves no lease behind. Nothing is kept per instance beyond the
 *   waiters, so saves succeed again as soon as the client has reconnected.
 *
 * Limits no store can lift: Clerk has no conditional write, so ordering rests on the lease
 * outliving an abandoned write; a Redis that loses its data (a restart without persistence, a
 * failover to a replica that had not caught up) forgets the leases held at that moment.
 */
import { startDeadline, TIMED_OUT } from '../deadline.ts'
import type { HitOptions, LimiterStore, RateDecision, RateLimit } from '../limiter.ts'
import { DEFAULT_MAX_HOLD_MS, type WriteOrderStore, type WriteSlot } from '../write-order.ts'
import { releaseSignals, type RedisSubscriber } from './release-signals.ts'
import { ADMIT, RELEASE, TAKE } from './scripts.ts'
import { scriptSha } from './script-sha.ts'

/** The keys and arguments of one script call. */
export interface ScriptOptions {
  keys: string[]
  arguments: string[]
}

/** What the store needs of the client: node-redis's `createClient()` result, connected. */
export interface RedisStoreClient {
  eval(script: string, options: ScriptOptions): Promise<unknown>
  /** Runs a script Redis already holds, by its SHA-1; rejects `NOSCRIPT …` when it does not. */
  evalSha(sha1: string, options: ScriptOptions): Promise<unknown>
  /** A second connection for the release channel (opened at the first wait). */
  duplicate(): RedisSubscriber
  on?(event: 'error', listener: (error: unknown) => void): unknown
  listenerCount?(event: 'error'): number
}

export interface RedisStoresOptions {
  /** Prefix of every key and of the channel (default `birthday-editor:`). */
  prefix?: string
  /** A command with no answer after this long fails the request with a 503 (default 500 ms). */
  commandTimeoutMs?: number
  /** The lease's ttl: longer than the slowest write that can be abandoned (default 330 s). */
  maxHoldMs?: number
}

export interface RedisStores {
  limiterStore: LimiterStore
  writeOrderStore: WriteOrderStore
  /** Closes the subscriber connection this store opened (the client stays yours). */
  close(): void
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 500

/** Failed releases are tried again this many times, this far apart, before the ttl takes over. */
const RELEASE_TRIES = 3
const RELEASE_RETRY_MS = 1_000

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * `start()`, or a rejection naming Redis after `ms`; a late rejection is never unhandled. `start`
 * is told whether the time is up, so a retry it would send after the timeout is not sent.
 */
async function within<T>(
  start: (expired: () => boolean) => Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  const deadline = startDeadline(ms)
  let pending: Promise<T>
  try {
    pending = start(deadline.passed)
  } catch (error) {
    pending = Promise.reject(error)
  }
  try {
    const answer = await Promise.race([
      pending.catch((error: unknown) => {
        throw new Error(`redis: ${what} failed: ${describe(error)}`)
      }),
      deadline.expired,
    ])
    if (answer === TIMED_OUT) throw new Error(`redis: ${what} had no answer in ${ms} ms`)
    return answer
  } finally {
    deadline.clear()
  }
}

function isNoScript(error: unknown): boolean {
  return describe(error).startsWith('NOSCRIPT')
}

function numbers(reply: unknown, length: number): number[] {
  if (!Array.isArray(reply) || reply.length !== length) {
    throw new Error(`redis: unexpected reply ${JSON.stringify(reply)}`.slice(0, 200))
  }
  return reply.map(Number)
}

/**
 * Both stores on one connected node-redis client. If the client has no `error` listener, one is
 * added that does nothing, so a Redis outage never crashes the process (node-redis emits `error`
 * on each failed reconnect; the handler's log line says why each request failed).
 *
 * @example
 * import { createClient } from 'redis'
 * import { redisStores } from 'birthday-editor/server/redis'
 * const client = createClient({ url: process.env.REDIS_URL })
 * client.on('error', () => undefined) // outages are answered 503; the log line says why
 * await client.connect()
 * const { limiterStore, writeOrderStore } = redisStores(client)
 * const handler = createBirthdayHandler({ limiterStore, writeOrderStore })
 */
export function redisStores(
  client: RedisStoreClient,
  options: RedisStoresOptions = {},
): RedisStores {
  const prefix = options.prefix ?? 'birthday-editor:'
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const ttl = String(options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS)
  const channel = `${prefix}released`
  if (client.on && (client.listenerCount?.('error') ?? 0) === 0) client.on('error', () => undefined)
  const signals = releaseSignals(
    () => client.duplicate(),
    channel,
    (promise, ms, what) => within(() => promise, ms, what),
  )

  const keys = (key: string) => ({
    hits: `${prefix}{${key}}:hits`,
    lease: `${prefix}{${key}}:lease`,
  })
  const token = () => crypto.randomUUID()

  /**
   * One script call: `EVALSHA`, and `EVAL` (which also loads the script) when Redis answers
   * `NOSCRIPT` (a restart, a failover, `SCRIPT FLUSH`) — unless the time is already up, since a
   * timed-out lease command is followed by its release and nothing may run after that release.
   */
  function run(script: string, keyList: string[], args: string[], what: string): Promise<unknown> {
    const options = { keys: keyList, arguments: args }
    const sha = scriptSha(script)
    return within(
      (expired) =>
        sha === undefined
          ? client.eval(script, options)
          : client.evalSha(sha, options).catch((error: unknown) => {
              if (!isNoScript(error) || expired()) throw error
              return client.eval(script, options)
            }),
      timeoutMs,
      what,
    )
  }

  function release(lease: string, owner: string, tries = RELEASE_TRIES): Promise<void> {
    return run(RELEASE, [lease], [owner, channel], 'release').then(
      () => undefined,
      (error: unknown) => {
        if (tries <= 1) throw error
        return new Promise<void>((resolve, reject) =>
          setTimeout(
            () => release(lease, owner, tries - 1).then(resolve, reject),
            RELEASE_RETRY_MS,
          ),
        )
      },
    )
  }

  function slot(lease: string, owner: string): WriteSlot {
    let released: Promise<void> | undefined
    return { release: () => (released ??= release(lease, owner)) }
  }

  /** A lease command that failed or timed out may still run later: its release runs after it. */
  function undo(lease: string, owner: string): void {
    release(lease, owner).catch(() => undefined)
  }

  /** One `SET NX PX`: the slot, or how long the holder's lease has left. */
  async function take(lease: string): Promise<WriteSlot | number> {
    const owner = token()
    let reply
    try {
      reply = numbers(await run(TAKE, [lease], [owner, ttl], 'take lease'), 2)
    } catch (error) {
      undo(lease, owner)
      throw error
    }
    return reply[0] === 1 ? slot(lease, owner) : Math.max(1, reply[1] ?? 1)
  }

  const limiterStore: LimiterStore = {
    async hit(key: string, _now: number, limit: RateLimit, hitOptions: HitOptions = {}) {
      const { hits, lease } = keys(key)
      const owner = hitOptions.takeWriteSlot ? token() : ''
      let reply
      try {
        reply = numbers(
          await run(
            ADMIT,
            [hits, lease],
            [String(limit.max), String(limit.windowMs), token(), owner, ttl],
            'admit',
          ),
          3,
        )
      } catch (error) {
        if (owner) undo(lease, owner)
        throw error
      }
      const [allowed, retryAfterMs, leaseState] = reply
      const decision: RateDecision = { allowed: allowed === 1, retryAfterMs: retryAfterMs ?? 0 }
      if (decision.allowed && owner)
        decision.writeSlot = leaseState === 1 ? slot(lease, owner) : null
      return decision
    },
  }

  const writeOrderStore: WriteOrderStore = {
    async acquire(key, waitMs) {
      const { lease } = keys(key)
      if (waitMs <= 0) {
        const taken = await take(lease)
        return typeof taken === 'number' ? null : taken
      }
      const deadline = Date.now() + waitMs
      await signals.ready(Math.min(timeoutMs, waitMs))
      for (;;) {
        // Listen before trying, so a release between the try and the wait is not missed.
        const remaining = deadline - Date.now()
        const released = signals.wait(lease, remaining)
        let taken
        try {
          taken = await take(lease)
        } catch (error) {
          released.cancel()
          throw error
        }
        if (typeof taken !== 'number') {
          released.cancel()
          return taken
        }
        if (deadline - Date.now() <= 0) {
          released.cancel()
          return null
        }
        // The lease also ends by itself when its ttl runs out: wait no longer than that.
        const expiry = setTimeout(() => released.cancel(), taken)
        await released.promise
        clearTimeout(expiry)
        if (deadline - Date.now() <= 0) return null
      }
    },
  }

  return { limiterStore, writeOrderStore, close: () => signals.close() }
}
