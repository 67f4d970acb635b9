// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { localToday } from './birthday.ts'
import { BirthdayEditorElement, defaultStrings } from './birthday-editor.ts'
import { styles } from './birthday-editor.styles.ts'
import './define.ts'
import type { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent } from './events.ts'
import { FakeClerk, fakeBackend, fakeJwt, respond } from './testing/fake-clerk.ts'
import { ERROR_TABLE } from './save.ts'
import { FALLBACK_STATUSES } from './save-fallbacks.ts'
import { warned } from './warn.ts'

// happy-dom has no ElementInternals: a stand-in records the custom states the element sets.
const internals = new WeakMap<HTMLElement, { states: Set<string> }>()
Object.defineProperty(HTMLElement.prototype, 'attachInternals', {
  configurable: true,
  value(this: HTMLElement) {
    const value = { states: new Set<string>() }
    internals.set(this, value)
    return value
  },
})
const states = (el: HTMLElement) => [...internals.get(el)!.states].sort()

type Editor = BirthdayEditorElement
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
const part = <T extends HTMLElement>(el: Editor, name: string) =>
  el.shadowRoot!.querySelector<T>(`[part="${name}"]`)!
const parts = (el: Editor) => ({
  form: part<HTMLFormElement>(el, 'form'),
  input: part<HTMLInputElement>(el, 'input'),
  save: part<HTMLButtonElement>(el, 'save-button'),
  remove: part<HTMLButtonElement>(el, 'remove-button'),
  current: part(el, 'current-value'),
  message: part(el, 'message'),
  slot: el.shadowRoot!.querySelector('slot')!,
})

/** What a user does: types a date, then the input commits it. */
function type(input: HTMLInputElement, value: string) {
  input.value = value
  input.dispatchEvent(new Event('input', { bubbles: true }))
  input.dispatchEvent(new Event('change', { bubbles: true }))
}

function record(el: Editor) {
  const events: Event[] = []
  for (const name of ['change', 'birthday-editor-saved', 'birthday-editor-error']) {
    el.addEventListener(name, (event) => events.push(event))
  }
  return events
}

async function mount(
  attributes: Record<string, string> = {},
  { birthday = '1990-12-10' as unknown, signIn = true } = {},
) {
  const clerk = new FakeClerk()
  const session = signIn ? clerk.signIn('user_1', birthday) : undefined
  const backend = fakeBackend(clerk)
  const el = document.createElement('birthday-editor')
  // These tests drive the native date input (`input="native"`, as it always was); the three
  // memorable-date fields have their own file, birthday-editor.fields.test.ts.
  for (const [name, value] of Object.entries({ input: 'native', ...attributes }))
    el.setAttribute(name, value)
  el.clerk = clerk
  document.body.append(el)
  const events = record(el)
  await settle()
  return { el, clerk, session: session!, backend, events, ...parts(el) }
}

/** Types a new date and submits, as a user would. */
/**
 * A save that has been written and is refreshing, under fake timers, where fresh tokens keep
 * carrying the old value (a lagging claim), so the refresh keeps retrying.
 */
async function refreshingWithLaggingClaim() {
  const ui = await mount()
  vi.useFakeTimers()
  ui.session.getToken.mockImplementation(async (options) => {
    if (options?.skipCache) ui.session.hold(ui.clerk.mint({ birthday: '1990-12-10' }))
    return ui.session.lastActiveToken!.getRawString()
  })
  type(ui.input, '1991-02-03')
  ui.form.requestSubmit()
  await vi.advanceTimersByTimeAsync(0)
  expect(ui.el.status).toBe('refreshing')
  return ui
}

async function saveAs(ui: Awaited<ReturnType<typeof mount>>, value: string) {
  type(ui.input, value)
  await settle()
  ui.save.click()
}

beforeEach(() => {
  document.body.replaceChildren()
  document.documentElement.removeAttribute('lang')
})
afterEach(() => {
  document.body.replaceChildren()
  vi.useRealTimers()
  vi.unstubAllGlobals()
  delete (window as { Clerk?: unknown }).Clerk
})

describe('creation and structure', () => {
  it('is created by createElement and by new, and defines nothing on import', () => {
    expect(document.createElement('birthday-editor')).toBeInstanceOf(BirthdayEditorElement)
    expect(new BirthdayEditorElement().status).toBe('loading')
    expect(customElements.get('birthday-editor')).toBe(BirthdayEditorElement)
  })

  it('has an open shadow root with the documented parts, a slot, and one shared stylesheet', async () => {
    const { el } = await mount()
    const root = el.shadowRoot!
    const names = () =>
      [...root.querySelectorAll('[part]')].map((node) => node.getAttribute('part'))
    const around = ['form', 'fields', 'label']
    const after = ['current-value', 'save-button', 'remove-button', 'message']
    // The native date input, or the three fields (the default): never both in the tree.
    expect(names()).toEqual([...around, 'input', ...after])
    el.lang = 'en-GB'
    el.removeAttribute('input')
    await settle()
    expect(names()).toEqual([...around, 'day', 'month', 'year', ...after])
    expect(root.querySelector('slot')!.name).toBe('signed-out')
    expect(root.adoptedStyleSheets).toEqual([styles()])
    expect(new BirthdayEditorElement().shadowRoot!.adoptedStyleSheets[0]).toBe(styles())
    // CSP: no <style>, no inline style attribute anywhere.
    expect(root.querySelector('style, [style]')).toBeNull()
    expect(el.hasAttribute('style')).toBe(false)
  })

  it('labels the native date input and wires up ARIA', async () => {
    const { el, input, form, message, save } = await mount()
    const label = part<HTMLLegendElement>(el, 'label')
    expect(input.type).toBe('date')
    // The fields' legend names it too: one label for both ways of entry.
    expect(input.getAttribute('aria-labelledby')).toBe(label.id)
    expect(label.textContent).toBe('Birthday')
    expect(input.getAttribute('aria-describedby')).toBe(message.id)
    expect(save.getAttribute('aria-describedby')).toBe(message.id)
    expect(message.getAttribute('role')).toBe('status')
    expect(form.getAttribute('aria-busy')).toBe('false')
    expect(input.getAttribute('aria-invalid')).toBe('false')
  })
})

