/**
 * The element's Clerk connection, one lifecycle: find Clerk (the `clerk` property, else
 * `window.Clerk` now or once it appears, else a load from `publishable-key`), follow its events,
 * give up after 10 s without a usable Clerk, and recover if one comes. It never renders: it calls
 * back into the host. Any Clerk is tried before anything is registered with it (`clerkProblem`), and
 * nothing of ours throws into ClerkJS, a timer or the page: a Clerk that starts throwing is let go of.
 */
import { clerkProblem, globalClerk, loadClerk, PASS } from './clerk-port.ts'
import type { ClerkPort } from './clerk-port.ts'
import { whenClerkAppears } from './clerk-watch.ts'
import { warnOnce } from './warn.ts'

/** The fix for no Clerk, or one that never loads. */
const NO_CLERK = '. Set the `clerk` property, add `publishable-key`, or call `Clerk.load()`.'

/**
 * A Clerk whose load failed: it was found and loaded, so the fix is in what it reaches, and
 * Clerk's own error (the page's console) says what went wrong.
 */
const LOAD_FAILED =
  "its load failed. Clerk's own error says why: does its key (or `proxyUrl`) reach its Frontend API?"

/** How long a connection waits for a usable Clerk before it reports one missing, ms. */
export const GIVE_UP_MS = 10_000

export interface ClerkConnectionHost {
  /** Clerk is there but not loaded yet. */
  whileLoading(): void
  /** No usable Clerk: none after 10 s, not loaded after 10 s, or its load failed. Once per failure. */
  unusable(): void
  /** Clerk is loaded (again, when `recovered`): sign-in, sign-out, user switch or a new token. */
  onReady(clerk: ClerkPort, recovered: boolean): void
}

/** Where to find Clerk, read from the host's properties when it connects. */
export interface ClerkSource {
  clerk: ClerkPort | null
  publishableKey: string | null
  proxyUrl: string | null
  clerkJsUrl: string | null
}

export class ClerkConnection {
  /** The Clerk in use, once found. */
  clerk: ClerkPort | undefined
  /** The Clerk the page gave (the host's `clerk` property), tried first when the connection opens. */
  given: ClerkPort | null = null
  /** True while the `clerk` error shows: no usable Clerk yet. */
  #failed = false
  #host: ClerkConnectionHost
  /** Stops following the Clerk in use, or stops waiting for `window.Clerk`. */
  #unsubscribe: (() => void) | undefined
  #giveUp: ReturnType<typeof setTimeout> | undefined
  /** Bumped on close: a load started before is dropped. */
  #opened = 0

  constructor(host: ClerkConnectionHost) {
    this.#host = host
  }

  openPort({ clerk, publishableKey, proxyUrl, clerkJsUrl }: ClerkSource): void {
    const opened = this.#opened
    const found = clerk ?? globalClerk()
    this.#giveUp = setTimeout(
      () => this.safely(() => this.clerk?.loaded || this.#unusable()),
      GIVE_UP_MS,
    )
    if (found) return this.#use(found)
    if (!publishableKey) return this.#wait()
    loadClerk(publishableKey, proxyUrl, clerkJsUrl).then(
      (loaded) => {
        if (opened === this.#opened && !this.clerk)
          if (loaded) this.#use(loaded)
          else this.#wait()
      },
      () => {
        if (opened !== this.#opened) return
        this.#unusable(LOAD_FAILED)
        this.#wait()
      },
    )
  }

  /** Lets go of the Clerk in use (or of waiting for one). */
  closePort(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = this.clerk = undefined
    clearTimeout(this.#giveUp)
    this.#failed = false
    this.#opened++
  }

  #wait() {
    this.#unsubscribe = whenClerkAppears((clerk) => this.#use(clerk))
  }

  /**
   * Follows `clerk` once it has proved usable (see `clerkProblem`): nothing is registered with an
   * object that cannot serve, and a listener of ours that finds it broken later unsubscribes, so
   * the page's own listeners keep being called.
   */
  #use(clerk: ClerkPort) {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    const problem = clerkProblem(clerk)
    if (problem) return this.#unusable(problem)
    this.clerk = clerk
    this.safely(() => {
      this.#unsubscribe = () => {
        try {
          clerk.off?.('status', this.onClerkChange)
          off()
        } catch {
          // Nothing more can be let go of.
        }
      }
      const off = clerk.addListener(this.onClerkChange)
      clerk.on?.('status', this.onClerkChange)
      this.#follow()
    })
  }

  /**
   * Runs `work` with the Clerk in use; if it throws (a Clerk that breaks after proving usable), lets
   * go of that Clerk and reports it, so nothing throws out of a timer, a listener or a click of ours.
   */
  safely(work: () => unknown): void {
    try {
      work()
    } catch (error) {
      this.#unsubscribe?.()
      this.#unsubscribe = this.clerk = undefined
      this.#unusable(`it threw (${String(error)}).` + PASS)
    }
  }

  /** Clerk's listener: never throws into ClerkJS, whose later listeners would then be skipped. */
  onClerkChange = (): void => this.safely(this.#follow)

  /** Follows Clerk: loading, sign-in, sign-out, user switch, token refresh. */
  #follow = () => {
    const clerk = this.clerk
    if (!clerk) return
    if (!clerk.loaded) {
      if (clerk.status === 'error') this.#unusable()
      else if (!this.#failed) this.#host.whileLoading()
      return
    }
    const recovered = this.#failed
    this.#failed = false
    clearTimeout(this.#giveUp)
    this.#host.onReady(clerk, recovered)
  }

  /** A message for the user (through the host) and one console warning per page for the developer. */
  #unusable(
    problem = !this.clerk
      ? 'none found in 10 s' + NO_CLERK
      : this.clerk.status === 'error'
        ? LOAD_FAILED
        : 'nothing called Clerk.load() in 10 s' + NO_CLERK,
  ) {
    if (this.#failed) return
    this.#failed = true
    warnOnce('clerk', `no usable Clerk: ${problem}`)
    this.#host.unusable()
  }
}
