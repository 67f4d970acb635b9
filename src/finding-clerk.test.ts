// @vitest-environment happy-dom
/**
 * Finding Clerk on any page: a `window.Clerk` that arrives late (by a script tag or without one), one
 * the page loads late or never, none at all, a failed load; the 10 s message, the one warning per
 * page, and recovery. Fake timers throughout; a fake Clerk.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BirthdayEditorElement } from './birthday-editor.ts'
import { MAX_CHECK_INTERVAL } from './clerk-watch.ts'
import './define.ts'
import type { BirthdayEditorErrorEvent } from './events.ts'
import { FakeClerk, fakeBackend } from './testing/fake-clerk.ts'
import { warned } from './warn.ts'

const USER_MESSAGE = 'Sign-in is not available right now. Reload the page to try again.'
const setGlobal = (clerk: unknown) => ((window as { Clerk?: unknown }).Clerk = clerk)
const part = (el: BirthdayEditorElement, name: string) =>
  el.shadowRoot!.querySelector<HTMLInputElement>(`[part="${name}"]`)!

let warn: ReturnType<typeof vi.spyOn>

function editor(attributes: Record<string, string> = {}) {
  const el = document.createElement('birthday-editor')
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value)
  const errors: BirthdayEditorErrorEvent[] = []
  el.addEventListener('birthday-editor-error', (event) => errors.push(event))
  document.body.append(el)
  return { el, errors }
}

/** A Clerk as Clerk's browser bundle leaves it: constructed, not loaded; signs in on `load()`. */
function unloadedClerk(birthday = '1990-12-10') {
  const clerk = new FakeClerk()
  clerk.load.mockImplementation(async () => {
    clerk.signIn('user_1', birthday)
    for (const handler of clerk.statusHandlers) handler()
  })
  fakeBackend(clerk)
  return clerk
}

/** A script tag that runs and then fires `load`, as Clerk's async tag does. */
function scriptLoads(run: () => void) {
  const script = document.createElement('script')
  script.type = 'text/plain' // happy-dom must not run it; we do
  document.head.append(script)
  run()
  script.dispatchEvent(new Event('load'))
}

beforeEach(() => {
  vi.useFakeTimers()
  warned.clear()
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  document.body.replaceChildren()
  document.head.replaceChildren()
  vi.useRealTimers()
  vi.unstubAllGlobals()
  delete (window as { Clerk?: unknown }).Clerk
})

