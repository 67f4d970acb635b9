import { checkBirthday, isIsoDate, localToday, MIN_BIRTHDAY } from './birthday.ts'
import type { BirthdayProblem } from './birthday.ts'
import { styles } from './birthday-editor.styles.ts'
import { clerkProblem, globalClerk, loadClerk, PASS } from './clerk-port.ts'
import type { ClerkPort, ClerkSession } from './clerk-port.ts'
import { whenClerkAppears } from './clerk-watch.ts'
import { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent, changeEvent } from './events.ts'
import type { BirthdayEditorErrorCode } from './events.ts'
import { readStoredBirthday } from './save.ts'
import type { SaveFailure, TokenSource } from './save.ts'
import { saveAndVerify } from './save-and-verify.ts'
import { claimAt, decodeClaims } from './token.ts'
import type { Claims } from './token.ts'
import { warnOnce } from './warn.ts'

/** What the element is doing; also exposed as the custom state of the same name. */
export type BirthdayEditorStatus =
  'loading' | 'signed-out' | 'idle' | 'saving' | 'refreshing' | 'saved' | 'error'

/** What `save()` resolves with: the event that ended the save, or `null` when nothing was sent. */
export type BirthdayEditorSaveResult = BirthdayEditorSavedEvent | BirthdayEditorErrorEvent | null

/**
 * Every user-visible string, in English. `{name}` marks a value filled in when shown. Error messages
 * are keyed by their error code, validation messages by the problem.
 */
export const defaultStrings = {
  label: 'Birthday',
  save: 'Save',
  remove: 'Remove',
  current: 'Saved: {date}',
  none: 'None saved.',
  unchanged: 'Pick a new date to save.',
  signedOut: 'Sign in to set your birthday.',
  loading: 'Loading…',
  saving: 'Saving…',
  refreshing: 'Syncing…',
  saved: 'Saved.',
  willSync: 'Saved. It will sync soon.',
  'claim-stale': 'Saved.',
  format: 'Enter a real date.',
  required: 'Enter a date.',
  min: 'Enter {min} or later.',
  max: 'Enter {max} or earlier.',
  invalid: 'The server refused this date.',
  unauthenticated: 'Please sign in again.',
  config: 'Saving is not set up here.',
  'rate-limited': 'Too many changes. Retrying in {seconds} s.',
  busy: 'Still saving your previous change. Try again in a moment.',
  server: 'Server error. Try again.',
  timeout: 'No answer from the server. Try again.',
  network: 'Could not reach the server. Try again.',
  offline: 'Offline. It will save once online.',
  clerk: 'Sign-in is not available right now. Reload the page to try again.',
}

export type BirthdayEditorStrings = typeof defaultStrings
type Text = keyof BirthdayEditorStrings

/**
 * Primitive properties, each backed by its attribute (the source of truth): property name → how the
 * attribute reads. A getter never throws; invalid input gives the default.
 */
const date = (fallback: () => string) => (value: string | null) =>
  isIsoDate(value) ? value : fallback()
const flag = (value: string | null) => value !== null
const text = (fallback: string | null) => (value: string | null) => value || fallback
export const PRIMITIVES: Record<string, (value: string | null) => unknown> = {
  value: date(() => ''),
  min: date(() => MIN_BIRTHDAY),
  max: date(localToday),
  required: flag,
  disabled: flag,
  readOnly: flag,
  endpoint: text('/api/update-user-metadata'),
  claim: text('birthday'),
  refresh: (value) => (value === 'user' ? value : 'token'),
  timeout: (value) => (Number(value) > 0 ? Number(value) : 10_000),
  publishableKey: text(null),
  proxyUrl: text(null),
  clerkJsUrl: text(null),
}
const attributeOf = (property: string) =>
  property === 'readOnly' ? 'readonly' : property.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())

/** The fix for no Clerk, or one that never loads. */
const NO_CLERK = '. Set the `clerk` property, add `publishable-key`, or call `Clerk.load()`.'

/** Date formatters by language (key `undefined`: the browser's). */
const FORMATS: Record<string, Intl.DateTimeFormat> = {}

