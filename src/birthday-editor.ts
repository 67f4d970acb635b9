import { checkBirthday, isIsoDate, localToday } from './birthday.ts'
import { BirthdayEditorView } from './birthday-editor-view.ts'
import { ClerkConnection } from './clerk-connection.ts'
import { newEdit, NOTHING_MISSED, UNKNOWN } from './edit.ts'
import type { Edit, Problem } from './edit.ts'
import type { ClerkPort, ClerkSession } from './clerk-port.ts'
import { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent, changeEvent } from './events.ts'
import type { BirthdayEditorErrorCode } from './events.ts'
import { RetryQueue } from './retry-queue.ts'
import { readStoredBirthday, tokenSource } from './save.ts'
import type { SaveFailure } from './save.ts'
import { saveAndVerify } from './save-and-verify.ts'
import { defaultStrings, fillText, formatDate } from './strings.ts'
import type { BirthdayEditorStrings, Text } from './strings.ts'
import { isoTexts, partLabel, partOrder, PARTS, readPasted } from './memorable-date.ts'
import type { DatePart } from './memorable-date.ts'
import { attributeOf, PRIMITIVES, reflectProperties } from './properties.ts'
import { openTabSync } from './tab-sync.ts'
import type { PostSave } from './tab-sync.ts'
import { claimAt, decodeClaims } from './token.ts'
import type { Claims } from './token.ts'
import { warnOnce } from './warn.ts'

export { defaultStrings } from './strings.ts'
export { PRIMITIVES } from './properties.ts'
export type { BirthdayEditorStrings } from './strings.ts'

/** What the element is doing; also exposed as the custom state of the same name. */
export type BirthdayEditorStatus =
  'loading' | 'signed-out' | 'idle' | 'saving' | 'refreshing' | 'saved' | 'error'

/** What `save()` resolves with: the event that ended the save, or `null` when nothing was sent. */
export type BirthdayEditorSaveResult = BirthdayEditorSavedEvent | BirthdayEditorErrorEvent | null

/** The `ValidityState` flag a problem sets (`missing`, `format`, `real`: a bad input). */
const validityFlag = (problem: Problem): keyof ValidityStateFlags =>
  problem === 'required'
    ? 'valueMissing'
    : problem === 'min'
      ? 'rangeUnderflow'
      : problem === 'max' || problem === 'future'
        ? 'rangeOverflow'
        : 'badInput'

