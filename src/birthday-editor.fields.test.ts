// @vitest-environment happy-dom
/**
 * The three memorable-date fields (the default entry) and the element as a form control, against the
 * fake Clerk. happy-dom has no ElementInternals: a stand-in records what the element tells its form
 * (value, state, validity) and the custom states it sets. The native date input keeps its own
 * tests in birthday-editor.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BirthdayEditorElement } from './birthday-editor.ts'
import './define.ts'
import type { DatePart } from './memorable-date.ts'
import { FakeClerk, fakeBackend } from './testing/fake-clerk.ts'

interface FakeInternals {
  states: Set<string>
  value: unknown
  state: unknown
  flags: ValidityStateFlags
  message: string
  anchor: HTMLElement | undefined
}
const internals = new WeakMap<HTMLElement, FakeInternals>()
Object.defineProperty(HTMLElement.prototype, 'attachInternals', {
  configurable: true,
  value(this: HTMLElement) {
    const fake: FakeInternals & Partial<ElementInternals> = {
      states: new Set<string>(),
      value: undefined,
      state: undefined,
      flags: {},
      message: '',
      anchor: undefined,
      setFormValue(value: unknown, state?: unknown) {
        fake.value = value
        fake.state = state
      },
      setValidity(flags: ValidityStateFlags = {}, message = '', anchor?: HTMLElement) {
        Object.assign(fake, { flags, message, anchor })
      },
      checkValidity: () => !Object.values(fake.flags).some(Boolean),
    } as FakeInternals & Partial<ElementInternals>
    internals.set(this, fake)
    return fake
  },
})

type Editor = BirthdayEditorElement
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
const form = (el: Editor) => internals.get(el)!
const field = (el: Editor, part: string) =>
  el.shadowRoot!.querySelector<HTMLInputElement>(`[part="${part}"]`)!
const fire = (node: HTMLElement, type: string) =>
  node.dispatchEvent(new Event(type, { bubbles: true }))

/** Types into one field, as a user does (`input` per keystroke, `change` on leaving it). */
function typeInto(el: Editor, part: DatePart, text: string) {
  const input = field(el, part)
  input.value = text
  fire(input, 'input')
  fire(input, 'change')
}

/** Focus leaves the three fields (for the page, or for a button of the element). */
const leave = (el: Editor) =>
  field(el, 'year').dispatchEvent(
    new FocusEvent('focusout', { bubbles: true, relatedTarget: null }),
  )

/** Types a date part by part and leaves the fields: the element commits it. */
async function typeDate(el: Editor, day: string, month: string, year: string) {
  typeInto(el, 'day', day)
  typeInto(el, 'month', month)
  typeInto(el, 'year', year)
  leave(el)
  await settle()
}

const submit = async (el: Editor) => {
  field(el, 'form').dispatchEvent(new Event('submit', { cancelable: true }))
  await settle()
}

async function mount(
  attributes: Record<string, string> = {},
  birthday: string | null = '1990-12-10',
) {
  const clerk = new FakeClerk()
  clerk.signIn('user_1', birthday)
  const backend = fakeBackend(clerk)
  const el = document.createElement('birthday-editor')
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value)
  el.clerk = clerk
  const changes: Event[] = []
  el.addEventListener('change', (event) => changes.push(event))
  document.body.append(el)
  await settle()
  const message = () => field(el, 'message').textContent
  const texts = () => ['day', 'month', 'year'].map((part) => field(el, part).value).join('/')
  const invalid = () =>
    ['day', 'month', 'year'].filter(
      (part) => field(el, part).getAttribute('aria-invalid') === 'true',
    )
  return { el, clerk, backend, changes, message, texts, invalid }
}

beforeEach(() => document.body.replaceChildren())
afterEach(() => document.body.replaceChildren())

