/**
 * The element's view: its shadow parts, built once without `innerHTML`, and `render(state)`, the
 * only code that writes to the shadow DOM. It holds no state of the edit: the host computes a
 * {@link ViewState} and hands it over.
 */
import { styles } from './birthday-editor.styles.ts'
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
  current: string
  message: string
  min: string
  max: string
  required: boolean
  readOnly: boolean
  /** The field cannot be edited at all. */
  off: boolean
  invalid: boolean
  saveDisabled: boolean
  removeDisabled: boolean
  /** A string of the element's strings. */
  text: (key: Text) => string
}

export class BirthdayEditorView {
  form = el('form', 'form')
  label = el('label', 'label')
  current = el('p', 'current-value')
  input = el('input', 'input')
  saveButton = el('button', 'save-button')
  removeButton = el('button', 'remove-button')
  slot = el('slot')
  message = el('p', 'message')
  /** The `value` last written into the input: the input is only overwritten when `value` changes. */
  shown: string | undefined

  constructor(root: ShadowRoot) {
    const { id } = Object.assign(this.message, { id: 'message', tabIndex: -1 })
    root.adoptedStyleSheets = [styles()]
    Object.assign(this.input, { type: 'date', id: 'input' })
    this.label.htmlFor = 'input'
    this.slot.name = 'signed-out'
    this.removeButton.type = 'button'
    this.form.noValidate = true
    this.message.setAttribute('role', 'status')
    this.input.setAttribute('aria-describedby', id)
    this.saveButton.setAttribute('aria-describedby', id)
    this.form.append(
      this.label,
      this.current,
      this.input,
      this.saveButton,
      this.removeButton,
      this.message,
    )
    root.replaceChildren(this.form, this.slot)
  }

  /** Writes `value` into the field when it differs from the last one written; true if it did. */
  show(value: string): boolean {
    if (value === this.shown) return false
    this.input.value = this.shown = value
    return true
  }

  render(state: ViewState): void {
    const { input, form } = this
    form.hidden = state.signedOut
    this.slot.hidden = !form.hidden
    form.setAttribute('aria-busy', String(state.busy))
    this.slot.textContent = state.text('signedOut')
    this.label.textContent = state.text('label')
    this.saveButton.textContent = state.text('save')
    this.removeButton.textContent = state.text('remove')
    this.current.textContent = state.current
    // Only when changed (both are ISO dates): assigning `min` or `max`, even the same value, resets
    // a date field that is being typed into (Chromium), so keyboard entry came out garbled.
    if (input.min + input.max !== state.min + state.max)
      Object.assign(input, { min: state.min, max: state.max })
    Object.assign(input, {
      required: state.required,
      readOnly: state.readOnly,
      disabled: state.off,
    })
    input.setAttribute('aria-invalid', String(state.invalid))
    this.saveButton.disabled = state.saveDisabled
    this.removeButton.disabled = state.removeDisabled
    this.message.textContent = state.message
  }
}