// So that the module imports without a DOM (server-side rendering, Node tools).
const Base = (globalThis.HTMLElement ?? Object) as typeof HTMLElement

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
 * @attr {string} lang - Locale for the displayed date and the fields' order and labels (else the nearest ancestor's `lang`).
 * @attr {string} name - The name of the value in its form's `FormData` (the element is a form-associated custom element; `form` and `<label for>` work as for native fields).
 * @attr {'fields'|'native'} input - How the date is entered: `fields` (default), three memorable-date fields (day, month, year in the locale's order, no date picker); `native`, the browser's `<input type="date">`.
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
 * @prop {string|null} name - Reflects `name`.
 * @prop {'fields'|'native'} input - Reflects `input`; `fields` when absent or invalid.
 * @prop {HTMLFormElement|null} form - Read-only: the form the element belongs to.
 * @prop {ValidityState} validity - Read-only: `valueMissing` (`required` and empty), `badInput` (a part missing or not a real date), `rangeUnderflow` (before `min`), `rangeOverflow` (after `max`, or in the future).
 * @prop {string} validationMessage - Read-only: the message of the first problem, as the element shows it.
 * @prop {ClerkPort|null} clerk - The Clerk instance to use, loaded or still loading (the page loads it); not reflected. Without it: `window.Clerk` (also one that appears later), then `publishable-key`. Reading it gives the instance in use.
 * @prop {Partial<BirthdayEditorStrings>} strings - Overrides for any user-visible text (English defaults in `defaultStrings`); reading it gives the merged set.
 * @prop {BirthdayEditorStatus} status - Read-only: `loading`, `signed-out`, `idle`, `saving`, `refreshing`, `saved` or `error`.
 *
 * @method checkValidity - True when the field holds a date that can be saved (or nothing, unless `required`); else fires `invalid` and returns false.
 * @method reportValidity - As `checkValidity`, and the browser shows the message at the field at fault.
 * @method save - Commits the field (or a `value` just set from code) and saves it if it is valid and changed. Resolves when the save and its token check are done, with the event that ended it (`BirthdayEditorSavedEvent` or `BirthdayEditorErrorEvent`), or `null` when nothing was sent; never rejects.
 *
 * @fires {Event} change - The user committed a new valid date (not fired when code sets `value`).
 * @fires {BirthdayEditorSavedEvent} birthday-editor-saved - A save succeeded: `birthday`, `verified` (a fresh token carries it), `iat` of the fresh token.
 * @fires {BirthdayEditorErrorEvent} birthday-editor-error - `{ code, message }`. Codes: `invalid`, `unauthenticated`, `config`, `rate-limited`, `busy`, `server`, `timeout`, `network`, `offline` (a save failed), `clerk` (no usable Clerk within 10 s: none, never loaded, or its load failed; at once for an object that cannot serve as Clerk: a Proxy such as Vue's `ref()`, a foreign object, one that throws; the element recovers when one becomes usable), `claim-stale` (for developers: saved, but fresh tokens lack the value; the user reads a plain "Saved.").
 *
 * @slot signed-out - Shown instead of the form when nobody is signed in. Default: a short message.
 *
 * @csspart form - The form holding label, current value, field, buttons and message (`aria-busy` while loading, saving, refreshing).
 * @csspart label - The field's visible label (the fields' legend, or the native input's label).
 * @csspart fields - The `fieldset` of the three memorable-date fields.
 * @csspart day - The day field (`aria-invalid` when at fault).
 * @csspart month - The month field: digits, a month name or its abbreviation.
 * @csspart year - The year field, four digits.
 * @csspart current-value - The saved birthday, formatted with `Intl` in the element's language.
 * @csspart input - The native date input, with `input="native"` (`aria-invalid`, described by the message).
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
 * @cssstate invalid - The field holds a date that cannot be saved, and the user has committed it (the message says why).
 * @cssstate user-invalid - The same, named after `:user-invalid`: never before the user has interacted.
 */
export class BirthdayEditorElement extends Base {
  static formAssociated = true
  static observedAttributes = [...Object.keys(PRIMITIVES).map(attributeOf), 'lang']

  static {
    reflectProperties(this.prototype)
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
  declare name: string | null
  declare input: 'fields' | 'native'

  #internals: ElementInternals | undefined
  #connection: AbortController | null = null
  /** What the element is doing, and the message that goes with it; changed by `#setStatus` only. */
  #state: { status: BirthdayEditorStatus; message: string } = { status: 'loading', message: '' }
  #clerkProperty: ClerkPort | null = null
  #link = new ClerkConnection({
    loading: () => this.#setStatus('loading', this.#text('loading')),
    unusable: () => this.#fail('clerk'),
    ready: (clerk, recovered) => this.#follow(clerk, recovered),
  })
  #post: PostSave | undefined
  #retry = new RetryQueue((birthday) => void this.#save(birthday))
  #strings: Partial<BirthdayEditorStrings> = {}
  #edit: Edit = newEdit()
  #view: BirthdayEditorView
  /**
   * What the element's form says: a disabled `<fieldset>` around it, and a state restored after
   * back/forward navigation that programmatic values must not overwrite until the user acts.
   */
  #form = { disabled: false, restored: false }
  #renderQueued = false

  constructor() {
    super()
    this.#view = new BirthdayEditorView(
      this.shadowRoot ?? this.attachShadow({ mode: 'open', delegatesFocus: true }),
    )
    // Browsers without ElementInternals (and happy-dom) still get status, ARIA and events.
    this.#internals = this.attachInternals?.()
  }

  get clerk(): ClerkPort | null {
    return this.#link.clerk ?? this.#clerkProperty
  }
  set clerk(value: ClerkPort | null) {
    this.#clerkProperty = value
    if (this.#connection) this.#reconnectClerk()
  }
  get strings(): BirthdayEditorStrings {
    return { ...defaultStrings, ...this.#strings }
  }
  set strings(value: Partial<BirthdayEditorStrings> | null) {
    this.#strings = { ...value }
    this.#scheduleRender()
  }
  get status(): BirthdayEditorStatus {
    return this.#state.status
  }
  get form(): HTMLFormElement | null {
    return this.#internals?.form ?? null
  }
  get validity(): ValidityState | undefined {
    return this.#internals?.validity
  }
  get validationMessage(): string {
    return this.#internals?.validationMessage ?? ''
  }
  checkValidity(): boolean {
    return this.#settle().checkValidity?.() ?? true
  }
  reportValidity(): boolean {
    return this.#settle().reportValidity?.() ?? true
  }

  /** The internals, with the validity of what the field holds right now (not at the next render). */
  #settle() {
    if (this.#renderQueued) this.#render()
    return this.#internals ?? ({} as Partial<ElementInternals>)
  }

  /** The form was reset: the stored birthday comes back, and no error shows. */
  formResetCallback(): void {
    const edit = this.#edit
    this.#form.restored = edit.typed = false
    edit.problem = null
    edit.faulty = []
    this.#view.shown = undefined
    this.value = edit.saved === UNKNOWN ? '' : (edit.saved ?? '')
    this.#scheduleRender()
  }

  /** A disabled `<fieldset>` around the element disables it, as it does native fields. */
  formDisabledCallback(disabled: boolean): void {
    this.#form.disabled = disabled
    this.#scheduleRender()
  }

  /** Back/forward navigation brings back what the user had typed (the state of `setFormValue`). */
  formStateRestoreCallback(state: unknown): void {
    if (typeof state !== 'string') return
    const [day = '', month = '', year = ''] = state.split('/')
    this.#view.fill({ day, month, year })
    this.#view.input.value = state
    this.#form.restored = true
    this.#scheduleRender()
  }

  connectedCallback(): void {
    const connection = (this.#connection = new AbortController())
    const { signal } = connection
    const view = this.#view
    this.#replayPreUpgradeProperties()
    const on = (node: EventTarget, type: string, handler: (event: never) => void) =>
      node.addEventListener(type, handler as EventListener, { signal })
    on(view.form, 'submit', this.#handleSubmit)
    on(view.form, 'input', this.#handleInput)
    // The fieldset holds the native input too: these hear both ways of entry.
    on(view.fields, 'change', this.#handleChange)
    on(view.fields, 'focusout', this.#handleFocusOut)
    on(view.fields, 'paste', this.#handlePaste)
    on(view.fields, 'keydown', this.#handleKey)
    on(view.removeButton, 'click', this.#handleRemove)
    this.#retry.connect(signal)
    this.#post = openTabSync(signal, this.#heard)
    this.#openClerk()
    this.#scheduleRender()
  }

  disconnectedCallback(): void {
    this.#connection?.abort()
    this.#connection = null
    this.#closeClerk()
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

  /** The `clerk` getter reads the `clerk` property here: the connection holds no Clerk yet. */
  #openClerk() {
    this.#link.open(this)
  }

  /** Lets go of the Clerk in use (or of waiting for one), and drops any work started with it. */
  #closeClerk() {
    this.#link.close()
    this.#setStatus('loading')
    this.#edit = { ...this.#edit }
  }

  #reconnectClerk() {
    this.#closeClerk()
    this.#openClerk()
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return
    if (this.#connection) {
      if (name === 'claim' && this.#link.clerk) this.#link.changed()
      if (name === 'publishable-key' && !this.#link.clerk) this.#reconnectClerk()
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
    if (this.value !== this.#view.shown) this.#render()
    return this.#commit() ? this.#save(this.value || null) : Promise.resolve(null)
  }

  /** A string, with `{name}` filled from `values` (any object: the element itself fills `{claim}`). */
  #text(key: Text, values?: object) {
    return fillText(this.#strings, key, values)
  }

  /** An ISO date in words, in the element's language (else the nearest ancestor's). */
  #format(iso: string) {
    return formatDate(iso, this.#lang)
  }

  get #lang() {
    return this.closest<HTMLElement>('[lang]')?.lang ?? ''
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
    const { status } = this.#state
    return status === 'saving' || status === 'refreshing'
  }

  /** The one place status changes; the message stays unless a new one is given. */
  #setStatus(status: BirthdayEditorStatus, message = this.#state.message) {
    this.#state = { status, message }
    this.#scheduleRender()
  }

  #fail(code: BirthdayEditorErrorCode, values?: object, focus?: boolean) {
    this.#setStatus('error', this.#text(code, values))
    const event = new BirthdayEditorErrorEvent(code, this.#state.message)
    this.dispatchEvent(event)
    // After the render queued above: the message is up to date when it takes focus.
    if (focus) queueMicrotask(() => this.#view.message.focus())
    return event
  }

  /** Follows a loaded Clerk: sign-in, sign-out, user switch, token refresh. */
  #follow(clerk: ClerkPort, recovered: boolean) {
    const session = clerk.session
    const { status } = this.#state
    if (!session) {
      if (status !== 'signed-out') {
        this.#forget()
        this.#setStatus('signed-out', '')
      }
      return
    }
    const claims = decodeClaims(session.lastActiveToken?.getRawString())
    if (claims?.sub !== this.#edit.subject) {
      this.#forget()
      this.#edit.subject = claims?.sub
    }
    const edit = this.#edit
    const claim = this.#claimIn(claims)
    if (claim === undefined) {
      if (edit.stored === 'unasked') void this.#readStored(session)
    } else if (claim !== edit.tokenClaim || edit.saved === UNKNOWN) {
      // Adopt a claim only when it changed, and not mid-save: a token lagging a save must not undo it.
      edit.tokenClaim = claim
      if (this.#busy) edit.missed = claim
      else this.#adopt(claim)
    }
    if (recovered || status === 'loading' || status === 'signed-out') this.#setStatus('idle', '')
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
    const edit = this.#edit
    edit.stored = 'asked'
    const { claim, endpoint } = this
    warnOnce(
      'claim',
      `session tokens lack "${claim}": add "${claim}": "{{user.public_metadata.birthday}}" to the` +
        ` session token template. Until then it is read from GET ${endpoint}.`,
    )
    const stored = await readStoredBirthday({
      url: endpoint,
      token: tokenSource(session),
      timeout: this.timeout,
      signal,
    })
    if (edit !== this.#edit || edit.saved !== UNKNOWN) return
    if (stored === undefined) edit.stored = 'unread'
    this.#adopt(stored ?? null)
    this.#scheduleRender()
  }

  /** Drops everything about the previous user; a save in flight for them is abandoned. */
  #forget() {
    this.#edit.abort?.abort()
    this.#edit = newEdit()
    this.#retry.drop()
    this.value = ''
    if (this.#busy) this.#setStatus('idle')
  }

  /**
   * A new saved value; the field follows unless the user has changed it, and then a retry waiting
   * for the old field value is dropped.
   */
  #adopt(birthday: string | null) {
    const edit = this.#edit
    const old = edit.saved
    edit.saved = birthday
    if (old === UNKNOWN || ((this.value || null) === old && this.#untouched())) {
      this.value = birthday ?? ''
      this.#retry.drop()
    }
  }

  /** The field shows `value` (or will at the next render): nothing typed there since. */
  #untouched() {
    return this.#view.shown !== this.value || this.#entry().iso === this.value
  }

  get #native() {
    return this.input === 'native'
  }

  /**
   * What the field holds: an ISO date (`''`: none) or why it cannot be saved, and the parts at
   * fault (all three when the date as a whole is wrong, as GOV.UK marks them).
   */
  #entry(): { iso: string; problem: Problem | null; faulty: DatePart[] } {
    const native = this.#native
    const entry = this.#view.read(native, this.#lang)
    const all = native ? [] : PARTS
    if (entry.problem !== undefined) {
      const problem = entry.problem === 'format' && !native ? 'real' : entry.problem
      return { iso: '', problem, faulty: entry.parts }
    }
    const { iso } = entry
    const problem = !iso
      ? this.required
        ? 'required'
        : null
      : !native && iso > localToday()
        ? 'future'
        : checkBirthday(iso, { min: this.min, max: this.max })
    return { iso, problem, faulty: problem ? all : [] }
  }

  /** Takes the field's value as `value` if valid; `change` when it is new. Handles `change` too. */
  #commit = () => {
    const { iso, problem, faulty } = this.#entry()
    const edit = this.#edit
    edit.problem = problem
    edit.faulty = faulty
    this.#form.restored = edit.typed = false
    if (!problem && iso !== this.value) {
      this.value = this.#view.shown = iso
      this.dispatchEvent(changeEvent())
    }
    this.#scheduleRender()
    return !problem
  }

  /**
   * The native input's change commits. The three fields commit when focus leaves the group (or on
   * Enter, or submit): moving between them commits nothing half-typed.
   */
  #handleChange = () => {
    if (this.#native) this.#commit()
  }

  #handleFocusOut = ({ relatedTarget }: FocusEvent) => {
    if (!this.#view.fields.contains(relatedTarget as Node | null) && this.#edit.typed)
      this.#commit()
  }

  /** A whole date pasted into any field fills all three. */
  #handlePaste = (event: ClipboardEvent) => {
    const iso = readPasted(event.clipboardData?.getData('text') ?? '', this.#lang)
    if (!iso) return
    event.preventDefault()
    this.#view.fill(isoTexts(iso))
    this.#handleInput()
    this.#commit()
  }

  #handleInput = () => {
    const edit = this.#edit
    edit.typed = true
    this.#form.restored = false
    if (edit.problem) ({ problem: edit.problem, faulty: edit.faulty } = this.#entry())
    this.#retry.drop()
    const { status } = this.#state
    if (status === 'saved' || status === 'error') this.#setStatus('idle', '')
    this.#scheduleRender()
  }

  /** In a page's form, Save submits that form, as in a native field; its handler saves. */
  #handleSubmit = (event: Event) => {
    event.preventDefault()
    if (!this.#commit()) this.#focusFault()
    else if (this.form) this.form.requestSubmit()
    else void this.#save(this.value || null, true)
  }

  /**
   * Enter in a field: an invalid date moves focus to the part at fault (even while Save is
   * disabled); in a page's form, a valid one submits that form (its handler saves).
   */
  #handleKey = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return
    if (!this.#commit()) this.#focusFault()
    else if (this.form) this.form.requestSubmit()
    else return
    event.preventDefault()
  }

  #focusFault() {
    this.#view.fieldFor(this.#native, this.#edit.faulty).focus()
  }

  /** Remove empties the field too: the user chose "no birthday" over whatever it held. */
  #handleRemove = () => {
    if (!this.#canSave()) return
    this.value = ''
    void this.#save(null, true)
  }

  /** Another editor of this origin saved: show it, and get a fresh token if ours lags. */
  #heard = (subject: unknown, birthday: string | null) =>
    this.#link.safely(() => this.#receive(subject, birthday))

  #receive(subject: unknown, birthday: string | null) {
    const session = this.#link.clerk?.session
    const edit = this.#edit
    if (!session || subject !== edit.subject) return
    if (this.#busy) return void (edit.missed = birthday)
    this.#adopt(birthday)
    if (edit.stored === 'unread') edit.stored = 'asked'
    const claim = this.#claimIn(decodeClaims(session.lastActiveToken?.getRawString()))
    if (claim !== undefined && claim !== birthday) {
      session.getToken({ skipCache: true }).catch(() => {})
    }
    this.#scheduleRender()
  }

  /** The session to save with, when saving is possible now. */
  #canSave(): ClerkSession | null {
    let session: ClerkSession | null | undefined
    // From a click or `save()`: a Clerk that throws here is let go of, not thrown at the page.
    this.#link.safely(() => (session = this.#link.clerk?.session))
    return session &&
      this.#connection &&
      !this.#busy &&
      !this.disabled &&
      !this.#form.disabled &&
      !this.readOnly
      ? session
      : null
  }

  async #save(birthday: string | null, focus?: boolean): Promise<BirthdayEditorSaveResult> {
    const session = this.#canSave()
    const connection = this.#connection?.signal
    const edit = this.#edit
    if (!session || !connection || birthday === edit.saved) return null
    const abort = (edit.abort = new AbortController())
    const signal = AbortSignal.any([connection, abort.signal])
    this.#retry.drop()
    edit.missed = NOTHING_MISSED
    edit.optimistic = birthday
    this.#setStatus('saving', this.#text('saving'))
    const outcome = await saveAndVerify({
      url: this.endpoint,
      birthday,
      session,
      user: this.#link.clerk?.user,
      refresh: this.refresh,
      timeout: this.timeout,
      signal,
      token: tokenSource(session),
      claimOf: (claims) => this.#claimIn(claims),
      onStored: () => {
        if (edit !== this.#edit) return
        // Not `#adopt`: the field already holds this value unless the user typed since, and then
        // what they typed stays, even if it equals the value saved before.
        edit.saved = birthday
        if (edit.stored === 'unread') edit.stored = 'asked'
        this.#setStatus('refreshing', this.#text('refreshing'))
      },
    })
    if (edit !== this.#edit) return null
    if (!outcome.ok) {
      const failed = this.#failed(outcome.failure, birthday, signal, focus)
      // A saved value seen meanwhile: the field follows it unless the user typed since the save began.
      if (edit.missed !== NOTHING_MISSED)
        if ((this.value || null) === birthday) this.#adopt(edit.missed)
        else edit.saved = edit.missed
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
      this.dispatchEvent(new BirthdayEditorErrorEvent('claim-stale', this.#state.message))
    this.#post?.(edit.subject, birthday)
    return saved
  }

  /**
   * A failed save: keep the birthday for a retry when one can help (unless the user has changed the
   * field since: their newer value wins), and report.
   */
  #failed(failure: SaveFailure, birthday: string | null, signal: AbortSignal, focus?: boolean) {
    const { code, seconds } = failure
    const retry = code === 'offline' || code === 'network' || !!seconds
    if (retry && (this.value || null) === birthday) this.#retry.hold(birthday, seconds, signal)
    return this.#fail(code, failure, focus)
  }

  #scheduleRender() {
    if (this.#renderQueued) return
    this.#renderQueued = true
    queueMicrotask(() => this.#render())
  }

  /** Computes what the view shows from the edit, the status and the attributes. */
  #render() {
    this.#renderQueued = false
    if (!this.#connection) return
    const view = this.#view
    const edit = this.#edit
    const { status, message } = this.#state
    const native = this.#native
    const lang = this.#lang
    if (this.#form.restored) view.shown = this.value
    else if (view.show(this.value)) {
      edit.problem = null
      edit.faulty = []
    }
    const entry = this.#entry()
    const known = edit.saved !== UNKNOWN
    const saved = known ? edit.saved : null
    const shown = status === 'saving' ? edit.optimistic : edit.saved
    const unread = edit.stored === 'unread'
    const busy = status === 'loading' || this.#busy
    // Nothing to edit without a known saved value: loading, or no usable Clerk.
    const off = this.disabled || this.#form.disabled || !known
    const locked = off || this.readOnly || busy
    const problem = edit.problem
    // A partly typed date counts as a change (Save tells what is missing); in the native input, as empty.
    const unchanged = (native || !entry.problem) && (entry.iso || null) === saved
    view.render({
      signedOut: status === 'signed-out',
      busy,
      native,
      // Native: no order to look up (and no formatter made for it); the fields are hidden.
      order: native ? PARTS : partOrder(lang),
      label: (part) => this.#strings[part] ?? partLabel(part, lang) ?? defaultStrings[part],
      current:
        shown === UNKNOWN || (unread && status !== 'saving')
          ? ''
          : shown
            ? this.#text('current', { date: this.#format(shown) })
            : this.#text('none'),
      message: problem
        ? this.#problemText(problem, edit.faulty)
        : status === 'idle' && unchanged
          ? this.#text('unchanged')
          : message,
      min: this.min,
      max: this.max,
      required: this.required,
      readOnly: this.readOnly,
      off,
      invalid: !!problem,
      faulty: edit.faulty,
      saveDisabled: locked || unchanged || !!problem,
      removeDisabled: locked || this.required || (saved === null && !unread),
      text: (key) => this.#text(key),
    })
    const internals = this.#internals
    if (internals?.setValidity) {
      const texts = view.texts()
      internals.setFormValue(
        entry.problem ? '' : entry.iso,
        native ? view.input.value : PARTS.map((part) => texts[part]).join('/'),
      )
      if (entry.problem)
        internals.setValidity(
          { [validityFlag(entry.problem)]: true },
          this.#problemText(entry.problem, entry.faulty),
          view.fieldFor(native, entry.faulty),
        )
      else internals.setValidity({})
    }
    const states = internals?.states
    if (states) {
      states.clear()
      states.add(status)
      // Both only once the user has acted: `user-invalid` is `:user-invalid`'s name.
      if (problem) {
        states.add('invalid')
        states.add('user-invalid')
      }
    }
  }

  /** A problem in words; `missing` names the parts at fault. */
  #problemText(problem: Problem, faulty: DatePart[]) {
    return this.#text(problem, {
      min: this.#format(this.min),
      max: this.#format(this.max),
      parts: faulty.map((part) => this.#text(part).toLowerCase()).join(' and '),
    })
  }
}