describe('attributes and properties', () => {
  const cases: Array<[string, string, unknown, string, unknown]> = [
    // property, attribute, default, invalid attribute, what the property gives for it
    ['min', 'min', '1900-01-01', 'soon', '1900-01-01'],
    ['max', 'max', localToday(), '2020-02-30', localToday()],
    ['value', 'value', '', 'garbage', ''],
    ['endpoint', 'endpoint', '/api/update-user-metadata', '', '/api/update-user-metadata'],
    ['claim', 'claim', 'birthday', '', 'birthday'],
    ['refresh', 'refresh', 'token', 'sometimes', 'token'],
    ['timeout', 'timeout', 10_000, '-5', 10_000],
    ['publishableKey', 'publishable-key', null, '', null],
    ['proxyUrl', 'proxy-url', null, '', null],
    ['clerkJsUrl', 'clerk-js-url', null, '', null],
  ]

  it.each(cases)(
    '%s defaults and falls back on invalid input',
    (property, attribute, fallback, invalid, read) => {
      const el = new BirthdayEditorElement() as unknown as Record<string, unknown> & HTMLElement
      expect(el[property]).toEqual(fallback)
      el.setAttribute(attribute, invalid)
      expect(el[property]).toEqual(read)
    },
  )

  it.each([
    ['min', 'min', '2000-01-01'],
    ['max', 'max', '2010-06-30'],
    ['value', 'value', '2004-02-29'],
    ['endpoint', 'endpoint', 'https://api.example.test/birthday'],
    ['claim', 'claim', 'metadata.birthday'],
    ['refresh', 'refresh', 'user'],
    ['publishableKey', 'publishable-key', 'pk_test_x'],
    ['proxyUrl', 'proxy-url', '/__clerk'],
    ['clerkJsUrl', 'clerk-js-url', '/clerk.browser.js'],
  ])('%s reflects to and from its attribute', (property, attribute, value) => {
    const el = new BirthdayEditorElement() as unknown as Record<string, unknown> & HTMLElement
    el[property] = value
    expect(el.getAttribute(attribute)).toBe(value)
    el.setAttribute(attribute, value)
    expect(el[property]).toBe(value)
    el[property] = null
    expect(el.hasAttribute(attribute)).toBe(false)
  })

  it('reflects timeout as a number and the booleans as presence', () => {
    const el = new BirthdayEditorElement()
    el.timeout = 2500
    expect(el.getAttribute('timeout')).toBe('2500')
    expect(el.timeout).toBe(2500)
    for (const [property, attribute] of [
      ['required', 'required'],
      ['disabled', 'disabled'],
      ['readOnly', 'readonly'],
    ] as const) {
      expect(el[property]).toBe(false)
      el[property] = true
      expect(el.getAttribute(attribute)).toBe('')
      el.removeAttribute(attribute)
      expect(el[property]).toBe(false)
      el.setAttribute(attribute, 'false')
      expect(el[property]).toBe(true)
      el[property] = false
      expect(el.hasAttribute(attribute)).toBe(false)
    }
  })

  it('replays properties set before the upgrade', async () => {
    const clerk = new FakeClerk()
    clerk.signIn('user_1', '1985-05-05')
    fakeBackend(clerk)
    const el = document.createElement('birthday-editor-lazy') as Editor
    Object.assign(el, {
      clerk,
      disabled: true,
      endpoint: '/lazy',
      strings: { label: 'Geburtstag' },
    })
    document.body.append(el)
    customElements.define('birthday-editor-lazy', class extends BirthdayEditorElement {})
    await settle()
    expect(el).toBeInstanceOf(BirthdayEditorElement)
    expect(el.getAttribute('endpoint')).toBe('/lazy')
    expect(el.disabled).toBe(true)
    expect(el.clerk).toBe(clerk)
    expect(el.value).toBe('1985-05-05')
    expect(part(el, 'label').textContent).toBe('Geburtstag')
    expect(part<HTMLInputElement>(el, 'day').disabled).toBe(true)
  })

  it('renders once per burst of changes', async () => {
    const { el, form } = await mount()
    const writes = vi.spyOn(form, 'setAttribute')
    el.min = '1950-01-01'
    el.max = '2000-01-01'
    el.required = true
    el.setAttribute('lang', 'de')
    el.strings = { save: 'Speichern' }
    el.value = '1991-01-01'
    await settle()
    expect(writes.mock.calls.filter(([name]) => name === 'aria-busy')).toHaveLength(1)
  })

  it('applies min, max, required, disabled and readonly to the controls', async () => {
    const { el, input, save, remove } = await mount({ min: '1950-01-01', max: '2000-12-31' })
    expect([input.min, input.max, input.required]).toEqual(['1950-01-01', '2000-12-31', false])
    expect(remove.disabled).toBe(false)
    el.required = true
    await settle()
    expect(input.required).toBe(true)
    expect(remove.disabled).toBe(true)
    el.required = false
    el.readOnly = true
    await settle()
    expect(input.readOnly).toBe(true)
    type(input, '1991-01-01')
    await settle()
    expect([save.disabled, remove.disabled]).toEqual([true, true])
    el.readOnly = false
    el.disabled = true
    await settle()
    expect([input.disabled, save.disabled, remove.disabled]).toEqual([true, true, true])
  })

  it('takes every user-visible string from `strings`', async () => {
    const { el, save, remove, message, current } = await mount()
    el.strings = {
      save: 'Speichern',
      remove: 'Löschen',
      unchanged: 'Unverändert',
      current: '= {date}',
    }
    await settle()
    expect([save.textContent, remove.textContent, message.textContent]).toEqual([
      'Speichern',
      'Löschen',
      'Unverändert',
    ])
    expect(current.textContent).toBe('= December 10, 1990')
    expect(el.strings).toEqual({ ...defaultStrings, ...el.strings, save: 'Speichern' })
    expect(el.strings.label).toBe('Birthday')
  })

  it('formats the saved date with Intl in its own or the nearest ancestor language', async () => {
    document.documentElement.lang = 'fr'
    const { el, current } = await mount()
    expect(current.textContent).toBe('Saved: 10 décembre 1990')
    el.lang = 'de'
    await settle()
    expect(current.textContent).toBe('Saved: 10. Dezember 1990')
    el.lang = 'not a language!'
    await settle()
    expect(current.textContent).toBe('Saved: 1990-12-10')
  })

  it('makes a date formatter once per language, not on every render', async () => {
    const Original = Intl.DateTimeFormat
    const made: unknown[] = []
    Intl.DateTimeFormat = function (
      this: unknown,
      ...args: ConstructorParameters<typeof Original>
    ) {
      made.push(args[0])
      return new Original(...args)
    } as unknown as typeof Original
    try {
      const ui = await mount({ lang: 'it' })
      await saveAs(ui, '1991-02-03')
      await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
      expect(ui.current.textContent).toBe('Saved: 3 febbraio 1991')
      // Renders: connect, sign-in, typing, saving, refreshing, saved; one formatter for "it".
      expect(made.filter((lang) => lang === 'it')).toHaveLength(1)
    } finally {
      Intl.DateTimeFormat = Original
    }
  })
})

