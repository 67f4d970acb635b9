/**
 * The element's view: its shadow parts, built once without `innerHTML`, and `render(state)`, the
 * only code that writes to the shadow DOM. Two ways to enter the date, one shown at a time: three
 * memorable-date fields (day, month, year in a `fieldset`) or the native date input. It holds no
 * state of the edit: the host hands it a {@link ViewState}, from which it works out what to show
 * (texts, which parts are invalid, which buttons work).
 */
import { styles } from './birthday-editor.styles.ts'
import { isoTexts, partLabel, partOrder, PARTS, readEntry } from './memorable-date.ts'
import type { DatePart, Entry } from './memorable-date.ts'
import type { BirthdayEditorStatus, Edit } from './edit.ts'
import { UNKNOWN } from './edit.ts'
import type { CheckedEntry } from './entry-check.ts'
import { defaultStrings, fillText, formatDate, problemText } from './strings.ts'
import type { BirthdayEditorStrings } from './strings.ts'

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, part?: string) => {
  const node = document.createElement(tag)
  if (part) node.setAttribute('part', part)
  return node
}

/** The host's attributes that the view follows. */
export interface ViewHost {
  min: string
  max: string
  required: boolean
  readOnly: boolean
}

/** What the view shows: the state of the edit, what the field holds, and how it is set up. */
export interface ViewState {
  status: BirthdayEditorStatus
  /** The status message (a problem of the field shows instead, once the user has committed it). */
  message: string
  edit: Edit
  /** What the field holds now. */
  entered: CheckedEntry
  /** The native date input instead of the three fields. */
  native: boolean
  /** The element's language: dates in words, the fields' order, and their labels. */
  langTag: string
  /** The page's overrides of the element's strings. */
  overrides: Partial<BirthdayEditorStrings>
  /** Disabled, by the attribute or by a disabled `<fieldset>` around the element. */
  inactive: boolean
  attrs: ViewHost
}

/** What the host does when the user acts. */
export interface ViewHandlers {
  /** Save was pressed (the form's submit, which never leaves the page). */
  onSubmit: () => void
  /** Enter in a field; true when the host acted on it (no other Enter handling then). */
  enter: () => boolean
  onInput: () => void
  /** The native input's `change`. */
  change: () => void
  /** Focus left the three fields (or the native input). */
  leave: () => void
  /** Text pasted into a field; true when the host took it as a whole date. */
  paste: (text: string) => boolean
  onRemove: () => void
}

export class BirthdayEditorView {
  #form = el('form', 'form')
  #current = el('p', 'current-value')
  #input = el('input', 'input')
  #fields = el('fieldset', 'fields')
  #legend = el('legend', 'label')
  #parts = {} as Record<DatePart, HTMLInputElement>
  #labels = {} as Record<DatePart, HTMLLabelElement>
  #saveButton = el('button', 'save-button')
  #removeButton = el('button', 'remove-button')
  #slot = el('slot')
  message = el('p', 'message')
  /** The `value` last written into the fields: they are only overwritten when `value` changes. */
  shown: string | undefined
  #order = ''

