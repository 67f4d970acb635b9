/**
 * The one deadline race of the backend. What the handler waits on cannot be cancelled
 * (`@clerk/backend` takes no `AbortSignal`; a body stream, a Redis command or a Durable Object call
 * may simply not answer), so a deadline is a race between the work and a timer: whichever settles
 * first wins, the loser is left to settle on its own (its late rejection is never unhandled), and
 * the timer is cleared either way. What a lost race means (a 504, a 408, a store's 503) is the
 * caller's to say.
 */

/** What a race answers when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out')
export type TimedOut = typeof TIMED_OUT

/** A running deadline, for work that races it more than once (a body read chunk by chunk). */
export interface Deadline {
  /** Resolves {@link TIMED_OUT} once the time is up; never rejects. */
  readonly expired: Promise<TimedOut>
  /** Whether the time is up (the timer has fired). */
  passed(): boolean
  /** Stops the timer; `expired` then never resolves. Safe to call more than once. */
  clear(): void
}

/** Starts a deadline `ms` from now (0 or less: at the next turn of the timer queue). */
export function startDeadline(ms: number): Deadline {
  let timer: ReturnType<typeof setTimeout> | undefined
  let fired = false
  const expired = new Promise<TimedOut>((resolve) => {
    timer = setTimeout(
      () => {
        fired = true
        resolve(TIMED_OUT)
      },
      Math.max(0, ms),
    )
  })
  return {
    expired,
    passed: () => fired,
    clear: () => clearTimeout(timer),
  }
}

/**
 * `work` raced against a deadline `ms` from now: its value, or {@link TIMED_OUT} when the time ran
 * out first. A rejection of `work` before the deadline rejects; after it, it is ignored.
 */
export async function raceDeadline<T>(work: Promise<T>, ms: number): Promise<T | TimedOut> {
  const deadline = startDeadline(ms)
  try {
    return await Promise.race([work, deadline.expired])
  } finally {
    deadline.clear()
  }
}