// So that the module imports without a DOM (server-side rendering, Node tools).
const Base = (globalThis.HTMLElement ?? Object) as typeof HTMLElement
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, part?: string) => {
  const node = document.createElement(tag)
  if (part) node.setAttribute('part', part)
  return node
}

/**
 * `<birthday-editor>`: edits the signed-in Clerk user's birthday, reads it from the session token and
 * proves that a fresh token carries the saved value.
 *
 * @tagname birthday-editor
 *
 * @attr {string} value - The birthday in the field, ISO `YYYY-MM-DD` (absent for none). The element sets it too: from the session token's claim while the field is untouched, and when the user commits a valid date.
 * @attr {string} min - Earliest accepted date, ISO. Default `1900-01-01`.
 * @attr {string} max - Latest accepted date, ISO. Default: today on the user's calendar.
 * @attr {boolean} required - An empty birthday is invalid and the remove button is disabled.
 * @attr {boolean} disabled - Nothing can be edited or saved.
 * @attr {boolean} readonly - The field can be read but not changed; nothing can be saved.
 * @attr {string} endpoint - Where saves are POSTed. Default `/api/update-user-metadata`.
 * @attr {string} claim - The session-token claim (name or dot path) holding the birthday. Default `birthday`.
 * @attr {'token'|'user'} refresh - How to refresh after a save: `token` (default) calls `session.getToken({ skipCache: true })`; `user` calls `user.reload()`, then `session.getToken()`.
 * @attr {number} timeout - Save request timeout in milliseconds. Default `10000`.
 * @attr {string} publishable-key - Clerk publishable key. With it, no `clerk` property, no `window.Clerk` and no Clerk script tag on the page, the element loads Clerk's browser bundle by script tag and calls `load()` on the instance it created; one load per page.
 * @attr {string} proxy-url - Clerk proxy URL: the script is loaded from it and gets it as `data-clerk-proxy-url`.
 * @attr {string} clerk-js-url - Exact URL of Clerk's browser bundle, instead of `<proxy-url or https://<frontend API>>/npm/@clerk/clerk-js@6/dist/clerk.browser.js`.
 * @attr {string} lang - Locale for the displayed date (else the nearest ancestor's `lang`).
 *
 * @prop {string} value - Reflects the `value` attribute; `''` when the attribute is not a real date.
 * @prop {string} min - Reflects `min`; the default when invalid.
 * @prop {string} max - Reflects `max`; the default when invalid.
 * @prop {boolean} required - Reflects `required`.
 * @prop {boolean} disabled - Reflects `disabled`.
 * @prop {boolean} readOnly - Reflects `readonly`.
 * @prop {string} endpoint - Reflects `endpoint`.
 * @prop {string} claim - Reflects `claim`.
 * @prop {'token'|'user'} refresh - Reflects `refresh`; `token` when invalid.
 * @prop {number} timeout - Reflects `timeout`; `10000` when not a positive number.
 * @prop {string|null} publishableKey - Reflects `publishable-key`.
 * @prop {string|null} proxyUrl - Reflects `proxy-url`.
 * @prop {string|null} clerkJsUrl - Reflects `clerk-js-url`.
 * @prop {ClerkPort|null} clerk - The Clerk instance to use, loaded or still loading (the page loads it); not reflected. Without it: `window.Clerk` (also one that appears later), then `publishable-key`. Reading it gives the instance in use.
 * @prop {Partial<BirthdayEditorStrings>} strings - Overrides for any user-visible text (English defaults in `defaultStrings`); reading it gives the merged set.
 * @prop {BirthdayEditorStatus} status - Read-only: `loading`, `signed-out`, `idle`, `saving`, `refreshing`, `saved` or `error`.
 *
 * @method save - Commits the field (or a `value` just set from code) and saves it if it is valid and changed. Resolves when the save and its token check are done, with the event that ended it (`BirthdayEditorSavedEvent` or `BirthdayEditorErrorEvent`), or `null` when nothing was sent; never rejects.
 *
 * @fires {Event} change - The user committed a new valid date (not fired when code sets `value`).
 * @fires {BirthdayEditorSavedEvent} birthday-editor-saved - A save succeeded: `birthday`, `verified` (a fresh token carries it), `iat` of the fresh token.
 * @fires {BirthdayEditorErrorEvent} birthday-editor-error - `{ code, message }`. Codes: `invalid`, `unauthenticated`, `config`, `rate-limited`, `busy`, `server`, `timeout`, `network`, `offline` (a save failed), `clerk` (no usable Clerk within 10 s: none, never loaded, or its load failed; at once for an object that cannot serve as Clerk: a Proxy such as Vue's `ref()`, a foreign object, one that throws; the element recovers when one becomes usable), `claim-stale` (for developers: saved, but fresh tokens lack the value; the user reads a plain "Saved.").
 *
 * @slot signed-out - Shown instead of the form when nobody is signed in. Default: a short message.
 *
 * @csspart form - The form holding label, current value, field, buttons and message (`aria-busy` while loading, saving, refreshing).
 * @csspart label - The field's visible label.
 * @csspart current-value - The saved birthday, formatted with `Intl` in the element's language.
 * @csspart input - The native date input (`aria-invalid`, described by the message).
 * @csspart save-button - The submit button.
 * @csspart remove-button - The button that removes the birthday (saves `null`).
 * @csspart message - The polite live region for status, validation and errors.
 *
 * @cssprop [--birthday-editor-gap=0.5rem] - Space between the parts.
 * @cssprop [--birthday-editor-error=light-dark(#b3261e, #f2b8b5)] - Colour of error and validation messages.
 *
 * @cssstate loading - Waiting for Clerk (at most 10 s, then `error` with code `clerk`).
 * @cssstate signed-out - Nobody is signed in; the slot shows instead of the form.
 * @cssstate idle - Ready to edit.
 * @cssstate saving - The save request is in flight.
 * @cssstate refreshing - Saved; refreshing and checking the session token (at most 5 s).
 * @cssstate saved - The last save succeeded (the message says whether the token is in sync).
 * @cssstate error - The last save (or loading Clerk) failed; the message says why. After `offline`/`network` it retries on `online`, after `rate-limited` once `Retry-After` has passed; after `clerk` when Clerk becomes usable.
 * @cssstate invalid - The field holds a date that cannot be saved.
 */