  constructor(root: ShadowRoot) {
    const { id } = Object.assign(this.message, { id: 'message', tabIndex: -1 })
    root.adoptedStyleSheets = [styles()]
    // One legend names both ways of entry: the fields as a group, the native input by reference.
    Object.assign(this.#input, { type: 'date', id: 'input' })
    this.#legend.id = 'label'
    this.#input.setAttribute('aria-labelledby', 'label')
    for (const part of PARTS) {
      const input = (this.#parts[part] = el('input', part))
      Object.assign(input, { id: part, inputMode: 'numeric', autocomplete: 'bday-' + part })
      const label = (this.#labels[part] = el('label'))
      label.htmlFor = part
    }
    this.#arrange(PARTS)
    this.#slot.name = 'signed-out'
    this.#removeButton.type = 'button'
    this.#form.noValidate = true
    this.message.setAttribute('role', 'status')
    for (const node of [this.#input, this.#fields, this.#saveButton])
      node.setAttribute('aria-describedby', id)
    this.#form.append(
      this.#fields,
      this.#current,
      this.#saveButton,
      this.#removeButton,
      this.message,
    )
    root.replaceChildren(this.#form, this.#slot)
  }

  /** Calls the host's handlers until `signal` aborts. */
  listen(signal: AbortSignal, on: ViewHandlers): void {
    const fields = this.#fields
    const listen = <E extends Event>(
      node: EventTarget,
      type: string,
      handler: (event: E) => void,
    ) => node.addEventListener(type, handler as EventListener, { signal })
    listen(this.#form, 'submit', (event) => {
      event.preventDefault()
      on.onSubmit()
    })
    listen(this.#form, 'input', on.onInput)
    // The fieldset holds the native input too: these hear both ways of entry.
    listen(fields, 'change', on.change)
    listen(fields, 'focusout', ({ relatedTarget }: FocusEvent) => {
      if (!fields.contains(relatedTarget as Node | null)) on.leave()
    })
    listen(fields, 'paste', (event: ClipboardEvent) => {
      if (on.paste(event.clipboardData?.getData('text') ?? '')) event.preventDefault()
    })
    listen(fields, 'keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter' && on.enter()) event.preventDefault()
    })
    listen(this.#removeButton, 'click', on.onRemove)
  }

  /** Brings back what the user had typed, as {@link state} wrote it. */
  restoreState(state: string): void {
    const [day = '', month = '', year = ''] = state.split('/')
    this.fillParts({ day, month, year })
    this.#input.value = state
  }

  /** What the field holds as typed, for the form to keep across back/forward navigation. */
  formState(native: boolean): string {
    const texts = this.texts()
    return native ? this.#input.value : PARTS.map((part) => texts[part]).join('/')
  }

  /** What the fields hold (the native input: its date, or `format` when it holds a partial one). */
  typedEntry(native: boolean, lang: string): Entry {
    if (!native) return readEntry(this.texts(), lang)
    return this.#input.validity.badInput
      ? { problem: 'format', parts: [] }
      : { iso: this.#input.value }
  }

  /** The three fields' texts, as typed. */
  texts(): Record<DatePart, string> {
    const { day, month, year } = this.#parts
    return { day: day.value, month: month.value, year: year.value }
  }

  /** Writes texts into the three fields. */
  fillParts(texts: Record<DatePart, string>): void {
    for (const part of PARTS) this.#parts[part].value = texts[part]
  }

  /** Writes `value` into the fields when it differs from the last one written; true if it did. */
  showValue(value: string): boolean {
    if (value === this.shown) return false
    this.#input.value = this.shown = value
    this.fillParts(isoTexts(value))
    return true
  }

  /** The field to focus for a problem: the first part at fault in the shown order, else the first. */
  fieldFor(native: boolean, faulty: DatePart[]): HTMLInputElement {
    if (native) return this.#input
    const order = this.#order.split(' ') as DatePart[]
    return this.#parts[order.find((part) => faulty.includes(part)) ?? order[0]!]
  }

  /**
   * Puts the fields in `order`, or the native input alone (`null`): the other kind is not in the
   * tree, so no hidden control shares a label with a shown one. Moving a field blurs it: only when
   * the arrangement changes.
   */
  #arrange(order: DatePart[] | null) {
    const key = order?.join(' ') ?? ''
    if (key === this.#order) return
    this.#order = key
    this.#fields.replaceChildren(
      this.#legend,
      ...(order?.flatMap((part) => [this.#labels[part], this.#parts[part]]) ?? [this.#input]),
    )
  }

  render(state: ViewState): void {
    const input = this.#input
    const form = this.#form
    const parts = this.#parts
    const { status, edit, native } = state
    const { entered: entry, langTag: lang, overrides: strings, attrs: host } = state
    const { min, max, required, readOnly } = host
    const text = (key: keyof BirthdayEditorStrings, values?: object) =>
      fillText(strings, key, values)
    const known = edit.savedValue !== UNKNOWN
    const saved = known ? edit.savedValue : null
    const shown = status === 'saving' ? edit.optimistic : edit.savedValue
    const unread = edit.stored === 'unread'
    const busy = status === 'loading' || status === 'saving' || status === 'refreshing'
    // Nothing to edit without a known saved value: loading, or no usable Clerk.
    const off = state.inactive || !known
    const locked = off || readOnly || busy
    const { problem, faulty } = edit
    // A partly typed date counts as a change (Save tells what is missing); in the native input, as empty.
    const unchanged = (native || !entry.problem) && (entry.iso || null) === saved
    form.hidden = status === 'signed-out'
    this.#slot.hidden = !form.hidden
    form.setAttribute('aria-busy', String(busy))
    this.#slot.textContent = text('signedOut')
    this.#legend.textContent = text('label')
    this.#saveButton.textContent = text('save')
    this.#removeButton.textContent = text('remove')
    this.#current.textContent =
      shown === UNKNOWN || (unread && status !== 'saving')
        ? ''
        : shown
          ? text('current', { date: formatDate(shown, lang) })
          : text('none')
    // Native: no order to look up (and no formatter made for it).
    this.#arrange(native ? null : partOrder(lang))
    // Only when changed (both are ISO dates): assigning `min` or `max`, even the same value, resets
    // a date field that is being typed into (Chromium), so keyboard entry came out garbled.
    if (input.min + input.max !== min + max) Object.assign(input, { min, max })
    const editable = { required, readOnly, disabled: off }
    Object.assign(input, editable)
    input.setAttribute('aria-invalid', String(native && !!problem))
    for (const part of PARTS) {
      // The page's label, else the part's name in the language.
      this.#labels[part].textContent =
        strings[part] ?? partLabel(part, lang) ?? defaultStrings[part]
      Object.assign(parts[part], editable)
      parts[part].setAttribute('aria-invalid', String(faulty.includes(part)))
    }
    this.#saveButton.disabled = locked || unchanged || !!problem
    this.#removeButton.disabled = locked || required || (saved === null && !unread)
    this.message.textContent = problem
      ? problemText(strings, lang, problem, faulty, host)
      : status === 'idle' && unchanged
        ? text('unchanged')
        : state.message
  }
}