describe('getting Clerk and following it', () => {
  it('shows loading before Clerk has loaded, then the claim', async () => {
    const clerk = new FakeClerk()
    const el = document.createElement('birthday-editor')
    el.clerk = clerk
    document.body.append(el)
    await settle()
    const { form, message, current } = parts(el)
    const day = part<HTMLInputElement>(el, 'day')
    expect(el.status).toBe('loading')
    expect(states(el)).toEqual(['loading'])
    expect(form.getAttribute('aria-busy')).toBe('true')
    expect(day.disabled).toBe(true)
    expect(message.textContent).toBe('Loading…')
    clerk.signIn('user_1', '1990-12-10')
    await settle()
    expect(el.status).toBe('idle')
    expect(states(el)).toEqual(['idle'])
    expect(el.value).toBe('1990-12-10')
    expect(day.value).toBe('10')
    expect(day.disabled).toBe(false)
    expect(form.getAttribute('aria-busy')).toBe('false')
    expect(current.textContent).toBe('Saved: December 10, 1990')
  })

  it('reads the claim from the token Clerk holds, without a request', async () => {
    const { session, backend } = await mount()
    expect(session.getToken).not.toHaveBeenCalled()
    expect(backend.fetch).not.toHaveBeenCalled()
  })

  it('uses window.Clerk when no clerk property is set', async () => {
    const clerk = new FakeClerk()
    clerk.signIn('user_1', '2001-09-11')
    ;(window as { Clerk?: unknown }).Clerk = clerk
    const el = document.createElement('birthday-editor')
    document.body.append(el)
    await settle()
    expect(el.clerk).toBe(clerk)
    expect(el.value).toBe('2001-09-11')
  })

  it('prefers the clerk property, and switches when it changes', async () => {
    const { el } = await mount()
    const other = new FakeClerk()
    other.signIn('user_2', '1970-01-01')
    el.clerk = other
    await settle()
    expect(el.value).toBe('1970-01-01')
  })

  it('leaves loading when a load ends signed out with only the status event', async () => {
    const clerk = new FakeClerk()
    const el = document.createElement('birthday-editor')
    el.clerk = clerk
    document.body.append(el)
    await settle()
    expect(el.status).toBe('loading')
    clerk.finishLoadSignedOut()
    await settle()
    expect(el.status).toBe('signed-out')
    expect(parts(el).form.hidden).toBe(true)
    el.remove()
    expect(clerk.off).toHaveBeenCalledWith('status', clerk.on.mock.calls[0]?.[1])
    expect(clerk.statusHandlers.size).toBe(0)
  })

  it('shows the signed-out slot and no form when nobody is signed in', async () => {
    const { el, clerk, form, slot, message } = await mount({}, { signIn: false })
    clerk.loaded = true
    clerk.emit()
    await settle()
    expect(el.status).toBe('signed-out')
    expect(states(el)).toEqual(['signed-out'])
    expect(form.hidden).toBe(true)
    expect(slot.hidden).toBe(false)
    expect(slot.textContent).toBe('Sign in to set your birthday.')
    expect(message.textContent).toBe('')
    const own = document.createElement('a')
    own.slot = 'signed-out'
    own.textContent = 'Please log in'
    el.append(own)
    expect(slot.assignedNodes()).toEqual([own])
  })

  it('follows sign-in, sign-out and user switch, clearing the previous user', async () => {
    const { el, clerk, form, slot, input } = await mount()
    clerk.signOut()
    await settle()
    expect(el.status).toBe('signed-out')
    expect(el.value).toBe('')
    expect(input.value).toBe('')
    expect([form.hidden, slot.hidden]).toEqual([true, false])
    clerk.signIn('user_2', '1969-07-20')
    await settle()
    expect(el.status).toBe('idle')
    expect(el.value).toBe('1969-07-20')
    type(input, '1991-01-01')
    clerk.signIn('user_3', null)
    await settle()
    expect(el.value).toBe('')
    expect(input.value).toBe('')
  })

  it('follows a token refresh that carries a new claim, unless the user is editing', async () => {
    const { el, clerk, session, input } = await mount()
    clerk.birthday = '1990-12-11'
    session.hold(clerk.mint())
    await settle()
    expect(el.value).toBe('1990-12-11')
    type(input, '1980-01-01')
    clerk.birthday = '1990-12-12'
    session.hold(clerk.mint())
    await settle()
    expect(el.value).toBe('1980-01-01')
    expect(part(el, 'current-value').textContent).toBe('Saved: December 12, 1990')
  })

  it.each([
    ['a token that is not a JWT', 'not-a-jwt'],
    ['a payload that is not JSON', 'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig'],
    ['a payload that is an array', fakeJwt([1, 2])],
    ['an impossible date', fakeJwt({ sub: 'user_1', birthday: '1990-02-30' })],
    ['markup', fakeJwt({ sub: 'user_1', birthday: '<img src=x onerror=alert(1)>' })],
    ['a number', fakeJwt({ sub: 'user_1', birthday: 19901210 })],
    ['an object', fakeJwt({ sub: 'user_1', birthday: { year: 1990 } })],
  ])('shows an empty field for %s', async (_, jwt) => {
    const { el, session, input, current } = await mount()
    session.hold(jwt)
    await settle()
    expect(el.value).toBe('')
    expect(input.value).toBe('')
    expect(current.textContent).toBe('None saved.')
    expect(el.shadowRoot!.querySelector('img')).toBeNull()
    expect(el.status).toBe('idle')
  })

  it('reads the claim at a dot path', async () => {
    const clerk = new FakeClerk()
    clerk.claimName = 'metadata'
    clerk.signIn('user_1', { birthday: '1975-03-04' })
    const el = document.createElement('birthday-editor')
    el.claim = 'metadata.birthday'
    el.clerk = clerk
    document.body.append(el)
    await settle()
    expect(el.value).toBe('1975-03-04')
  })

  it('reads another claim when the claim attribute changes', async () => {
    const { el, session, clerk } = await mount()
    session.hold(clerk.mint({ dob: '1960-06-06' }))
    el.claim = 'dob'
    await settle()
    expect(el.value).toBe('1960-06-06')
  })
})

