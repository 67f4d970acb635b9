/**
 * Per-user write ordering: at most one Backend API write per user is in flight, counting the
 * abandoned ones. `@clerk/backend` takes no `AbortSignal`, so a write that outlives the handler's
 * deadline (answered 504) is only abandoned and may still land later; if a newer save were written
 * meanwhile, the late write would land over it. So a save takes its user's write slot before it
 * writes, and the slot is given back only when every attempt of that write has settled — the
 * abandoned one too. A save that finds the slot taken waits for it (bounded, `writeWaitMs`) and then
 * writes, or is answered `409 save_in_progress` with a `Retry-After`.
 *
 * The store is pluggable, like the limiter's: the default keeps the slots in memory, per process or
 * isolate, which orders the writes that one instance makes. Several instances that can receive the
 * same user's saves need a shared store (a lock in Redis, a Durable Object per user…) implementing
 * {@link WriteOrderStore}; its slots must outlive the slowest write the runtime can leave behind
 * (on Node, undici gives up on an unanswered request after 300 s), or an abandoned write may land
 * after a newer one again.
 */

/** A held write slot: given back once the write (every attempt of it) has settled. */
export interface WriteSlot {
  release(): void | Promise<void>
}

export interface WriteOrderStore {
  /**
   * Takes the write slot of `key` once every earlier holder has released it, waiting at most
   * `waitMs`: the slot, or null when the wait ran out (the caller then takes nothing).
   * Slots are handed out in the order they were asked for.
   */
  acquire(key: string, waitMs: number): Promise<WriteSlot | null>
}

/** Default bound on the wait for an earlier write of the same user. */
export const DEFAULT_WRITE_WAIT_MS = 4_000

/**
 * A slot not released after this long is presumed lost (a runtime that dropped the abandoned
 * request's promise without settling it) and taken over by the next save: longer than undici's
 * 300 s headers timeout, so on Node a write that could still land always settles first.
 */
export const DEFAULT_MAX_HOLD_MS = 330_000

interface Waiter {
  grant: (slot: WriteSlot) => void
}

interface Line {
  /** The current holder's slot, and when it was handed out. */
  holder: WriteSlot
  since: number
  /** Asked for the slot and still waiting, in order. */
  waiters: Waiter[]
}

/**
 * In-memory slots, per process or isolate. Memory: one entry per user with a write in flight. A
 * holder older than `maxHoldMs` is presumed lost when the slot is next asked for, and replaced.
 */
export function memoryWriteOrderStore(
  options: { maxHoldMs?: number; now?: () => number } = {},
): WriteOrderStore {
  const maxHoldMs = options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS
  const now = options.now ?? (() => performance.now())
  const lines = new Map<string, Line>()

  /** Makes a slot for `key` and puts it in the line as the holder. */
  function hold(key: string, line: Omit<Line, 'holder' | 'since'> & Partial<Line>): WriteSlot {
    let released = false
    const slot: WriteSlot = {
      release() {
        if (released) return
        released = true
        const current = lines.get(key)
        // A holder presumed lost and replaced releases nothing of its successor's.
        if (current?.holder !== slot) return
        const next = current.waiters.shift()
        if (next) next.grant(hold(key, current))
        else lines.delete(key)
      },
    }
    line.holder = slot
    line.since = now()
    lines.set(key, line as Line)
    return slot
  }

  return {
    acquire(key, waitMs) {
      const line = lines.get(key)
      if (!line) return Promise.resolve(hold(key, { waiters: [] }))
      if (now() - line.since > maxHoldMs) {
        // Presumed lost: the line starts again from this request (earlier waiters time out).
        return Promise.resolve(hold(key, line))
      }
      if (waitMs <= 0) return Promise.resolve(null)
      return new Promise<WriteSlot | null>((resolve) => {
        const waiter: Waiter = {
          grant(slot) {
            clearTimeout(timer)
            resolve(slot)
          },
        }
        const timer = setTimeout(() => {
          const index = line.waiters.indexOf(waiter)
          if (index >= 0) line.waiters.splice(index, 1)
          resolve(null)
        }, waitMs)
        line.waiters.push(waiter)
      })
    },
  }
}