export class BirthdayEditorElement extends Base {
  static observedAttributes = [...Object.keys(PRIMITIVES).map(attributeOf), 'lang']

  static {
    for (const [property, read] of Object.entries(PRIMITIVES)) {
      const name = attributeOf(property)
      Object.defineProperty(this.prototype, property, {
        get(this: HTMLElement) {
          return read(this.getAttribute(name))
        },
        set(this: HTMLElement, value: unknown) {
          if (value || value === 0) this.setAttribute(name, value === true ? '' : String(value))
          else this.removeAttribute(name)
        },
      })
    }
  }

  declare value: string
  declare min: string
  declare max: string
  declare required: boolean
  declare disabled: boolean
  declare readOnly: boolean
  declare endpoint: string
  declare claim: string
  declare refresh: 'token' | 'user'
  declare timeout: number
  declare publishableKey: string | null
  declare proxyUrl: string | null
  declare clerkJsUrl: string | null

  #internals: ElementInternals | undefined
  #connection: AbortController | null = null
  #status: BirthdayEditorStatus = 'loading'
  /** The Clerk in use, and the one set through the property. */
  #clerk: ClerkPort | undefined
  #clerkProperty: ClerkPort | null = null
  /** Stops following the Clerk in use, or stops waiting for `window.Clerk`. */
  #unsubscribe: (() => void) | undefined
  /** Gives up on Clerk 10 s after connecting unless it is usable by then. */
  #giveUp: ReturnType<typeof setTimeout> | undefined
  /** True while the `clerk` error shows: no usable Clerk yet. */
  #clerkFailed = false
  #channel: BroadcastChannel | undefined
  #strings: Partial<BirthdayEditorStrings> = {}
  /** The saved birthday (`undefined` while unknown), the claim last read from a token, whose it is. */
  #saved: string | null | undefined
  #tokenClaim: string | null | undefined
  #subject: unknown
  /** The template lacks the claim: the stored value was asked for (once per user), and not read. */
  #storedAsked = false
  #storedUnread = false
  /** Shown instead of `#saved` while a save is in flight (optimistic display). */
  #optimistic: string | null = null
  /** The message of the current status. */
  #message = ''
  #problem: BirthdayProblem | 'required' | null = null
  /** The `value` last written into the input: the input is only overwritten when `value` changes. */
  #shown: string | undefined
  /** A birthday waiting for `online` or for `Retry-After`. */
  #queued: string | null | undefined
  /** A saved value seen while a save ran (a token's claim, another tab's save): applied if it fails. */
  #missed: string | null | undefined
  /** Bumped on disconnect, sign-out and user switch: work started before is dropped. */
  #generation = 0
  /** Aborts the save in flight when it is dropped, so no request of it outlives it. */
  #saveAbort: AbortController | undefined
  #renderQueued = false
  #form = el('form', 'form')
  #label = el('label', 'label')
  #current = el('p', 'current-value')
  #input = el('input', 'input')
  #saveButton = el('button', 'save-button')
  #removeButton = el('button', 'remove-button')
  #slot = el('slot')
  #messageNode = el('p', 'message')

