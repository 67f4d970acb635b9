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
 * request's promise without settling it) and handed on: longer than undici's 300 s headers timeout,
 * so on Node a write that could still land always settles first.
 */
export const DEFAULT_MAX_HOLD_MS = 330_000

interface Waiter {
  grant: (slot: WriteSlot) => void
}

interface Line {
  /** Asked for the slot and still waiting, in order. */
  waiters: Waiter[]
}

/** In-memory slots, per process or isolate. Memory: one entry per user with a write in flight. */
export function memoryWriteOrderStore(options: { maxHoldMs?: number } = {}): WriteOrderStore {
  const maxHoldMs = options.maxHoldMs ?? DEFAULT_MAX_HOLD_MS
  const lines = new Map<string, Line>()

  function slotFor(key: string, line: Line): WriteSlot {
    let released = false
    const presumedLost = setTimeout(release, maxHoldMs)
    // A slot alone must not keep a process alive (Node; other runtimes have no `unref`).
    ;(presumedLost as { unref?: () => void }).unref?.()
    function release() {
      if (released) return
      released = true
      clearTimeout(presumedLost)
      const next = line.waiters.shift()
      if (next) next.grant(slotFor(key, line))
      else lines.delete(key)
    }
    return { release }
  }

  return {
    acquire(key, waitMs) {
      const line = lines.get(key)
      if (!line) {
        const fresh: Line = { waiters: [] }
        lines.set(key, fresh)
        return Promise.resolve(slotFor(key, fresh))
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