describe('three fields by default', () => {
  it('are labelled numeric text fields with bday autocomplete, in one fieldset with a legend', async () => {
    const { el } = await mount()
    expect(el.input).toBe('fields')
    const fieldset = field(el, 'fields')
    expect(fieldset.localName).toBe('fieldset')
    expect(field(el, 'label').localName).toBe('legend')
    expect(field(el, 'label').textContent).toBe('Birthday')
    // No hidden native input beside them: nothing else answers to the label "Birthday" or "Day".
    expect(el.shadowRoot!.querySelector('[part="input"]')).toBeNull()
    expect(fieldset.querySelectorAll('input')).toHaveLength(3)
    for (const part of ['day', 'month', 'year'] as const) {
      const input = field(el, part)
      expect(input.type).toBe('text')
      expect(input.inputMode).toBe('numeric')
      expect(input.autocomplete).toBe(`bday-${part}`)
      expect(input.hidden).toBe(false)
      expect(el.shadowRoot!.querySelector(`label[for="${input.id}"]`)!.textContent).toBeTruthy()
    }
  })

  it('give way to the native date input alone with input="native", and come back, the value kept', async () => {
    const { el, texts } = await mount({}, '1991-02-03')
    el.input = 'native'
    await settle()
    const inputs = [...field(el, 'fields').querySelectorAll('input')]
    expect(inputs.map((input) => input.getAttribute('part'))).toEqual(['input'])
    expect(inputs[0]!.value).toBe('1991-02-03')
    el.input = 'fields'
    await settle()
    expect(el.shadowRoot!.querySelector('[part="input"]')).toBeNull()
    expect(texts()).toBe('3/2/1991')
  })

  it('show the saved date, without leading zeros', async () => {
    const { texts } = await mount({}, '1991-02-03')
    expect(texts()).toBe('3/2/1991')
  })

  it.each([
    ['en-US', ['month', 'day', 'year'], ['Month', 'Day', 'Year']],
    ['en-GB', ['day', 'month', 'year'], ['Day', 'Month', 'Year']],
    ['de', ['day', 'month', 'year'], ['Tag', 'Monat', 'Jahr']],
    ['fr', ['day', 'month', 'year'], ['Jour', 'Mois', 'Année']],
    ['ja', ['year', 'month', 'day'], ['年', '月', '日']],
  ])('in %s, come in the order %j with the labels %j', async (lang, order, labels) => {
    const { el } = await mount({ lang })
    const fields = [...el.shadowRoot!.querySelectorAll('fieldset input')].map((input) =>
      input.getAttribute('part'),
    )
    expect(fields).toEqual(order)
    const shown = [...el.shadowRoot!.querySelectorAll('fieldset label')].map((l) => l.textContent)
    expect(shown).toEqual(labels)
  })

  it('take their labels from `strings` when the page gives them', async () => {
    const { el } = await mount({ lang: 'de' })
    el.strings = { day: 'D', month: 'M', year: 'Y' }
    await settle()
    const shown = [...el.shadowRoot!.querySelectorAll('fieldset label')].map((l) => l.textContent)
    expect(shown).toEqual(['D', 'M', 'Y'])
  })

  it('commit a date typed part by part (leading zeros, a month name) and fire change once', async () => {
    // No birthday yet: the fields start empty, and the date is complete with its last part.
    const { el, changes, message } = await mount({}, null)
    typeInto(el, 'day', '03')
    typeInto(el, 'month', 'Feb')
    typeInto(el, 'year', ' 1991 ')
    await settle()
    // Nothing is committed while focus moves between the fields.
    expect(changes).toHaveLength(0)
    expect(el.value).toBe('')
    leave(el)
    await settle()
    expect(el.value).toBe('1991-02-03')
    expect(changes).toHaveLength(1)
    expect(message()).toBe('')
  })

  it('move focus nowhere by themselves: no automatic tabbing', async () => {
    const { el } = await mount()
    field(el, 'day').focus()
    typeInto(el, 'day', '12')
    await settle()
    expect(el.shadowRoot!.activeElement).toBe(field(el, 'day'))
  })

  it.each([
    ['1991-02-03', 'en-US'],
    ['2/3/1991', 'en-US'],
    ['3/2/1991', 'en-GB'],
    ['3.2.1991', 'de'],
  ])('take a whole date (%j in %s) pasted into any field', async (text, lang) => {
    const { el, texts } = await mount({ lang })
    const paste = new Event('paste', { bubbles: true, cancelable: true })
    Object.assign(paste, { clipboardData: { getData: () => text } })
    field(el, 'year').dispatchEvent(paste)
    await settle()
    expect(paste.defaultPrevented).toBe(true)
    // A paste fills all three, and commits: the date is whole.
    expect(texts()).toBe('3/2/1991')
    expect(el.value).toBe('1991-02-03')
  })

  it('let a single part paste as usual', async () => {
    const { el } = await mount()
    const paste = new Event('paste', { bubbles: true, cancelable: true })
    Object.assign(paste, { clipboardData: { getData: () => '12' } })
    field(el, 'day').dispatchEvent(paste)
    expect(paste.defaultPrevented).toBe(false)
  })
})

