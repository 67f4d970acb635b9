/**
 * The retry queue, one lifecycle: a birthday whose save failed in a way a retry can help, saved
 * again on `online` or once `Retry-After` has passed. Any edit drops it. It never saves itself: it
 * calls back into the host.
 */
import type { SaveFailure } from './save.ts'

/** Nothing is queued. */
export const NOTHING_QUEUED = Symbol()

export class RetryQueue {
  /** The birthday waiting for `online` or `Retry-After`. */
  #queued: string | null | typeof NOTHING_QUEUED = NOTHING_QUEUED
  #retry: (birthday: string | null) => void

  constructor(retry: (birthday: string | null) => void) {
    this.#retry = retry
  }

  /** Listens for `online` until `signal` aborts. */
  watchOnline(signal: AbortSignal): void {
    window.addEventListener('online', this.#online, { signal })
  }

  /**
   * Queues `birthday` after its save failed, when a retry can help: offline, a network error, or a
   * `Retry-After` (`seconds`), after which it retries unless dropped or aborted.
   */
  hold({ code, seconds }: SaveFailure, birthday: string | null, signal: AbortSignal): void {
    if (code !== 'offline' && code !== 'network' && !seconds) return
    this.#queued = birthday
    if (!seconds) return
    const timer = setTimeout(() => {
      if (this.#queued === birthday) this.#retry(birthday)
    }, seconds * 1000)
    signal.addEventListener('abort', () => clearTimeout(timer))
  }

  clearPending(): void {
    this.#queued = NOTHING_QUEUED
  }

  #online = () => {
    // A birthday is queued only by a failed save, and any edit drops it.
    if (this.#queued !== NOTHING_QUEUED) this.#retry(this.#queued)
  }
}
