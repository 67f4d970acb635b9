/**
 * Waits for `window.Clerk` to appear, with one watcher per page however many editors wait: the `load`
 * event of any script (captured on the document, so Clerk's `async` tag, a tag a framework SDK
 * injects after render — `@clerk/shared`'s loader removes it once loaded — and lazily added tags all
 * count), plus a check on a backoff from 100 ms up to 2 s between checks for a Clerk that arrives
 * without a tag of its own (an npm bundle assigning it). No busy loop; nothing runs once found or
 * when nobody waits.
 */
import { globalClerk } from './clerk-port.ts'
import type { ClerkPort } from './clerk-port.ts'

type Waiter = (clerk: ClerkPort) => void

const waiters = new Set<Waiter>()
let timer: ReturnType<typeof setTimeout> | undefined
let checks = 0

/** The longest pause between two checks, ms. */
export const MAX_CHECK_INTERVAL = 2000

function stop() {
  clearTimeout(timer)
  timer = undefined
  document.removeEventListener('load', check, true)
}

function check() {
  const clerk = globalClerk()
  if (clerk) {
    stop()
    const found = [...waiters]
    waiters.clear()
    for (const waiter of found) waiter(clerk)
  }
  return clerk
}

function poll() {
  if (!check()) timer = setTimeout(poll, Math.min(100 * 2 ** checks++, MAX_CHECK_INTERVAL))
}

/** Calls `waiter` once `window.Clerk` exists (at once if it does). Returns a cancel function. */
export function whenClerkAppears(waiter: Waiter): () => void {
  waiters.add(waiter)
  if (!timer) {
    checks = 0
    document.addEventListener('load', check, true)
    poll()
  }
  return () => {
    waiters.delete(waiter)
    if (!waiters.size) stop()
  }
}