describe('errors that say what is wrong and mark the part at fault', () => {
  it.each([
    [['10', '', '1990'], 'Birthday must include a month.', ['month'], 'month'],
    [['', '', '1990'], 'Birthday must include a day and month.', ['day', 'month'], 'month'],
    [['31', '2', '1990'], 'Birthday must be a real date.', ['day'], 'day'],
    [['29', '2', '2023'], 'Birthday must be a real date.', ['day'], 'day'],
    [['10', '13', '1990'], 'Birthday must be a real date.', ['month'], 'month'],
    [['10', '12', '90'], 'Birthday must be a real date.', ['year'], 'year'],
    [['1', '1', '2999'], 'Birthday must be in the past.', ['day', 'month', 'year'], 'month'],
    [['31', '12', '1899'], 'Enter January 1, 1900 or later.', ['day', 'month', 'year'], 'month'],
  ])('%j: %s', async ([day, month, year], text, marked, focused) => {
    const { el, message, invalid, backend, texts } = await mount({ lang: 'en-US' })
    await typeDate(el, day!, month!, year!)
    await submit(el)
    expect(message()).toBe(text)
    expect(invalid()).toEqual(marked)
    expect(el.shadowRoot!.activeElement).toBe(field(el, focused))
    expect(backend.fetch).not.toHaveBeenCalled()
    // What the user typed stays, to be fixed.
    expect(texts()).toBe(`${day}/${month}/${year}`)
  })

  it('refuses a date after `max` with its bound', async () => {
    const { el, message, invalid } = await mount({ max: '2000-01-01' })
    await typeDate(el, '2', '1', '2000')
    await submit(el)
    expect(message()).toBe('Enter January 1, 2000 or earlier.')
    expect(invalid()).toEqual(['day', 'month', 'year'])
  })

  it('asks for a date when `required` and all three are empty', async () => {
    const { el, message } = await mount({ required: '' })
    await typeDate(el, '', '', '')
    await submit(el)
    expect(message()).toBe('Enter a date.')
  })

  it('shows nothing before the user acts, and sets user-invalid only after', async () => {
    const { el, message, invalid } = await mount({ required: '' }, null)
    expect(message()).not.toMatch(/Birthday must|Enter a date/)
    expect(invalid()).toEqual([])
    expect(form(el).states.has('user-invalid')).toBe(false)
    // Still invalid for the form: empty and required.
    expect(form(el).flags).toEqual({ valueMissing: true })
    await submit(el)
    expect(form(el).states.has('user-invalid')).toBe(true)
    expect(form(el).states.has('invalid')).toBe(true)
  })

  it('clears the error as the user fixes the part', async () => {
    const { el, message, invalid } = await mount()
    await typeDate(el, '31', '2', '1990')
    await submit(el)
    typeInto(el, 'day', '28')
    leave(el)
    await settle()
    expect(message()).not.toBe('Birthday must be a real date.')
    expect(invalid()).toEqual([])
    expect(el.value).toBe('1990-02-28')
  })

  it('commits a partial date when focus leaves the group, not while it moves within', async () => {
    const { el, message } = await mount()
    const day = field(el, 'day')
    day.value = ''
    fire(day, 'input')
    day.dispatchEvent(
      new FocusEvent('focusout', { bubbles: true, relatedTarget: field(el, 'month') }),
    )
    await settle()
    expect(message()).not.toBe('Birthday must include a day.')
    day.dispatchEvent(new FocusEvent('focusout', { bubbles: true, relatedTarget: null }))
    await settle()
    expect(message()).toBe('Birthday must include a day.')
  })
})

