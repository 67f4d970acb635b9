// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent, changeEvent } from './events.ts'

describe('events', () => {
  it('carry plain, readonly data and cross shadow roots', () => {
    const saved = new BirthdayEditorSavedEvent('1990-12-10', true, 1_700_000_000)
    expect(saved).toBeInstanceOf(Event)
    expect(saved).toMatchObject({
      type: 'birthday-editor-saved',
      bubbles: true,
      composed: true,
      cancelable: false,
      birthday: '1990-12-10',
      verified: true,
      iat: 1_700_000_000,
    })
    const error = new BirthdayEditorErrorEvent('network', 'Could not reach the server.')
    expect(error).toMatchObject({
      type: 'birthday-editor-error',
      code: 'network',
      bubbles: true,
      composed: true,
    })
    expect(error.message).toBe('Could not reach the server.')
    expect(changeEvent()).toMatchObject({ type: 'change', bubbles: true, composed: true })
  })

  it('reach a listener outside the shadow root, typed through GlobalEventHandlersEventMap', () => {
    const host = document.createElement('div')
    const inner = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('span'))
    document.body.append(host)
    const seen: Array<string | null> = []
    document.addEventListener('birthday-editor-saved', (event) => seen.push(event.birthday))
    document.addEventListener('birthday-editor-error', (event) => seen.push(event.code))
    inner.dispatchEvent(new BirthdayEditorSavedEvent(null, false, null))
    inner.dispatchEvent(new BirthdayEditorErrorEvent('claim-stale', 'lagging'))
    expect(seen).toEqual([null, 'claim-stale'])
  })
})
