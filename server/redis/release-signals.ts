/**
 * How a save that finds its user's lease held waits without polling Redis: one subscriber
 * connection per store (a `duplicate()` of the client, opened at the first wait) listens on the
 * channel the release script publishes to, and wakes the local waiters of that lease. A message
 * lost while the subscriber reconnects costs only time: every wait also ends when the lease would
 * expire by itself (its PTTL) or the caller's bound runs out, and the caller then tries again.
 */

/** What the store needs of a subscriber connection (node-redis's client has it). */
export interface RedisSubscriber {
  connect(): Promise<unknown>
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>
  on(event: 'error', listener: (error: unknown) => void): unknown
  destroy(): void
}

export interface ReleaseSignals {
  /** Subscribes once; rejects if the subscriber cannot connect within `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>
  /** Resolves when `lease` is released or after `ms`, whichever comes first; register before trying. */
  wait(lease: string, ms: number): { promise: Promise<void>; cancel(): void }
  close(): void
}

export function releaseSignals(
  open: () => RedisSubscriber,
  channel: string,
  within: <T>(promise: Promise<T>, ms: number, what: string) => Promise<T>,
): ReleaseSignals {
  const waiters = new Map<string, Set<() => void>>()
  let subscriber: RedisSubscriber | undefined
  let subscribed: Promise<void> | undefined

  function wake(lease: string) {
    const woken = waiters.get(lease)
    if (!woken) return
    waiters.delete(lease)
    for (const resolve of woken) resolve()
  }

  return {
    ready(timeoutMs) {
      subscribed ??= (async () => {
        const connection = open()
        subscriber = connection
        connection.on('error', () => undefined)
        await connection.connect()
        await connection.subscribe(channel, wake)
      })()
      const attempt = subscribed
      return within(attempt, timeoutMs, 'subscribe').catch((error: unknown) => {
        // Start over at the next wait rather than keep a subscriber that never came up.
        if (subscribed === attempt) {
          subscribed = undefined
          subscriber?.destroy()
          subscriber = undefined
        }
        throw error
      })
    },
    wait(lease, ms) {
      let resolve = () => {}
      const promise = new Promise<void>((done) => (resolve = done))
      const timer = setTimeout(() => cancel(), ms)
      const set = waiters.get(lease) ?? new Set()
      waiters.set(lease, set)
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      set.add(done)
      function cancel() {
        set.delete(done)
        if (set.size === 0 && waiters.get(lease) === set) waiters.delete(lease)
        done()
      }
      return { promise, cancel }
    },
    close() {
      subscribed = undefined
      subscriber?.destroy()
      subscriber = undefined
      for (const lease of [...waiters.keys()]) wake(lease)
    },
  }
}