describe('a window.Clerk that arrives after the element', () => {
  it('is found when Clerk’s script tag loads, 2 s later, then followed as it loads', async () => {
    const { el } = editor()
    await vi.advanceTimersByTimeAsync(2000)
    expect(el.status).toBe('loading')
    const clerk = unloadedClerk()
    scriptLoads(() => setGlobal(clerk))
    expect(el.clerk).toBe(clerk)
    expect(el.status).toBe('loading')
    // `window.addEventListener('load', () => Clerk.load())`: the page loads it.
    await clerk.load()
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    expect(el.value).toBe('1990-12-10')
    expect(clerk.load).toHaveBeenCalledTimes(1)
  })

  it('is found without a script tag of its own (an npm bundle assigning it), within 2 s', async () => {
    const { el } = editor()
    await vi.advanceTimersByTimeAsync(5000)
    const clerk = unloadedClerk()
    setGlobal(clerk)
    await vi.advanceTimersByTimeAsync(MAX_CHECK_INTERVAL)
    expect(el.clerk).toBe(clerk)
  })

  it('is watched for once per page, however many editors wait, and not once found', async () => {
    const listen = vi.spyOn(document, 'addEventListener')
    const editors = [editor(), editor(), editor()]
    expect(listen.mock.calls.filter(([type]) => type === 'load')).toHaveLength(1)
    // Three 10 s give-up timers and one check.
    expect(vi.getTimerCount()).toBe(4)
    const clerk = unloadedClerk()
    scriptLoads(() => setGlobal(clerk))
    for (const { el } of editors) expect(el.clerk).toBe(clerk)
    expect(vi.getTimerCount()).toBe(3)
  })

  it('checks on a backoff, never more often than every 100 ms, at most 2 s apart', async () => {
    const get = vi.fn(() => undefined)
    Object.defineProperty(window, 'Clerk', { configurable: true, get })
    editor()
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1600)
    const early = get.mock.calls.length
    expect(early).toBeLessThanOrEqual(7)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(get.mock.calls.length - early).toBeLessThanOrEqual(11)
  })

  it('stops watching when the last waiting editor leaves', async () => {
    const unlisten = vi.spyOn(document, 'removeEventListener')
    const { el } = editor()
    el.remove()
    expect(unlisten.mock.calls.filter(([type]) => type === 'load')).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('a Clerk the page never loads', () => {
  it('is never loaded by the element; after 10 s the user reads a message and the developer a warning', async () => {
    const clerk = unloadedClerk()
    setGlobal(clerk)
    const { el, errors } = editor()
    const other = editor()
    await vi.advanceTimersByTimeAsync(9999)
    expect(el.status).toBe('loading')
    expect(errors).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(el.status).toBe('error')
    expect(errors).toMatchObject([{ code: 'clerk', message: USER_MESSAGE }])
    expect(other.errors).toHaveLength(1)
    expect(part(el, 'message').textContent).toBe(USER_MESSAGE)
    expect(part(el, 'day').disabled).toBe(true)
    expect(clerk.load).not.toHaveBeenCalled()
    // One warning for the page, naming what is missing and the three fixes.
    expect(warn).toHaveBeenCalledTimes(1)
    const [text] = warn.mock.calls[0] as [string]
    expect(text).toContain('nothing called Clerk.load() in 10 s')
    expect(text).toContain(
      'Set the `clerk` property, add `publishable-key`, or call `Clerk.load()`',
    )
  })

  it('recovers when the page loads Clerk later', async () => {
    const clerk = unloadedClerk()
    setGlobal(clerk)
    const { el } = editor()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(el.status).toBe('error')
    await clerk.load()
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    expect(el.value).toBe('1990-12-10')
    expect(part(el, 'message').textContent).toBe('Pick a new date to save.')
    expect(part(el, 'day').disabled).toBe(false)
  })

  it('shows the message at once when Clerk’s load fails, and recovers on a later load', async () => {
    const clerk = unloadedClerk()
    const status = { value: 'loading' }
    Object.defineProperty(clerk, 'status', { get: () => status.value })
    setGlobal(clerk)
    const { el, errors } = editor()
    status.value = 'error'
    for (const handler of clerk.statusHandlers) handler()
    expect(errors).toMatchObject([{ code: 'clerk' }])
    const [text] = warn.mock.calls[0] as [string]
    // Clerk was found and loaded: the fix is what it reaches, not the three ways to give one.
    expect(text).toContain("its load failed. Clerk's own error says why")
    expect(text).toContain('does its key (or `proxyUrl`) reach its Frontend API?')
    expect(text).not.toContain('call `Clerk.load()`')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(errors).toHaveLength(1)
    status.value = 'ready'
    await clerk.load()
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
  })
})

describe('no Clerk at all', () => {
  it('says so after 10 s, and recovers when one appears later', async () => {
    const { el, errors } = editor()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(errors).toMatchObject([{ code: 'clerk', message: USER_MESSAGE }])
    expect(warn).toHaveBeenCalledTimes(1)
    expect((warn.mock.calls[0] as [string])[0]).toContain('none found in 10 s')
    const clerk = unloadedClerk('1975-03-04')
    scriptLoads(() => setGlobal(clerk))
    await clerk.load()
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    expect(el.value).toBe('1975-03-04')
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('gives no message when the `clerk` property is set in time', async () => {
    const { el, errors } = editor()
    await vi.advanceTimersByTimeAsync(3000)
    const clerk = unloadedClerk()
    el.clerk = clerk
    await clerk.load()
    await vi.advanceTimersByTimeAsync(20_000)
    expect(errors).toEqual([])
    expect(el.status).toBe('idle')
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('publishable-key on a page that has Clerk’s own tag', () => {
  it('adds no second tag, waits for the page’s Clerk and never loads it', async () => {
    const tag = document.createElement('script')
    tag.type = 'text/plain'
    tag.setAttribute('data-clerk-publishable-key', 'pk_test_Y2xlcmsuZXhhbXBsZS50ZXN0JA')
    document.head.append(tag)
    const { el } = editor({ 'publishable-key': 'pk_test_Y2xlcmsuZXhhbXBsZS50ZXN0JA' })
    await vi.advanceTimersByTimeAsync(0)
    expect(document.querySelectorAll('script')).toHaveLength(1)
    const clerk = unloadedClerk()
    setGlobal(clerk)
    tag.dispatchEvent(new Event('load'))
    expect(el.clerk).toBe(clerk)
    await vi.advanceTimersByTimeAsync(3000)
    expect(clerk.load).not.toHaveBeenCalled()
    await clerk.load() // the page's own call
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
  })
})
