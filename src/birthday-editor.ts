import { BirthdayEditorView } from './birthday-editor-view.ts'
import { birthdayClaim, readStoredInstead, sessionClaims } from './claim.ts'
import { ClerkConnection } from './clerk-connection.ts'
import type { ClerkPort, ClerkSession } from './clerk-port.ts'
import { newEdit, NOTHING_MISSED, UNKNOWN } from './edit.ts'
import type { BirthdayEditorStatus, Edit } from './edit.ts'
import { checkEntry } from './entry-check.ts'
import type { CheckedEntry } from './entry-check.ts'
import { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent, changeEvent } from './events.ts'
import type { BirthdayEditorErrorCode } from './events.ts'
import { FormControl } from './form-control.ts'
import { isoTexts, readPasted } from './memorable-date.ts'
import {
  attributeOf,
  PRIMITIVES,
  reflectProperties,
  replayPreUpgradeProperties,
} from './properties.ts'
import { RetryQueue } from './retry-queue.ts'
import { saveAndVerify } from './save-and-verify.ts'
import { defaultStrings, fillText, problemText } from './strings.ts'
import type { BirthdayEditorStrings, Text } from './strings.ts'
import { openTabSync } from './tab-sync.ts'
import type { PostSave } from './tab-sync.ts'

export { defaultStrings } from './strings.ts'
export { PRIMITIVES } from './properties.ts'
export type { BirthdayEditorStrings } from './strings.ts'

export type { BirthdayEditorStatus } from './edit.ts'

