/**
 * The element's view: its shadow parts, built once without `innerHTML`, and `render(state)`, the
 * only code that writes to the shadow DOM. Two ways to enter the date, one shown at a time: three
 * memorable-date fields (day, month, year in a `fieldset`) or the native date input. It holds no
 * state of the edit: the host computes a {@link ViewState} and hands it over.
 */
import { styles } from './birthday-editor.styles.ts'
import { isoTexts, PARTS, readEntry } from './memorable-date.ts'
import type { DatePart, Entry } from './memorable-date.ts'
import type { Text } from './strings.ts'

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, part?: string) => {
  const node = document.createElement(tag)
  if (part) node.setAttribute('part', part)
  return node
}

/** Everything the view shows, as the host computed it. */
export interface ViewState {
  signedOut: boolean
  busy: boolean
  /** The native date input instead of the three fields. */
  native: boolean
  /** The fields in the language's order, and the label of each: the page's, else the language's. */
  order: DatePart[]
  label: (part: DatePart) => string
  current: string
  message: string
  min: string
  max: string
  required: boolean
  readOnly: boolean
  /** The field cannot be edited at all. */
  off: boolean
  /** The parts at fault (`invalid`: the native input). */
  invalid: boolean
  faulty: DatePart[]
  saveDisabled: boolean
  removeDisabled: boolean
  /** A string of the element's strings. */
  text: (key: Text) => string
}

export class BirthdayEditorView {
  form = el('form', 'form')
  current = el('p', 'current-value')
  input = el('input', 'input')
  fields = el('fieldset', 'fields')
  legend = el('legend', 'label')
  parts = {} as Record<DatePart, HTMLInputElement>
  #labels = {} as Record<DatePart, HTMLLabelElement>
  saveButton = el('button', 'save-button')
  removeButton = el('button', 'remove-button')
  slot = el('slot')
  message = el('p', 'message')
  /** The `value` last written into the fields: they are only overwritten when `value` changes. */
  shown: string | undefined
  #order = ''

  constructor(root: ShadowRoot) {
    const { id } = Object.assign(this.message, { id: 'message', tabIndex: -1 })
    root.adoptedStyleSheets = [styles()]
    // One legend names both ways of entry: the fields as a group, the native input by reference.
    Object.assign(this.input, { type: 'date', id: 'input' })
    this.legend.id = 'label'
    this.input.setAttribute('aria-labelledby', 'label')
    for (const part of PARTS) {
      const input = (this.parts[part] = el('input', part))
      Object.assign(input, { id: part, inputMode: 'numeric', autocomplete: 'bday-' + part })
      const label = (this.#labels[part] = el('label'))
      label.htmlFor = part
    }
    this.#arrange(PARTS)
    this.slot.name = 'signed-out'
    this.removeButton.type = 'button'
    this.form.noValidate = true
    this.message.setAttribute('role', 'status')
    for (const node of [this.input, this.fields, this.saveButton])
      node.setAttribute('aria-describedby', id)
    this.form.append(this.fields, this.current, this.saveButton, this.removeButton, this.message)
    root.replaceChildren(this.form, this.slot)
  }

  /** What the fields hold (the native input: its date, or `format` when it holds a partial one). */
  read(native: boolean, lang: string): Entry {
    if (!native) return readEntry(this.texts(), lang)
    return this.input.validity.badInput
      ? { problem: 'format', parts: [] }
      : { iso: this.input.value }
  }

  /** The three fields' texts, as typed. */
  texts(): Record<DatePart, string> {
    const { day, month, year } = this.parts
    return { day: day.value, month: month.value, year: year.value }
  }

  /** Writes texts into the three fields. */
  fill(texts: Record<DatePart, string>): void {
    for (const part of PARTS) this.parts[part].value = texts[part]
  }

  /** Writes `value` into the fields when it differs from the last one written; true if it did. */
  show(value: string): boolean {
    if (value === this.shown) return false
    this.input.value = this.shown = value
    this.fill(isoTexts(value))
    return true
  }

  /** The field to focus for a problem: the first part at fault in the shown order, else the first. */
  fieldFor(native: boolean, faulty: DatePart[]): HTMLInputElement {
    if (native) return this.input
    const order = this.#order.split(' ') as DatePart[]
    return this.parts[order.find((part) => faulty.includes(part)) ?? order[0]!]
  }

  /** Puts the fields in `order`. Moving a field blurs it: only when the order changes. */
  #arrange(order: DatePart[]) {
    const key = order.join(' ')
    if (key === this.#order) return
    this.#order = key
    this.fields.replaceChildren(
      this.legend,
      this.input,
      ...order.flatMap((part) => [this.#labels[part], this.parts[part]]),
    )
  }

  render(state: ViewState): void {
    const { input, form, parts } = this
    form.hidden = state.signedOut
    this.slot.hidden = !form.hidden
    form.setAttribute('aria-busy', String(state.busy))
    this.slot.textContent = state.text('signedOut')
    this.legend.textContent = state.text('label')
    this.saveButton.textContent = state.text('save')
    this.removeButton.textContent = state.text('remove')
    this.current.textContent = state.current
    input.hidden = !state.native
    if (!state.native) this.#arrange(state.order)
    // Only when changed (both are ISO dates): assigning `min` or `max`, even the same value, resets
    // a date field that is being typed into (Chromium), so keyboard entry came out garbled.
    if (input.min + input.max !== state.min + state.max)
      Object.assign(input, { min: state.min, max: state.max })
    const editable = { required: state.required, readOnly: state.readOnly, disabled: state.off }
    Object.assign(input, editable)
    input.setAttribute('aria-invalid', String(state.invalid))
    for (const part of PARTS) {
      this.#labels[part].textContent = state.label(part)
      this.#labels[part].hidden = parts[part].hidden = state.native
      Object.assign(parts[part], editable)
      parts[part].setAttribute('aria-invalid', String(state.faulty.includes(part)))
    }
    this.saveButton.disabled = state.saveDisabled
    this.removeButton.disabled = state.removeDisabled
    this.message.textContent = state.message
  }
}