  constructor() {
    super()
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open', delegatesFocus: true })
    const { id } = Object.assign(this.#messageNode, { id: 'message', tabIndex: -1 })
    root.adoptedStyleSheets = [styles()]
    Object.assign(this.#input, { type: 'date', id: 'input' })
    this.#label.htmlFor = 'input'
    this.#slot.name = 'signed-out'
    this.#removeButton.type = 'button'
    this.#form.noValidate = true
    this.#messageNode.setAttribute('role', 'status')
    this.#input.setAttribute('aria-describedby', id)
    this.#saveButton.setAttribute('aria-describedby', id)
    this.#form.append(
      this.#label,
      this.#current,
      this.#input,
      this.#saveButton,
      this.#removeButton,
      this.#messageNode,
    )
    root.replaceChildren(this.#form, this.#slot)
    // Browsers without ElementInternals (and happy-dom) still get status, ARIA and events.
    this.#internals = this.attachInternals?.()
  }

  get clerk(): ClerkPort | null {
    return this.#clerk ?? this.#clerkProperty
  }
  set clerk(value: ClerkPort | null) {
    this.#clerkProperty = value
    if (this.#connection) {
      this.#detach()
      this.#attach()
    }
  }
  get strings(): BirthdayEditorStrings {
    return { ...defaultStrings, ...this.#strings }
  }
  set strings(value: Partial<BirthdayEditorStrings> | null) {
    this.#strings = { ...value }
    this.#scheduleRender()
  }
  get status(): BirthdayEditorStatus {
    return this.#status
  }

  connectedCallback(): void {
    const connection = (this.#connection = new AbortController())
    const options = { signal: connection.signal }
    this.#replayPreUpgradeProperties()
    this.#form.addEventListener('submit', this.#handleSubmit, options)
    this.#input.addEventListener('input', this.#handleInput, options)
    this.#input.addEventListener('change', this.#commit, options)
    this.#removeButton.addEventListener('click', this.#handleRemove, options)
    window.addEventListener('online', this.#handleOnline, options)
    const channel = (this.#channel = new BroadcastChannel('birthday-editor'))
    channel.onmessage = this.#handleMessage
    connection.signal.addEventListener('abort', () => channel.close())
    this.#attach()
    this.#scheduleRender()
  }

  disconnectedCallback(): void {
    this.#connection?.abort()
    this.#connection = null
    this.#detach()
  }

  /**
   * A property set on the element before its class was defined is an own property that hides the
   * class's accessor: delete it and set it again through the accessor (as Lit's
   * `__saveInstanceProperties` does).
   */
  #replayPreUpgradeProperties() {
    const self = this as unknown as Record<string, unknown>
    for (const key of [...Object.keys(PRIMITIVES), 'clerk', 'strings']) {
      if (Object.hasOwn(this, key)) {
        const value = self[key]
        delete self[key]
        self[key] = value
      }
    }
  }

  /** Lets go of the Clerk in use (or of waiting for one), and of any work started with it. */
  #detach() {
    this.#unsubscribe?.()
    this.#unsubscribe = this.#clerk = undefined
    clearTimeout(this.#giveUp)
    this.#clerkFailed = false
    this.#status = 'loading'
    this.#generation++
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return
    if (this.#connection) {
      if (name === 'claim' && this.#clerk) this.#sync()
      if (name === 'publishable-key' && !this.#clerk) {
        this.#detach()
        this.#attach()
      }
    }
    this.#scheduleRender()
  }

  /**
   * Commits and saves the field (or the `value` set just before) when it is valid and changed.
   * Resolves with the event that ended the save (`birthday-editor-saved` or
   * `birthday-editor-error`), or `null` when nothing was sent: the field is invalid (its message
   * says why) or unchanged, a save is running, nobody is signed in, or the element is disabled,
   * read-only or not connected. Never rejects.
   */
  save(): Promise<BirthdayEditorSaveResult> {
    // A `value` set in this tick has not reached the field yet: bring it there before committing.
    if (this.value !== this.#shown) this.#render()
    return this.#commit() ? this.#save(this.value || null) : Promise.resolve(null)
  }

  /** A string, with `{name}` filled from `values` (any object: the element itself fills `{claim}`). */
  #text(key: Text, values: object = {}) {
    return (this.#strings[key] ?? defaultStrings[key]).replace(
      /\{(\w+)\}/g,
      (match, name: string) => `${(values as Record<string, unknown>)[name] ?? match}`,
    )
  }

  /**
   * An ISO date in words, in the element's language; read as UTC so no time zone shifts it. The
   * formatter is kept per language: making one takes about a millisecond, and every render shows a
   * date.
   */
  #format(iso: string) {
    try {
      const lang = this.closest<HTMLElement>('[lang]')?.lang ?? ''
      return (FORMATS[lang] ??= new Intl.DateTimeFormat(lang || undefined, {
        dateStyle: 'long',
        timeZone: 'UTC',
      })).format(new Date(iso))
    } catch {
      return iso
    }
  }

  /**
   * The birthday in a token's claims: the date, `null` (none, or not a date), or `undefined` when a
   * session token (one with `sub`) lacks the claim altogether: the template does not have it (a
   * template that has it renders a missing value as `null`).
   */
  #claimIn(claims: Claims | null): string | null | undefined {
    const value = claimAt(claims, this.claim)
    return claims?.sub !== undefined && value === undefined
      ? undefined
      : isIsoDate(value)
        ? value
        : null
  }

  get #busy() {
    return this.#status === 'saving' || this.#status === 'refreshing'
  }

  #setStatus(status: BirthdayEditorStatus, message: string) {
    this.#status = status
    this.#message = message
    this.#scheduleRender()
  }

  #fail(code: BirthdayEditorErrorCode, values?: object, focus?: boolean) {
    this.#setStatus('error', this.#text(code, values))
    const event = new BirthdayEditorErrorEvent(code, this.#message)
    this.dispatchEvent(event)
    // After the render queued above: the message is up to date when it takes focus.
    if (focus) queueMicrotask(() => this.#messageNode.focus())
    return event
  }

  /**
   * Finds Clerk: the `clerk` property, else `window.Clerk` (now, or once it appears), else a load
   * from `publishable-key`. Gives up after 10 s without a usable Clerk, and recovers if one comes.
   */
  #attach() {
    const generation = this.#generation
    const key = this.publishableKey
    const clerk = this.#clerkProperty ?? globalClerk()
    this.#giveUp = setTimeout(
      () => this.#safely(() => this.#clerk?.loaded || this.#clerkUnusable()),
      10_000,
    )
    if (clerk) return this.#use(clerk)
    if (!key) return this.#waitForClerk()
    loadClerk(key, this.proxyUrl, this.clerkJsUrl).then(
      (loaded) => {
        if (generation === this.#generation && !this.#clerk)
          if (loaded) this.#use(loaded)
          else this.#waitForClerk()
      },
      () => {
        if (generation !== this.#generation) return
        this.#clerkUnusable('its load failed' + NO_CLERK)
        this.#waitForClerk()
      },
    )
  }

  #waitForClerk() {
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
    if (problem) return this.#clerkUnusable(problem)
    this.#clerk = clerk
    this.#safely(() => {
      this.#unsubscribe = () => {
        try {
          clerk.off?.('status', this.#sync)
          off()
        } catch {
          // Nothing more can be let go of.
        }
      }
      const off = clerk.addListener(this.#sync)
      clerk.on?.('status', this.#sync)
      this.#follow()
    })
  }

  /**
   * Runs `work` with the Clerk in use; if it throws (a Clerk that breaks after proving usable), lets
   * go of that Clerk and reports it, so nothing throws out of a timer or a listener of ours.
   */
  #safely(work: () => unknown) {
    try {
      work()
    } catch (error) {
      this.#unsubscribe?.()
      this.#unsubscribe = this.#clerk = undefined
      this.#clerkUnusable(`it threw (${String(error)}).` + PASS)
    }
  }

  /**
   * No usable Clerk (none after 10 s, not loaded after 10 s, or its load failed): a message for the
   * user, the `clerk` error event, and one console warning per page for the developer.
   */
  #clerkUnusable(
    problem = (!this.#clerk
      ? 'none found in 10 s'
      : this.#clerk.status === 'error'
        ? 'its load failed'
        : 'nothing called Clerk.load() in 10 s') + NO_CLERK,
  ) {
    if (this.#clerkFailed) return
    this.#clerkFailed = true
    warnOnce('clerk', `no usable Clerk: ${problem}`)
    this.#fail('clerk')
  }

  /** Clerk's listener: never throws into ClerkJS, whose later listeners would then be skipped. */
  #sync = () => this.#safely(this.#follow)

  /** Follows Clerk: loading, sign-in, sign-out, user switch, token refresh. */
  #follow = () => {
    const clerk = this.#clerk
    if (!clerk) return
    if (!clerk.loaded) {
      if (clerk.status === 'error') this.#clerkUnusable()
      else if (!this.#clerkFailed) this.#setStatus('loading', this.#text('loading'))
      return
    }
    const recovered = this.#clerkFailed
    this.#clerkFailed = false
    clearTimeout(this.#giveUp)
    const session = clerk.session
    if (!session) {
      if (this.#status !== 'signed-out') {
        this.#forget()
        this.#setStatus('signed-out', '')
      }
      return
    }
    const claims = decodeClaims(session.lastActiveToken?.getRawString())
    if (claims?.sub !== this.#subject) {
      this.#forget()
      this.#subject = claims?.sub
    }
    const claim = this.#claimIn(claims)
    if (claim === undefined) {
      if (!this.#storedAsked) void this.#readStored(session)
    } else if (claim !== this.#tokenClaim || this.#saved === undefined) {
      // Adopt a claim only when it changed, and not mid-save: a token lagging a save must not undo it.
      this.#tokenClaim = claim
      if (this.#busy) this.#missed = claim
      else this.#adopt(claim)
    }
    if (recovered || this.#status === 'loading' || this.#status === 'signed-out')
      this.#setStatus('idle', '')
    else this.#scheduleRender()
  }

  /**
   * The session token template lacks the claim: read the stored value once from the endpoint's
   * `GET`, and tell the developer (once per page). If it cannot be read, the current value shows
   * nothing rather than a wrong "None saved.".
   */
  async #readStored(session: ClerkSession) {
    const signal = this.#connection?.signal
    if (!signal) return
    this.#storedAsked = true
    const { claim, endpoint } = this
    warnOnce(
      'claim',
      `session tokens lack "${claim}": add "${claim}": "{{user.public_metadata.birthday}}" to the` +
        ` session token template. Until then it is read from GET ${endpoint}.`,
    )
    const generation = this.#generation
    const stored = await readStoredBirthday({
      url: endpoint,
      token: this.#tokenOf(session),
      timeout: this.timeout,
      signal,
    })
    if (generation !== this.#generation || this.#saved !== undefined) return
    this.#storedUnread = stored === undefined
    this.#adopt(stored ?? null)
    this.#scheduleRender()
  }

  /** Drops everything about the previous user; a save in flight for them is abandoned. */
  #forget() {
    this.#generation++
    this.#saveAbort?.abort()
    this.#saved = this.#tokenClaim = this.#queued = this.#missed = this.#subject = undefined
    this.#problem = null
    this.#storedAsked = this.#storedUnread = false
    this.value = ''
    if (this.#busy) this.#status = 'idle'
  }

  /**
   * A new saved value; the field follows unless the user has changed it, and then a retry waiting
   * for the old field value is dropped.
   */
  #adopt(birthday: string | null) {
    const old = this.#saved
    this.#saved = birthday
    if (old === undefined || (this.value || null) === old) {
      this.value = birthday ?? ''
      this.#queued = undefined
    }
  }

  #check(value = this.#input.value): BirthdayProblem | 'required' | null {
    if (!value) return this.#input.validity.badInput ? 'format' : this.required ? 'required' : null
    return checkBirthday(value, { min: this.min, max: this.max })
  }

  /** Takes the field's value as `value` if valid; `change` when it is new. Handles `change` too. */
  #commit = () => {
    const value = this.#input.value
    this.#problem = this.#check(value)
    if (!this.#problem && value !== this.value) {
      this.value = this.#shown = value
      this.dispatchEvent(changeEvent())
    }
    this.#scheduleRender()
    return !this.#problem
  }

  #handleInput = () => {
    if (this.#problem) this.#problem = this.#check()
    this.#queued = undefined
    if (this.#status === 'saved' || this.#status === 'error') this.#setStatus('idle', '')
    this.#scheduleRender()
  }

  #handleSubmit = (event: Event) => {
    event.preventDefault()
    if (this.#commit()) void this.#save(this.value || null, true)
    else this.#input.focus()
  }

  /** Remove empties the field too: the user chose "no birthday" over whatever it held. */
  #handleRemove = () => {
    if (!this.#canSave()) return
    this.value = ''
    void this.#save(null, true)
  }

  #handleOnline = () => {
    // A birthday is queued only by a failed save, and any edit drops it.
    if (this.#queued !== undefined) void this.#save(this.#queued)
  }

  /** Another editor of this origin saved: show it, and get a fresh token if ours lags. */
  #handleMessage = (event: MessageEvent<{ subject?: unknown; birthday?: unknown } | null>) =>
    this.#safely(() => this.#receive(event))

  #receive({ data }: MessageEvent<{ subject?: unknown; birthday?: unknown } | null>) {
    const birthday = data?.birthday
    const session = this.#clerk?.session
    if (!session || data?.subject !== this.#subject) return
    if (birthday !== null && !isIsoDate(birthday)) return
    if (this.#busy) return void (this.#missed = birthday)
    this.#adopt(birthday)
    this.#storedUnread = false
    const claim = this.#claimIn(decodeClaims(session.lastActiveToken?.getRawString()))
    if (claim !== undefined && claim !== birthday) {
      session.getToken({ skipCache: true }).catch(() => {})
    }
    this.#scheduleRender()
  }

  /**
   * The token to send: the one ClerkJS holds while it has over 10 s left, without a call into
   * ClerkJS (which takes milliseconds even from its cache); else, or when fresh, ClerkJS's.
   */
  #tokenOf(session: ClerkSession): TokenSource {
    return (fresh) => {
      const held = session.lastActiveToken?.getRawString()
      return !fresh && Number(decodeClaims(held)?.exp) > Date.now() / 1e3 + 10
        ? held
        : session.getToken({ skipCache: fresh })
    }
  }

  /** The session to save with, when saving is possible now. */
  #canSave(): ClerkSession | null {
    let session: ClerkSession | null | undefined
    // From a click or `save()`: a Clerk that throws here is let go of, not thrown at the page.
    this.#safely(() => (session = this.#clerk?.session))
    return session && this.#connection && !this.#busy && !this.disabled && !this.readOnly
      ? session
      : null
  }

  async #save(birthday: string | null, focus?: boolean): Promise<BirthdayEditorSaveResult> {
    const session = this.#canSave()
    const connection = this.#connection?.signal
    const generation = this.#generation
    if (!session || !connection || birthday === this.#saved) return null
    this.#saveAbort = new AbortController()
    const signal = AbortSignal.any([connection, this.#saveAbort.signal])
    this.#queued = this.#missed = undefined
    this.#optimistic = birthday
    this.#setStatus('saving', this.#text('saving'))
    const outcome = await saveAndVerify({
      url: this.endpoint,
      birthday,
      session,
      user: this.#clerk?.user,
      refresh: this.refresh,
      timeout: this.timeout,
      signal,
      token: this.#tokenOf(session),
      claimOf: (claims) => this.#claimIn(claims),
      onStored: () => {
        if (generation !== this.#generation) return
        // Not `#adopt`: the field already holds this value unless the user typed since, and then
        // what they typed stays, even if it equals the value saved before.
        this.#saved = birthday
        this.#storedUnread = false
        this.#setStatus('refreshing', this.#text('refreshing'))
      },
    })
    if (generation !== this.#generation) return null
    if (!outcome.ok) {
      const failed = this.#failed(outcome.failure, birthday, signal, focus)
      if (this.#missed !== undefined) this.#adopt(this.#missed)
      return failed
    }
    const { check, iat } = outcome
    this.#setStatus(
      'saved',
      this.#text(check === 'verified' ? 'saved' : check === 'stale' ? 'claim-stale' : 'willSync'),
    )
    const saved = new BirthdayEditorSavedEvent(birthday, check === 'verified', iat)
    this.dispatchEvent(saved)
    if (check === 'stale')
      this.dispatchEvent(new BirthdayEditorErrorEvent('claim-stale', this.#message))
    this.#channel?.postMessage({ subject: this.#subject, birthday })
    return saved
  }

  /**
   * A failed save: keep the birthday for a retry when one can help (unless the user has changed the
   * field since: their newer value wins), and report.
   */
  #failed(failure: SaveFailure, birthday: string | null, signal: AbortSignal, focus?: boolean) {
    const { code, seconds } = failure
    const retry = code === 'offline' || code === 'network' || !!seconds
    if (retry && (this.value || null) === birthday) this.#queued = birthday
    if (seconds && this.#queued === birthday) {
      const timer = setTimeout(() => {
        if (this.#queued === birthday) void this.#save(birthday)
      }, seconds * 1000)
      signal.addEventListener('abort', () => clearTimeout(timer))
    }
    return this.#fail(code, failure, focus)
  }

  #scheduleRender() {
    if (this.#renderQueued) return
    this.#renderQueued = true
    queueMicrotask(() => this.#render())
  }

  /** The only code that writes to the shadow DOM. */
  #render() {
    this.#renderQueued = false
    if (!this.#connection) return
    const status = this.#status
    const input = this.#input
    const value = this.value
    if (value !== this.#shown) {
      input.value = this.#shown = value
      this.#problem = null
    }
    const saved = this.#saved ?? null
    const shown = status === 'saving' ? this.#optimistic : this.#saved
    const busy = status === 'loading' || this.#busy
    // Nothing to edit without a known saved value: loading, or no usable Clerk.
    const off = this.disabled || this.#saved === undefined
    const locked = off || this.readOnly || busy
    const problem = this.#problem
    const unchanged = (input.value || null) === saved
    this.#form.hidden = status === 'signed-out'
    this.#slot.hidden = !this.#form.hidden
    this.#form.setAttribute('aria-busy', String(busy))
    this.#slot.textContent = this.#text('signedOut')
    this.#label.textContent = this.#text('label')
    this.#saveButton.textContent = this.#text('save')
    this.#removeButton.textContent = this.#text('remove')
    this.#current.textContent =
      shown === undefined || (this.#storedUnread && status !== 'saving')
        ? ''
        : shown
          ? this.#text('current', { date: this.#format(shown) })
          : this.#text('none')
    // Only when changed (both are ISO dates): assigning `min` or `max`, even the same value, resets
    // a date field that is being typed into (Chromium), so keyboard entry came out garbled.
    if (input.min + input.max !== this.min + this.max)
      Object.assign(input, { min: this.min, max: this.max })
    Object.assign(input, { required: this.required, readOnly: this.readOnly, disabled: off })
    input.setAttribute('aria-invalid', String(!!problem))
    this.#saveButton.disabled = locked || unchanged || !!problem
    this.#removeButton.disabled = locked || this.required || (saved === null && !this.#storedUnread)
    this.#messageNode.textContent = problem
      ? this.#text(problem, { min: this.#format(this.min), max: this.#format(this.max) })
      : status === 'idle' && unchanged
        ? this.#text('unchanged')
        : this.#message
    const states = this.#internals?.states
    if (states) {
      states.clear()
      states.add(status)
      if (problem) states.add('invalid')
    }
  }
}