describe('a form-associated custom element', () => {
  it('is form-associated and gives its form the ISO value, or empty', async () => {
    const { el } = await mount({ name: 'birthday' })
    expect((el.constructor as typeof BirthdayEditorElement).formAssociated).toBe(true)
    expect(el.name).toBe('birthday')
    expect(form(el).value).toBe('1990-12-10')
    await typeDate(el, '3', '2', '1991')
    expect(form(el).value).toBe('1991-02-03')
    // The state keeps the texts as typed, for back/forward navigation.
    typeInto(el, 'month', 'Feb')
    await settle()
    expect(form(el).state).toBe('3/Feb/1991')
    typeInto(el, 'day', '')
    await settle()
    expect(form(el).value).toBe('')
  })

  it.each([
    [{ required: '' }, ['', '', ''], { valueMissing: true }],
    [{}, ['', '5', '1990'], { badInput: true }],
    [{}, ['31', '2', '1990'], { badInput: true }],
    [{}, ['1', '1', '1899'], { rangeUnderflow: true }],
    [{ max: '2000-01-01' }, ['2', '1', '2000'], { rangeOverflow: true }],
    [{}, ['1', '1', '2999'], { rangeOverflow: true }],
    [{}, ['3', '2', '1991'], {}],
  ])(
    'with %j and %j, its validity is %j, anchored at the field at fault',
    async (attributes, [day, month, year], flags) => {
      const { el } = await mount(attributes)
      typeInto(el, 'day', day!)
      typeInto(el, 'month', month!)
      typeInto(el, 'year', year!)
      // checkValidity() settles a pending render: the validity is the field's now.
      expect(el.checkValidity()).toBe(Object.keys(flags).length === 0)
      expect(form(el).flags).toEqual(flags)
      if (Object.keys(flags).length) {
        expect(form(el).message).toMatch(/Birthday must|Enter/)
        expect(form(el).anchor?.localName).toBe('input')
      }
    },
  )

  it('formResetCallback puts the stored birthday back and clears the error', async () => {
    const { el, message, texts, invalid } = await mount()
    await typeDate(el, '31', '2', '1990')
    await submit(el)
    el.formResetCallback()
    await settle()
    expect(texts()).toBe('10/12/1990')
    expect(el.value).toBe('1990-12-10')
    expect(message()).not.toBe('Birthday must be a real date.')
    expect(invalid()).toEqual([])
    expect(form(el).states.has('user-invalid')).toBe(false)
  })

  it('formResetCallback after a committed new date goes back to the stored one', async () => {
    const { el, texts } = await mount()
    await typeDate(el, '3', '2', '1991')
    expect(el.value).toBe('1991-02-03')
    el.formResetCallback()
    await settle()
    expect(el.value).toBe('1990-12-10')
    expect(texts()).toBe('10/12/1990')
  })

  it('formDisabledCallback disables the fields and saving, and enables them again', async () => {
    const { el, backend } = await mount()
    el.formDisabledCallback(true)
    await settle()
    expect(field(el, 'day').disabled).toBe(true)
    expect(field(el, 'save-button').disabled).toBe(true)
    el.value = '1991-02-03'
    expect(await el.save()).toBeNull()
    expect(backend.fetch).not.toHaveBeenCalled()
    el.formDisabledCallback(false)
    await settle()
    expect(field(el, 'day').disabled).toBe(false)
  })

  it('formStateRestoreCallback brings back what was typed, over the saved value that loads after', async () => {
    const clerk = new FakeClerk()
    const el = document.createElement('birthday-editor')
    el.clerk = clerk
    document.body.append(el)
    el.formStateRestoreCallback('3/Feb/1991')
    clerk.signIn('user_1', '1990-12-10')
    await settle()
    const texts = ['day', 'month', 'year'].map((part) => field(el, part).value).join('/')
    expect(texts).toBe('3/Feb/1991')
    expect(field(el, 'current-value').textContent).toBe('Saved: December 10, 1990')
    // Saving it saves what was typed.
    fakeBackend(clerk)
    const result = await el.save()
    expect(result?.type).toBe('birthday-editor-saved')
    expect(el.value).toBe('1991-02-03')
  })

  it('formStateRestoreCallback ignores a state that is not its own', async () => {
    const { el, texts } = await mount()
    el.formStateRestoreCallback(new FormData())
    await settle()
    expect(texts()).toBe('10/12/1990')
  })

  it('reads form, validity and validationMessage from its internals', async () => {
    const { el } = await mount({ required: '' }, null)
    expect(el.form).toBeNull()
    expect(el.validationMessage).toBe('')
  })
})