describe('editing', () => {
  it('fires change only when the user commits a new valid date', async () => {
    const { el, input, events } = await mount()
    el.value = '2000-01-01'
    await settle()
    expect(input.value).toBe('2000-01-01')
    expect(events).toEqual([])
    type(input, '2000-01-01')
    expect(events).toEqual([])
    type(input, '2004-02-29')
    expect(events.map((event) => event.type)).toEqual(['change'])
    expect(events[0]).toMatchObject({ bubbles: true, composed: true })
    expect(el.value).toBe('2004-02-29')
    expect(el.getAttribute('value')).toBe('2004-02-29')
  })

  it('keeps save disabled, with the reason, while the value is unchanged', async () => {
    const { input, save, message } = await mount()
    expect(save.disabled).toBe(true)
    expect(message.textContent).toBe('Pick a new date to save.')
    type(input, '1990-12-11')
    await settle()
    expect(save.disabled).toBe(false)
    expect(message.textContent).toBe('')
    type(input, '1990-12-10')
    await settle()
    expect(save.disabled).toBe(true)
  })

  it.each([
    ['1899-12-31', 'Enter January 1, 1900 or later.'],
    ['9999-01-01', /^Enter .* or earlier\.$/],
  ])('marks %s invalid: message, aria-invalid, no change, no save', async (value, text) => {
    const { el, input, save, message, events, backend } = await mount()
    type(input, value)
    await settle()
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(states(el)).toEqual(['idle', 'invalid', 'user-invalid'])
    expect(message.textContent).toMatch(text)
    expect(save.disabled).toBe(true)
    expect(events).toEqual([])
    expect(el.value).toBe('1990-12-10')
    await el.save()
    expect(backend.fetch).not.toHaveBeenCalled()
    expect(input.value).toBe(value)
    type(input, '1991-01-01')
    await settle()
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect(states(el)).toEqual(['idle'])
  })

  it('uses custom bounds and accepts leap days on them', async () => {
    const { el, input, message } = await mount({ min: '2000-02-29', max: '2024-02-29' })
    type(input, '2000-02-28')
    await settle()
    expect(message.textContent).toBe('Enter February 29, 2000 or later.')
    type(input, '2000-02-29')
    type(input, '2024-02-29')
    await settle()
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect(el.value).toBe('2024-02-29')
    type(input, '2024-03-01')
    await settle()
    expect(message.textContent).toBe('Enter February 29, 2024 or earlier.')
  })

  it('requires a date when `required`, and otherwise treats empty as no birthday', async () => {
    const { el, input, message } = await mount({ required: '' })
    type(input, '')
    await settle()
    expect(message.textContent).toBe('Enter a date.')
    el.required = false
    type(input, '')
    await settle()
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect(el.value).toBe('')
  })

  it('moves focus to the input when an invalid date is submitted', async () => {
    const { el, input, form } = await mount()
    input.value = '1800-01-01'
    form.requestSubmit()
    await settle()
    expect(el.shadowRoot!.activeElement).toBe(input)
    expect(input.getAttribute('aria-invalid')).toBe('true')
  })
})

