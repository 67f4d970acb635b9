/**
 * Registers `<birthday-editor>`: importing this module defines the tag once. A tag already taken by
 * this class is left alone; one taken by another class gets a console warning.
 */
import { BirthdayEditorElement } from './birthday-editor.ts'

/** Defines `tag` (default `birthday-editor`) in `registry` (default the global one). */
export function defineBirthdayEditor(
  tag = 'birthday-editor',
  registry: CustomElementRegistry | undefined = globalThis.customElements,
): void {
  const existing = registry?.get(tag)
  if (!existing) registry?.define(tag, BirthdayEditorElement)
  else if (existing !== BirthdayEditorElement) console.warn(`<${tag}> is taken by another class`)
}

defineBirthdayEditor()

declare global {
  interface HTMLElementTagNameMap {
    'birthday-editor': BirthdayEditorElement
  }
}
