// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { BirthdayEditorElement } from './birthday-editor.ts'
import { defineBirthdayEditor } from './define.ts'

describe('defineBirthdayEditor', () => {
  it('defines <birthday-editor> on import, and is quiet when called again', () => {
    const warn = vi.spyOn(console, 'warn')
    expect(customElements.get('birthday-editor')).toBe(BirthdayEditorElement)
    defineBirthdayEditor()
    expect(warn).not.toHaveBeenCalled()
    expect(document.createElement('birthday-editor')).toBeInstanceOf(BirthdayEditorElement)
  })

  it('warns, and leaves the tag alone, when another class holds it', () => {
    class Other extends HTMLElement {}
    customElements.define('taken-editor', Other)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    defineBirthdayEditor('taken-editor')
    expect(warn).toHaveBeenCalledWith('<taken-editor> is taken by another class')
    expect(customElements.get('taken-editor')).toBe(Other)
  })

  it('defines into a given registry', () => {
    const registry = { get: vi.fn(), define: vi.fn() } as unknown as CustomElementRegistry
    defineBirthdayEditor('my-birthday', registry)
    expect(registry.define).toHaveBeenCalledWith('my-birthday', BirthdayEditorElement)
  })

  it('does nothing without a registry (a server-side import)', () => {
    vi.stubGlobal('customElements', undefined)
    try {
      expect(() => defineBirthdayEditor('other-editor')).not.toThrow()
    } finally {
      vi.unstubAllGlobals()
    }
    expect(customElements.get('other-editor')).toBeUndefined()
  })
})