describe('saving', () => {
  it('posts the birthday with the session token, then refreshes and verifies it', async () => {
    const ui = await mount()
    const { el, backend, session, form, current, message, events } = ui
    await saveAs(ui, '1991-02-03')
    expect(el.status).toBe('saving')
    expect(states(el)).toEqual(['saving'])
    await Promise.resolve()
    expect(form.getAttribute('aria-busy')).toBe('true')
    expect(current.textContent).toBe('Saved: February 3, 1991')
    expect(message.textContent).toBe('Saving…')
    await vi.waitFor(() => expect(el.status).toBe('saved'))
    expect(backend.fetch).toHaveBeenCalledTimes(1)
    const [url, init] = backend.fetch.mock.calls[0]!
    expect(url).toBe('/api/update-user-metadata')
    expect(init).toMatchObject({
      method: 'POST',
      redirect: 'error',
      headers: {
        'content-type': 'application/json',
        authorization: expect.stringMatching(/^Bearer ey/),
      },
      body: '{"birthday":"1991-02-03"}',
    })
    expect(init!.signal).toBeInstanceOf(AbortSignal)
    expect(session.getToken).toHaveBeenNthCalledWith(1, { skipCache: false })
    expect(session.getToken).toHaveBeenLastCalledWith({ skipCache: true })
    await settle()
    expect(states(el)).toEqual(['saved'])
    expect(form.getAttribute('aria-busy')).toBe('false')
    expect(message.textContent).toBe('Saved.')
    expect(current.textContent).toBe('Saved: February 3, 1991')
    const saved = events.find(
      (event) => event.type === 'birthday-editor-saved',
    ) as BirthdayEditorSavedEvent
    expect(saved).toMatchObject({
      birthday: '1991-02-03',
      verified: true,
      bubbles: true,
      composed: true,
    })
    expect(saved.iat).toBeGreaterThan(1_700_000_000)
    expect(events.map((event) => event.type)).toEqual(['change', 'birthday-editor-saved'])
  })

  it('goes through refreshing, and back to idle when the user edits again', async () => {
    const ui = await mount()
    const seen: string[] = []
    const observe = () => {
      if (seen.at(-1) !== ui.el.status) seen.push(ui.el.status)
    }
    const tokens = ui.session.getToken.getMockImplementation()!
    ui.session.getToken.mockImplementation(async (options) => {
      observe()
      return tokens(options)
    })
    await saveAs(ui, '1991-02-03')
    observe()
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    observe()
    type(ui.input, '1991-02-04')
    observe()
    expect(seen).toEqual(['saving', 'refreshing', 'saved', 'idle'])
  })

  it('removes the birthday by sending null', async () => {
    const { el, remove, backend, current, input, events } = await mount()
    remove.click()
    expect(current.textContent).toBe('Saved: December 10, 1990')
    await settle()
    await vi.waitFor(() => expect(el.status).toBe('saved'))
    expect(backend.fetch.mock.calls[0]![1]!.body).toBe('{"birthday":null}')
    expect(current.textContent).toBe('None saved.')
    expect(el.value).toBe('')
    expect(input.value).toBe('')
    expect(remove.disabled).toBe(true)
    expect(events.find((event) => event.type === 'birthday-editor-saved')).toMatchObject({
      birthday: null,
      verified: true,
    })
  })

  it('sends one POST for a double submit', async () => {
    const ui = await mount()
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    ui.form.requestSubmit()
    await ui.el.save()
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.backend.fetch).toHaveBeenCalledTimes(1)
  })

  it('posts the token Clerk holds while it has over 10 s left, without asking ClerkJS for it', async () => {
    const ui = await mount()
    // A held token minted just now (the other tests hold tokens from 2023, long expired).
    ui.session.hold(
      ui.clerk.mint({ iat: Math.floor(Date.now() / 1000), exp: Date.now() / 1000 + 60 }),
    )
    const held = ui.session.lastActiveToken!.getRawString()
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.backend.fetch.mock.calls[0]![1]).toMatchObject({
      headers: { authorization: `Bearer ${held}` },
    })
    // Only the refresh after the write went to ClerkJS.
    expect(ui.session.getToken.mock.calls).toEqual([[{ skipCache: true }]])
  })

  it('asks ClerkJS for the token when the held one has 10 s or less left', async () => {
    const ui = await mount()
    ui.session.hold(ui.clerk.mint({ exp: Math.floor(Date.now() / 1000) + 9 }))
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.session.getToken).toHaveBeenNthCalledWith(1, { skipCache: false })
  })

  it('with refresh="user", reloads the user and then reads the fresh token', async () => {
    const ui = await mount({ refresh: 'user' })
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.clerk.user!.reload).toHaveBeenCalledTimes(1)
    expect(ui.session.getToken).toHaveBeenLastCalledWith({ skipCache: false })
    expect(ui.events.at(-1)).toMatchObject({ verified: true, birthday: '1991-02-03' })
  })

  it('posts to the endpoint attribute', async () => {
    const ui = await mount({ endpoint: 'https://api.example.test/me/birthday' })
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.backend.fetch.mock.calls[0]![0]).toBe('https://api.example.test/me/birthday')
  })

  it('retries a 401 once with a fresh token', async () => {
    const ui = await mount()
    ui.backend.replies.push(respond(401, { error: { code: 'unauthenticated' } }))
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.backend.fetch).toHaveBeenCalledTimes(2)
    expect(ui.session.getToken.mock.calls.slice(0, 2)).toEqual([
      [{ skipCache: false }],
      [{ skipCache: true }],
    ])
    const bearer = (call: number) =>
      (ui.backend.fetch.mock.calls[call]![1]!.headers as Record<string, string>).authorization
    expect(bearer(1)).not.toBe(bearer(0))
  })

  it('asks to sign in again after a second 401', async () => {
    const ui = await mount()
    ui.backend.replies.push(respond(401), respond(401))
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    expect(ui.backend.fetch).toHaveBeenCalledTimes(2)
    expect(ui.message.textContent).toBe('Please sign in again.')
    expect(ui.events.at(-1)).toMatchObject({
      type: 'birthday-editor-error',
      code: 'unauthenticated',
    })
  })

  it('gives the fresh token after a late 401 its own 5 s, not what the POST left', async () => {
    const ui = await mount()
    vi.useFakeTimers()
    let posts = 0
    const backend = ui.backend.fetch.getMockImplementation()!
    vi.stubGlobal(
      'fetch',
      vi.fn(async (...args: Parameters<typeof backend>) => {
        posts++
        if (posts > 1) return backend(...args)
        await new Promise((resolve) => setTimeout(resolve, 5200))
        return respond(401)
      }),
    )
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.advanceTimersByTimeAsync(5300)
    await vi.advanceTimersByTimeAsync(2000)
    expect(posts).toBe(2)
    expect(ui.el.status).toBe('saved')
    expect(ui.events.filter((event) => event.type === 'birthday-editor-error')).toEqual([])
  })

  it('asks to sign in again when Clerk has no token', async () => {
    const ui = await mount()
    ui.session.getToken.mockResolvedValue(null)
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    expect(ui.backend.fetch).not.toHaveBeenCalled()
    expect(ui.events.at(-1)).toMatchObject({ code: 'unauthenticated' })
  })

  // Every status of the element's table and its declared fallbacks, and two it does not know; not
  // 401, 409 and 429, which are retried first (tests above and below).
  const plain = [
    ...new Set([...Object.keys(ERROR_TABLE).map(Number), ...FALLBACK_STATUSES, 418, 599]),
  ]
    .filter((status) => ![401, 409, 429].includes(status))
    .map((status) => {
      const code = ERROR_TABLE[status] ?? (status < 500 ? 'invalid' : 'server')
      return [status, code, defaultStrings[code]] as const
    })
  it.each(plain)(
    'maps %i to %s, keeps the typed value and puts the display back',
    async (status, code, text) => {
      const ui = await mount()
      ui.backend.replies.push(respond(status, { error: { code: 'from_the_server', message: 'x' } }))
      await saveAs(ui, '1991-02-03')
      await vi.waitFor(() => expect(ui.el.status).toBe('error'))
      await settle()
      expect(states(ui.el)).toEqual(['error'])
      expect(ui.message.textContent).toBe(text)
      expect(ui.events.at(-1)).toMatchObject({ type: 'birthday-editor-error', code, message: text })
      expect(ui.input.value).toBe('1991-02-03')
      expect(ui.el.value).toBe('1991-02-03')
      expect(ui.current.textContent).toBe('Saved: December 10, 1990')
      expect(ui.el.shadowRoot!.activeElement).toBe(ui.message)
      expect(ui.save.disabled).toBe(false)
    },
  )

  it('words the failures a status can end in, in English by default', () => {
    expect(defaultStrings).toMatchObject({
      invalid: 'The server refused this date.',
      config: 'Saving is not set up here.',
      server: 'Server error. Try again.',
      timeout: 'No answer from the server. Try again.',
    })
  })

  it('never shows server text, so markup in it cannot become DOM', async () => {
    const ui = await mount()
    const markup = '<img src=x onerror="alert(1)"><b>bold</b>'
    ui.backend.replies.push(
      new Response(markup, { status: 400, headers: { 'content-type': 'text/html' } }),
    )
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    await settle()
    expect(ui.message.textContent).toBe('The server refused this date.')
    expect(ui.el.shadowRoot!.querySelector('img, b')).toBeNull()
  })

  it('honours Retry-After on a 429, then retries by itself', async () => {
    const ui = await mount()
    vi.useFakeTimers()
    ui.backend.replies.push(
      respond(429, { error: { code: 'rate_limited' } }, { 'retry-after': '3' }),
    )
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.advanceTimersByTimeAsync(0)
    expect(ui.el.status).toBe('error')
    expect(ui.message.textContent).toBe('Too many changes. Retrying in 3 s.')
    expect(ui.events.at(-1)).toMatchObject({ code: 'rate-limited' })
    await vi.advanceTimersByTimeAsync(2900)
    expect(ui.backend.fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(ui.backend.fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(0)
    expect(ui.el.status).toBe('saved')
  })

  it('reports busy when an earlier write still has not settled after its Retry-After', async () => {
    const ui = await mount({ timeout: '1000' })
    ui.backend.replies.push(respond(409, {}, { 'retry-after': '2' }))
    ui.el.value = '1991-02-03'
    const result = await ui.el.save()
    expect(result).toMatchObject({
      code: 'busy',
      message: 'Still saving your previous change. Try again in a moment.',
    })
    expect(ui.el.value).toBe('1991-02-03')
  })

  it('reports a network failure and retries when back online', async () => {
    const ui = await mount()
    ui.backend.replies.push(new TypeError('Failed to fetch'))
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    expect(ui.message.textContent).toBe('Could not reach the server. Try again.')
    expect(ui.events.at(-1)).toMatchObject({ code: 'network' })
    expect(ui.input.value).toBe('1991-02-03')
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.backend.fetch).toHaveBeenCalledTimes(2)
    expect(ui.clerk.birthday).toBe('1991-02-03')
  })

  it('does not try while offline, and saves when back online', async () => {
    const ui = await mount()
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    await saveAs(ui, '1991-02-03')
    await settle()
    expect(ui.el.status).toBe('error')
    expect(ui.message.textContent).toBe('Offline. It will save once online.')
    expect(ui.events.at(-1)).toMatchObject({ code: 'offline' })
    expect(ui.backend.fetch).not.toHaveBeenCalled()
    expect(ui.session.getToken).not.toHaveBeenCalled()
    online.mockReturnValue(true)
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.backend.fetch).toHaveBeenCalledTimes(1)
  })

  it('drops a queued retry when the user edits again', async () => {
    const ui = await mount()
    ui.backend.replies.push(new TypeError('Failed to fetch'))
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    type(ui.input, '1991-02-04')
    expect(ui.el.status).toBe('idle')
    window.dispatchEvent(new Event('online'))
    await settle()
    expect(ui.backend.fetch).toHaveBeenCalledTimes(1)
  })

  it('times out after `timeout` ms', async () => {
    const ui = await mount({ timeout: '30' })
    ui.backend.replies.push('hang')
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    expect(ui.events.at(-1)).toMatchObject({ code: 'timeout' })
    expect((ui.backend.fetch.mock.calls[0]![1]!.signal as AbortSignal).aborted).toBe(true)
    expect(ui.input.value).toBe('1991-02-03')
  })

  it('gives up on a Clerk token that takes over 5 s', async () => {
    const ui = await mount()
    vi.useFakeTimers()
    ui.session.getToken.mockReturnValue(new Promise(() => {}))
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.advanceTimersByTimeAsync(4999)
    expect(ui.el.status).toBe('saving')
    await vi.advanceTimersByTimeAsync(1)
    expect(ui.el.status).toBe('error')
    expect(ui.events.at(-1)).toMatchObject({ code: 'network' })
    expect(ui.backend.fetch).not.toHaveBeenCalled()
  })

  it('gives the Clerk calls before the POST one 5 s budget between them', async () => {
    const ui = await mount()
    // The held token has no `azp`, so the save asks for a fresh one too: 3 s + 3 s of Clerk.
    const slow = (jwt: string) =>
      new Promise<string>((resolve) => setTimeout(() => resolve(jwt), 3000))
    ui.session.getToken.mockImplementation((options) =>
      slow(ui.clerk.mint(options?.skipCache ? {} : { azp: undefined })),
    )
    vi.useFakeTimers()
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.advanceTimersByTimeAsync(4999)
    expect(ui.el.status).toBe('saving')
    expect(ui.session.getToken).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(ui.el.status).toBe('error')
    expect(ui.backend.fetch).not.toHaveBeenCalled()
    expect(ui.input.value).toBe('1991-02-03')
  })
})