/** What `save()` resolves with: the event that ended the save, or `null` when nothing was sent. */
export type BirthdayEditorSaveResult = BirthdayEditorSavedEvent | BirthdayEditorErrorEvent | null

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
 * @csspart day - The day field (`aria-invalid`, and a border in the error colour, when at fault).
 * @csspart month - The month field: digits, a month name or its abbreviation.
 * @csspart year - The year field, four digits.
 * @csspart current-value - The saved birthday, formatted with `Intl` in the element's language.
 * @csspart input - The native date input, with `input="native"` (`aria-invalid`, described by the message).
 * @csspart save-button - The submit button.
 * @csspart remove-button - The button that removes the birthday (saves `null`).
 * @csspart message - The polite live region for status, validation and errors.
 *
 * @cssprop [--birthday-editor-gap=0.5rem] - Space between the parts.
 * @cssprop [--birthday-editor-error=light-dark(#b3261e, #f2b8b5)] - Colour of error and validation messages, and of the border that marks the field(s) at fault.
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

  #connection: AbortController | null = null
  /** What the element is doing, and the message that goes with it; changed by `#setStatus` only. */
  #state: { status: BirthdayEditorStatus; message: string } = { status: 'loading', message: '' }
  #link = new ClerkConnection({
    whileLoading: () => this.#setStatus('loading', this.#text('loading')),
    unusable: () => this.#fail('clerk'),
    onReady: (clerk, recovered) => this.#follow(clerk, recovered),
  })
  #post: PostSave | undefined
  #retry = new RetryQueue((birthday) => void this.#save(birthday))
  #strings: Partial<BirthdayEditorStrings> = {}
  #edit: Edit = newEdit()
  #view: BirthdayEditorView
  #control: FormControl
  #renderQueued = false

  constructor() {
    super()
    this.#view = new BirthdayEditorView(
      this.shadowRoot ?? this.attachShadow({ mode: 'open', delegatesFocus: true }),
    )
    this.#control = new FormControl(this)
  }

  get clerk(): ClerkPort | null {
    return this.#link.clerk ?? this.#link.given
  }
  set clerk(value: ClerkPort | null) {
    this.#link.given = value
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
    return this.#control.internals.form ?? null
  }
  get validity(): ValidityState | undefined {
    return this.#control.internals.validity
  }
  get validationMessage(): string {
    return this.#control.internals.validationMessage ?? ''
  }
  checkValidity(): boolean {
    return this.#settle().checkValidity?.() ?? true
  }
  reportValidity(): boolean {
    return this.#settle().reportValidity?.() ?? true
  }

  /** The internals, with the validity of what the field holds now (not at the next render). */
  #settle() {
    if (this.#renderQueued) this.#render()
    return this.#control.internals
  }

  /** The form was reset: the stored birthday comes back, and no error shows (see `#render`). */
  formResetCallback(): void {
    const edit = this.#edit
    this.#control.restored = edit.typed = false
    this.#view.shown = undefined
    this.value = edit.savedValue === UNKNOWN ? '' : (edit.savedValue ?? '')
    this.#scheduleRender()
  }

  /** A disabled `<fieldset>` around the element disables it, as it does native fields. */
  formDisabledCallback(disabled: boolean): void {
    this.#control.disabled = disabled
    this.#scheduleRender()
  }

  /** Back/forward navigation brings back what the user had typed (the state of `setFormValue`). */
  formStateRestoreCallback(state: unknown): void {
    if (typeof state !== 'string') return
    this.#view.restoreState(state)
    this.#control.restored = true
    this.#scheduleRender()
  }

  connectedCallback(): void {
    const { signal } = (this.#connection = new AbortController())
    replayPreUpgradeProperties(this, [...Object.keys(PRIMITIVES), 'clerk', 'strings'])
    this.#view.listen(signal, {
      // In a page's form, Save submits that form, as a native field does (its handler saves).
      onSubmit: () => this.#submitOrFocus() || void this.#save(this.value || null, true),
      // As Save, but a valid date outside a page's form waits for Save.
      enter: () => this.#submitOrFocus(),
      onInput: this.#handleInput,
      // Native: change commits. Fields: leaving the group does; moving between them commits nothing.
      change: () => this.#native && this.#commit(),
      leave: () => this.#edit.typed && this.#commit(),
      paste: this.#handlePaste,
      onRemove: this.#handleRemove,
    })
    this.#retry.watchOnline(signal)
    this.#post = openTabSync(signal, this.#heard)
    this.#link.openPort(this)
    this.#scheduleRender()
  }

  disconnectedCallback(): void {
    this.#connection?.abort()
    this.#connection = null
    this.#reconnectClerk()
  }

  /** Lets go of Clerk (or of waiting for it) and of work started with it; looks again if connected. */
  #reconnectClerk() {
    this.#link.closePort()
    this.#setStatus('loading')
    this.#edit = { ...this.#edit }
    if (this.#connection) this.#link.openPort(this)
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return
    if (this.#connection) {
      if (name === 'claim' && this.#link.clerk) this.#link.onClerkChange()
      if (name === 'publishable-key' && !this.#link.clerk) this.#reconnectClerk()
    }
    this.#scheduleRender()
  }

  /** Commits and saves the field, or the `value` set just before (the header's `@method save`). */
  save(): Promise<BirthdayEditorSaveResult> {
    // A `value` set in this tick has not reached the field yet: bring it there before committing.
    if (this.value !== this.#view.shown) this.#render()
    return this.#commit() ? this.#save(this.value || null) : Promise.resolve(null)
  }

  /** A string, with `{name}` filled from `values` (any object: the element itself fills `{claim}`). */
  #text(key: Text, values?: object) {
    return fillText(this.#strings, key, values)
  }

  /** The element's language (else the nearest ancestor's). */
  get #lang() {
    return this.closest<HTMLElement>('[lang]')?.lang ?? ''
  }

  get #busy() {
    return ['saving', 'refreshing'].includes(this.#state.status)
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
    const claims = sessionClaims(session)
    if (claims?.sub !== this.#edit.subject) {
      this.#forget()
      this.#edit.subject = claims?.sub
    }
    const edit = this.#edit
    const claim = birthdayClaim(this.claim, claims)
    if (claim === undefined) {
      if (edit.stored === 'unasked') void this.#readStored(session)
    } else if (claim !== edit.tokenClaim || edit.savedValue === UNKNOWN) {
      // Adopt a claim only when it changed, and not mid-save: a token lagging a save must not undo it.
      edit.tokenClaim = claim
      if (this.#busy) edit.missed = claim
      else this.#adopt(claim)
    }
    if (recovered || status === 'loading' || status === 'signed-out') this.#setStatus('idle', '')
    else this.#scheduleRender()
  }

  /** No claim in the token: read the stored value once per user (unread, it shows nothing). */
  async #readStored(session: ClerkSession) {
    const signal = this.#connection?.signal
    if (!signal) return
    const edit = this.#edit
    edit.stored = 'asked'
    const stored = await readStoredInstead(session, this, signal)
    if (edit !== this.#edit || edit.savedValue !== UNKNOWN) return
    if (stored === undefined) edit.stored = 'unread'
    this.#adopt(stored ?? null)
    this.#scheduleRender()
  }

  /** Drops everything about the previous user; a save in flight for them is abandoned. */
  #forget() {
    this.#edit.inFlight?.abort()
    this.#edit = newEdit()
    this.#retry.clearPending()
    this.value = ''
    if (this.#busy) this.#setStatus('idle')
  }

  /**
   * A new saved value. The field follows (a retry of its old value is dropped) unless the user has
   * changed it: it shows `value` (or will at the next render), nothing typed there since.
   */
  #adopt(birthday: string | null) {
    const edit = this.#edit
    const old = edit.savedValue
    const { value } = this
    edit.savedValue = birthday
    const untouched = () => this.#view.shown !== value || this.#entry().iso === value
    if (old === UNKNOWN || ((value || null) === old && untouched())) {
      this.value = birthday ?? ''
      this.#retry.clearPending()
    }
  }

  get #native() {
    return this.input === 'native'
  }

  /** What the field holds: an ISO date (`''`: none) or why it cannot be saved, and the parts at fault. */
  #entry(): CheckedEntry {
    const native = this.#native
    return checkEntry(this.#view.typedEntry(native, this.#lang), native, this)
  }

  /** Takes the field's value as `value` if valid; `change` when it is new. */
  #commit() {
    const { iso, problem, faulty } = this.#entry()
    const edit = this.#edit
    edit.problem = problem
    edit.faulty = faulty
    this.#control.restored = edit.typed = false
    if (!problem && iso !== this.value) {
      this.value = this.#view.shown = iso
      this.dispatchEvent(changeEvent())
    }
    this.#scheduleRender()
    return !problem
  }

  /** A whole date pasted into any field fills all three. */
  #handlePaste = (text: string) => {
    const iso = readPasted(text, this.#lang)
    if (!iso) return false
    this.#view.fillParts(isoTexts(iso))
    this.#handleInput()
    this.#commit()
    return true
  }

  #handleInput = () => {
    const edit = this.#edit
    edit.typed = true
    this.#control.restored = false
    if (edit.problem) ({ problem: edit.problem, faulty: edit.faulty } = this.#entry())
    this.#retry.clearPending()
    const { status } = this.#state
    if (status === 'saved' || status === 'error') this.#setStatus('idle', '')
    this.#scheduleRender()
  }

  /** Commits; then focuses the part at fault, or submits the page's form; false when neither. */
  #submitOrFocus() {
    if (!this.#commit()) this.#view.fieldFor(this.#native, this.#edit.faulty).focus()
    else if (this.form) this.form.requestSubmit()
    else return false
    return true
  }

  /** Remove empties the field too: the user chose "no birthday" over whatever it held. */
  #handleRemove = () => {
    if (!this.#canSave()) return
    this.value = ''
    void this.#save(null, true)
  }

  /** Another editor of this origin saved: show it, and get a fresh token if ours lags. */
  #heard = (subject: unknown, birthday: string | null) =>
    this.#link.safely(() => {
      const session = this.#link.clerk?.session
      const edit = this.#edit
      if (!session || subject !== edit.subject) return
      if (this.#busy) return void (edit.missed = birthday)
      this.#adopt(birthday)
      if (edit.stored === 'unread') edit.stored = 'asked'
      const claim = birthdayClaim(this.claim, sessionClaims(session))
      if (claim !== undefined && claim !== birthday)
        session.getToken({ skipCache: true }).catch(() => {})
      this.#scheduleRender()
    })

  /** The session to save with, when saving is possible now. */
  #canSave(): ClerkSession | null {
    let session: ClerkSession | null | undefined
    // From a click or `save()`: a Clerk that throws here is let go of, not thrown at the page.
    this.#link.safely(() => (session = this.#link.clerk?.session))
    return session && this.#connection && !this.#busy && !this.#off && !this.readOnly
      ? session
      : null
  }

  /** Disabled, by its attribute or by a disabled `<fieldset>` around it. */
  get #off() {
    return this.disabled || this.#control.disabled
  }

  async #save(birthday: string | null, focus?: boolean): Promise<BirthdayEditorSaveResult> {
    const session = this.#canSave()
    const connection = this.#connection?.signal
    const edit = this.#edit
    if (!session || !connection || birthday === edit.savedValue) return null
    const signal = AbortSignal.any([connection, (edit.inFlight = new AbortController()).signal])
    this.#retry.clearPending()
    edit.missed = NOTHING_MISSED
    edit.optimistic = birthday
    this.#setStatus('saving', this.#text('saving'))
    const outcome = await saveAndVerify({
      birthday,
      session,
      user: this.#link.clerk?.user,
      signal,
      settings: this,
      onStored: () => {
        if (edit !== this.#edit) return
        // Not `#adopt`: the field holds this value, or what the user typed since, which stays.
        edit.savedValue = birthday
        if (edit.stored === 'unread') edit.stored = 'asked'
        this.#setStatus('refreshing', this.#text('refreshing'))
      },
    })
    if (edit !== this.#edit) return null
    if (!outcome.sent) {
      const { failure } = outcome
      // Kept for a retry unless the user has changed the field since: their newer value wins.
      if ((this.value || null) === birthday) this.#retry.hold(failure, birthday, signal)
      const failed = this.#fail(failure.code, failure, focus)
      // A saved value seen meanwhile: the field follows it unless the user typed since the save began.
      if (edit.missed !== NOTHING_MISSED)
        if ((this.value || null) === birthday) this.#adopt(edit.missed)
        else edit.savedValue = edit.missed
      return failed
    }
    const { verdict: check, iat } = outcome
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

  #scheduleRender() {
    if (this.#renderQueued) return
    this.#renderQueued = true
    queueMicrotask(() => this.#render())
  }

  /** Hands the view and the form control what the field holds, the edit and the status. */
  #render() {
    this.#renderQueued = false
    if (!this.#connection) return
    const [view, edit, control, state] = [this.#view, this.#edit, this.#control, this.#state]
    const [native, langTag, overrides] = [this.#native, this.#lang, this.#strings]
    const inactive = this.#off
    // A new `value` reaches the field, and a problem shown for what it held goes.
    if (control.restored) view.shown = this.value
    else if (view.showValue(this.value)) {
      edit.problem = null
      edit.faulty = []
    }
    const entered = this.#entry()
    view.render({ ...state, edit, entered, native, langTag, overrides, inactive, attrs: this })
    const { problem, faulty } = entered
    // Signed out, none is known nor can be entered: as a disabled field, none in FormData, valid.
    const out = state.status === 'signed-out'
    control.publish(
      out ? null : problem ? '' : entered.iso,
      view.formState(native),
      !out && problem
        ? {
            problem,
            message: problemText(overrides, langTag, problem, faulty, this),
            anchor: view.fieldFor(native, faulty),
          }
        : null,
    )
    // Both only once the user has acted: `user-invalid` is `:user-invalid`'s name.
    control.showStates(edit.problem ? [state.status, 'invalid', 'user-invalid'] : [state.status])
  }
}
