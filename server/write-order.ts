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
 * after a newer one again. {@link withWriteSlot} is the one place that takes a slot, tracks the
 * attempts and gives it back; a store that throws makes it fail closed (503, nothing written).
 */
import { HttpError, storeUnavailable } from './errors.ts'

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

/** Retry-After of a 409: an earlier write of the user is still unsettled. */
const SAVE_IN_PROGRESS_RETRY_AFTER_SECONDS = 2

/** Told about every attempt of a write (each SDK call), with a promise that settles with it. */
export type OnAttempt = (settled: Promise<void>) => void

/**
 * Runs `write` holding the write slot of `key`, and gives the slot back only once every attempt it
 * started has settled: an attempt abandoned at the deadline keeps the slot until it lands or fails,
 * so no older value can land after a newer save's 200.
 *
 * `taken` is a slot the limiter's store already took in the same round trip (null: it found the
 * slot held, so this waits for it); without it, the slot is asked for here. Throws
 * `save_in_progress` (409) when the slot stays taken past `waitMs`, and `upstream_unavailable`
 * (503) when the store cannot answer; in both cases `write` never runs.
 */
export async function withWriteSlot<T>(
  store: WriteOrderStore,
  key: string,
  options: { waitMs: number; taken?: WriteSlot | null },
  write: (onAttempt: OnAttempt) => Promise<T>,
): Promise<T> {
  let slot: WriteSlot | null
  if (options.taken) {
    slot = options.taken
  } else {
    try {
      slot = await store.acquire(key, options.waitMs)
    } catch (error) {
      throw storeUnavailable(error)
    }
  }
  if (!slot) {
    throw new HttpError('save_in_progress', 'still saving the previous change', {
      headers: { 'Retry-After': String(SAVE_IN_PROGRESS_RETRY_AFTER_SECONDS) },
      reason: 'write_in_flight',
    })
  }
  const held = slot
  const attempts: Promise<void>[] = []
  try {
    return await write((settled) => attempts.push(settled))
  } finally {
    void Promise.all(attempts)
      .then(() => held.release())
      .catch(() => undefined)
  }
}

/** Gives back a slot taken early for a save that then failed before writing (a bad body). */
export function giveBack(slot: WriteSlot | null | undefined): void {
  if (!slot) return
  void Promise.resolve()
    .then(() => slot.release())
    .catch(() => undefined)
}
