import { describe, expect, it } from 'vitest'

describe('without a DOM', () => {
  it('imports the library and the define module without throwing or registering anything', async () => {
    expect(typeof document).toBe('undefined')
    const library = await import('./index.ts')
    expect(library.BirthdayEditorElement.observedAttributes).toContain('publishable-key')
    const define = await import('./define.ts')
    expect(Object.keys(define)).toEqual(['defineBirthdayEditor'])
  })
})
