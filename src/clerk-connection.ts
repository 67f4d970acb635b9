/**
 * The element's Clerk connection, one lifecycle: find Clerk (the `clerk` property, else
 * `window.Clerk` now or once it appears, else a load from `publishable-key`), follow its events,
 * give up after 10 s without a usable Clerk, and recover if one comes. It never renders: it calls
 * back into the host.
 */
import { globalClerk, loadClerk } from './clerk-port.ts'
import type { ClerkPort } from './clerk-port.ts'
import { whenClerkAppears } from './clerk-watch.ts'
import { warnOnce } from './warn.ts'

/** How long a connection waits for a usable Clerk before it reports one missing, ms. */
export const GIVE_UP_MS = 10_000

export interface ClerkConnectionHost {
  /** Clerk is there but not loaded yet. */
  loading(): void
  /** No usable Clerk: none after 10 s, not loaded after 10 s, or its load failed. Once per failure. */
  unusable(): void
  /** Clerk is loaded (again, when `recovered`): sign-in, sign-out, user switch or a new token. */
  ready(clerk: ClerkPort, recovered: boolean): void
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
  /** True while the `clerk` error shows: no usable Clerk yet. */
  failed = false
  #host: ClerkConnectionHost
  /** Stops following the Clerk in use, or stops waiting for `window.Clerk`. */
  #unsubscribe: (() => void) | undefined
  #giveUp: ReturnType<typeof setTimeout> | undefined
  /** Bumped on close: a load started before is dropped. */
  #opened = 0

  constructor(host: ClerkConnectionHost) {
    this.#host = host
  }

  open({ clerk, publishableKey, proxyUrl, clerkJsUrl }: ClerkSource): void {
    const opened = this.#opened
    const found = clerk ?? globalClerk()
    this.#giveUp = setTimeout(() => this.clerk?.loaded || this.#unusable(), GIVE_UP_MS)
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
        this.#unusable('its load failed')
        this.#wait()
      },
    )
  }

  /** Lets go of the Clerk in use (or of waiting for one). */
  close(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = this.clerk = undefined
    clearTimeout(this.#giveUp)
    this.failed = false
    this.#opened++
  }

  #wait() {
    this.#unsubscribe = whenClerkAppears((clerk) => this.#use(clerk))
  }

  #use(clerk: ClerkPort) {
    this.#unsubscribe?.()
    this.clerk = clerk
    const off = clerk.addListener(this.changed)
    clerk.on?.('status', this.changed)
    this.#unsubscribe = () => {
      off()
      clerk.off?.('status', this.changed)
    }
    this.changed()
  }

  /** Follows Clerk: loading, sign-in, sign-out, user switch, token refresh. */
  changed = (): void => {
    const clerk = this.clerk
    if (!clerk) return
    if (!clerk.loaded) {
      if (clerk.status === 'error') this.#unusable()
      else if (!this.failed) this.#host.loading()
      return
    }
    const recovered = this.failed
    this.failed = false
    clearTimeout(this.#giveUp)
    this.#host.ready(clerk, recovered)
  }

  /** A message for the user (through the host) and one console warning per page for the developer. */
  #unusable(
    reason = !this.clerk
      ? 'none found in 10 s'
      : this.clerk.status === 'error'
        ? 'its load failed'
        : 'nothing called Clerk.load() in 10 s',
  ) {
    if (this.failed) return
    this.failed = true
    warnOnce(
      'clerk',
      `no usable Clerk: ${reason}.` +
        ' Set the `clerk` property, add `publishable-key`, or call `Clerk.load()`.',
    )
    this.#host.unusable()
  }
}