describe('after a 2xx: refresh and verify', () => {
  it('warns claim-stale (for developers) after bounded retries with backoff, without rolling back', async () => {
    const ui = await refreshingWithLaggingClaim()
    const refreshes = () =>
      ui.session.getToken.mock.calls.filter(([options]) => options?.skipCache).length
    expect(refreshes()).toBe(1)
    await vi.advanceTimersByTimeAsync(499)
    expect(refreshes()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(refreshes()).toBe(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(refreshes()).toBe(3)
    expect(ui.el.status).toBe('saved')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(refreshes()).toBe(3)
    // The user reads plain words; the code is for developers.
    expect(ui.message.textContent).toBe('Saved.')
    const [saved, warning] = ui.events.slice(-2) as [
      BirthdayEditorSavedEvent,
      BirthdayEditorErrorEvent,
    ]
    expect(saved).toMatchObject({
      type: 'birthday-editor-saved',
      birthday: '1991-02-03',
      verified: false,
    })
    expect(saved.iat).toEqual(expect.any(Number))
    expect(warning).toMatchObject({ type: 'birthday-editor-error', code: 'claim-stale' })
    expect(warning.message).toBe(ui.message.textContent)
    expect(ui.current.textContent).toBe('Saved: February 3, 1991')
    // Clerk's next routine refresh still lags: the saved value stays.
    ui.session.hold(ui.clerk.mint({ birthday: '1990-12-10' }))
    await vi.advanceTimersByTimeAsync(0)
    expect(ui.current.textContent).toBe('Saved: February 3, 1991')
    expect(ui.el.value).toBe('1991-02-03')
  })

  it('shows the saved value and "will sync" when the refresh fails', async () => {
    const ui = await mount()
    const tokens = ui.session.getToken.getMockImplementation()!
    ui.session.getToken.mockImplementation((options) =>
      options?.skipCache ? Promise.reject(new Error('offline')) : tokens(options),
    )
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    await settle()
    expect(ui.message.textContent).toBe('Saved. It will sync soon.')
    expect(ui.current.textContent).toBe('Saved: February 3, 1991')
    expect(ui.events.at(-1)).toMatchObject({ birthday: '1991-02-03', verified: false, iat: null })
  })

  it('never waits on Clerk for more than 5 s', async () => {
    const ui = await mount({ refresh: 'user' })
    vi.useFakeTimers()
    ui.clerk.user!.reload.mockReturnValue(new Promise(() => {}))
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.advanceTimersByTimeAsync(0)
    expect(ui.el.status).toBe('refreshing')
    await vi.advanceTimersByTimeAsync(4999)
    expect(ui.el.status).toBe('refreshing')
    await vi.advanceTimersByTimeAsync(1)
    expect(ui.el.status).toBe('saved')
    expect(ui.message.textContent).toBe('Saved. It will sync soon.')
    expect(ui.events.at(-1)).toMatchObject({ verified: false, iat: null })
  })

  it('tells other editors of the origin, which show it and refresh their token', async () => {
    const ui = await mount()
    // Another tab: its own Clerk, same user, a token that still has the old claim.
    const other = new FakeClerk()
    const otherSession = other.signIn('user_1', '1990-12-10')
    const otherEl = document.createElement('birthday-editor')
    otherEl.clerk = other
    document.body.append(otherEl)
    // And a third editor for someone else, which must ignore it.
    const stranger = new FakeClerk()
    stranger.signIn('user_9', '1950-01-01')
    const strangerEl = document.createElement('birthday-editor')
    strangerEl.clerk = stranger
    document.body.append(strangerEl)
    await settle()
    other.birthday = '1991-02-03' // what its fresh token will carry
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(otherEl.value).toBe('1991-02-03'))
    expect(part(otherEl, 'current-value').textContent).toBe('Saved: February 3, 1991')
    expect(otherSession.getToken).toHaveBeenCalledWith({ skipCache: true })
    expect(strangerEl.value).toBe('1950-01-01')
  })
})

describe('lifecycle', () => {
  it('aborts quietly when removed mid-save: no event, no DOM write, no rejection', async () => {
    const ui = await mount()
    ui.backend.replies.push('hang')
    await saveAs(ui, '1991-02-03')
    await settle()
    expect(ui.el.status).toBe('saving')
    const before = ui.el.shadowRoot!.innerHTML
    const count = ui.events.length
    ui.el.remove()
    await settle()
    await settle()
    expect((ui.backend.fetch.mock.calls[0]![1]!.signal as AbortSignal).aborted).toBe(true)
    expect(ui.events).toHaveLength(count)
    expect(ui.el.shadowRoot!.innerHTML).toBe(before)
  })

  it('aborts quietly when removed while refreshing', async () => {
    const ui = await refreshingWithLaggingClaim()
    const count = ui.events.length
    ui.el.remove()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(ui.events).toHaveLength(count)
  })

  it('is not left saving when it is moved in the document mid-save', async () => {
    const ui = await mount()
    ui.backend.replies.push('hang')
    await saveAs(ui, '1991-01-02')
    await settle()
    expect(ui.el.status).toBe('saving')
    const elsewhere = document.createElement('div')
    document.body.append(elsewhere)
    elsewhere.append(ui.el) // a move: disconnect, then connect
    await settle()
    expect(ui.el.status).toBe('idle')
    // The abandoned save is not shown as saved, and the editor saves again.
    expect(ui.current.textContent).toBe('Saved: December 10, 1990')
    await saveAs(ui, '1992-03-04')
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    expect(ui.current.textContent).toBe('Saved: March 4, 1992')
  })

  it('drops a save in flight when the user signs out', async () => {
    const ui = await mount()
    ui.backend.replies.push('hang')
    await saveAs(ui, '1991-02-03')
    await settle()
    ui.clerk.signOut()
    await settle()
    expect(ui.el.status).toBe('signed-out')
    ui.el.remove()
    await settle()
    expect(ui.events.map((event) => event.type)).toEqual(['change'])
  })

  it('stops listening to Clerk when removed, and picks up again when re-added', async () => {
    const { el, clerk, session } = await mount()
    el.remove()
    expect(clerk.listeners.size).toBe(0)
    clerk.birthday = '1999-09-09'
    session.hold(clerk.mint())
    await settle()
    expect(el.value).toBe('1990-12-10')
    document.body.append(el)
    await settle()
    expect(clerk.listeners.size).toBe(1)
    expect(el.value).toBe('1999-09-09')
  })
})

describe('the programmatic API', () => {
  it('saves a value set from code in the same tick, and resolves with the saved event', async () => {
    const ui = await mount()
    ui.el.value = '1991-02-03'
    const result = await ui.el.save()
    expect(ui.backend.fetch).toHaveBeenCalledTimes(1)
    expect(JSON.parse(String(ui.backend.fetch.mock.calls[0]![1]!.body))).toEqual({
      birthday: '1991-02-03',
    })
    expect(result).toMatchObject({
      type: 'birthday-editor-saved',
      birthday: '1991-02-03',
      verified: true,
      iat: expect.any(Number),
    })
    expect(result).toBe(ui.events.at(-1))
    // Code set the value: no `change`.
    expect(ui.events.filter((event) => event.type === 'change')).toEqual([])
    await settle()
    expect(ui.input.value).toBe('1991-02-03')
    expect(ui.current.textContent).toBe('Saved: February 3, 1991')
  })

  it('resolves with the error event when the save fails, and never rejects', async () => {
    const ui = await mount()
    ui.backend.replies.push(respond(500))
    ui.el.value = '1991-02-03'
    const result = await ui.el.save()
    expect(result).toMatchObject({ type: 'birthday-editor-error', code: 'server' })
    expect(result).toBe(ui.events.at(-1))
    expect(ui.el.value).toBe('1991-02-03')
  })

  it('resolves with null when nothing is sent: unchanged, invalid, or signed out', async () => {
    const ui = await mount()
    expect(await ui.el.save()).toBeNull()
    ui.el.value = '1800-01-01' // before `min`
    expect(await ui.el.save()).toBeNull()
    await settle()
    expect(ui.message.textContent).toContain('or later')
    ui.clerk.signOut()
    ui.el.value = '1992-02-03'
    expect(await ui.el.save()).toBeNull()
    expect(ui.backend.fetch).not.toHaveBeenCalled()
  })

  it('removes by code: value = "" then save() sends null', async () => {
    const ui = await mount()
    ui.el.value = ''
    expect(await ui.el.save()).toMatchObject({ birthday: null })
  })
})

describe('a session token template without the claim', () => {
  let warn: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    warned.clear()
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  })

  async function mountWithoutClaim(get: Response | Error) {
    const clerk = new FakeClerk()
    clerk.templateHasClaim = false
    clerk.signIn('user_1', '1990-12-10')
    const backend = fakeBackend(clerk)
    backend.replies.push(get)
    const el = document.createElement('birthday-editor')
    el.input = 'native'
    el.clerk = clerk
    document.body.append(el)
    const events = record(el)
    await vi.waitFor(() => expect(backend.fetch).toHaveBeenCalledTimes(1))
    await settle()
    return { el, clerk, backend, events, ...parts(el) }
  }

  it('reads the stored value once from GET and shows it, with one warning for the developer', async () => {
    const ui = await mountWithoutClaim(respond(200, { birthday: '1990-12-10' }))
    const [url, init] = ui.backend.fetch.mock.calls[0]!
    expect(url).toBe('/api/update-user-metadata')
    expect(init?.method).toBeUndefined()
    expect(ui.current.textContent).toBe('Saved: December 10, 1990')
    expect(ui.input.value).toBe('1990-12-10')
    expect(warn).toHaveBeenCalledTimes(1)
    const [text] = warn.mock.calls[0] as [string]
    expect(text).toContain(
      'add "birthday": "{{user.public_metadata.birthday}}" to the session token template',
    )
    // Clerk's routine refreshes, and a second editor, cost no further GET and no further warning.
    ui.clerk.session!.hold(ui.clerk.mint())
    const second = document.createElement('birthday-editor')
    second.clerk = ui.clerk
    document.body.append(second)
    await vi.waitFor(() => expect(ui.backend.fetch).toHaveBeenCalledTimes(2))
    await settle()
    expect(ui.backend.fetch).toHaveBeenCalledTimes(2)
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('after a save, users read "Saved." and developers get claim-stale, with no useless retries', async () => {
    const ui = await mountWithoutClaim(respond(200, { birthday: '1990-12-10' }))
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    await settle()
    expect(ui.message.textContent).toBe('Saved.')
    expect(ui.message.textContent).not.toMatch(/template|claim/)
    expect(ui.events.map((event) => event.type)).toEqual([
      'change',
      'birthday-editor-saved',
      'birthday-editor-error',
    ])
    expect(ui.events[2]).toMatchObject({ code: 'claim-stale', message: 'Saved.' })
    const refreshes = ui.clerk.session!.getToken.mock.calls.filter(([o]) => o?.skipCache)
    expect(refreshes).toHaveLength(1)
    expect(ui.current.textContent).toBe('Saved: February 3, 1991')
  })

  it.each([
    ['a backend without GET (405)', respond(405, { error: { code: 'method_not_allowed' } })],
    ['a network failure', new TypeError('fetch failed')],
  ])('shows no current value rather than "None saved." after %s', async (_, reply) => {
    const ui = await mountWithoutClaim(reply)
    expect(ui.current.textContent).toBe('')
    expect(ui.input.disabled).toBe(false)
    // Saving still works, and then the value is known.
    type(ui.input, '1991-02-03')
    ui.form.requestSubmit()
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    await settle()
    expect(ui.current.textContent).toBe('Saved: February 3, 1991')
  })

  it('costs no request when the template has the claim', async () => {
    const ui = await mount()
    await settle()
    expect(ui.backend.fetch).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('consistent screens', () => {
  it('after a failed save, Remove empties the field as well as the saved value', async () => {
    const ui = await mount()
    ui.backend.replies.push(respond(500))
    await saveAs(ui, '1991-02-03')
    await vi.waitFor(() => expect(ui.el.status).toBe('error'))
    ui.remove.click()
    await vi.waitFor(() => expect(ui.el.status).toBe('saved'))
    await settle()
    expect(ui.current.textContent).toBe('None saved.')
    expect(ui.input.value).toBe('')
    expect(ui.el.value).toBe('')
    expect(ui.save.disabled).toBe(true)
    expect(ui.remove.disabled).toBe(true)
  })
})
