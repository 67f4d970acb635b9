/**
 * The element as a form control, in Chromium and Firefox, on journey pages under the demo's strict policy with
 * Clerk's own tag against the emulator: the README's own-form snippet as written (the page's submit
 * handler reads `FormData` and calls `save()`), then one page of native-form behaviour: `<label
 * for>`, validity and `reportValidity()`, reset by mouse and by keyboard, a disabled `<fieldset>`,
 * the `form` attribute, back/forward restore (a page loaded again, and one from the back/forward
 * cache), axe in each state, and a phone-width screenshot. The WebKit run of these journeys is in
 * `test/webkit/journeys.webkit.ts`.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import {
  editorOf,
  expect,
  expectDate,
  fillDate,
  INITIAL_BIRTHDAY,
  readmeSnippet,
  screenshotOf,
  test,
  tokenClaims,
  typeDate,
} from '../support/demo-fixtures.ts'
import { ELEMENT_URL, LOAD_CLERK, NATIVE_FORM } from '../support/form-pages.ts'
import { openJourney } from '../support/journey-page.ts'

/** Clerk's tag for this origin (the emulator's key and proxy, as the demo's own tag has them). */
async function clerkTag(origin: string): Promise<string> {
  const html = await (await fetch(`${origin}/`)).text()
  const tag = /<script src="[^"]+"[^>]*data-clerk-publishable-key[^>]*><\/script>/.exec(html)?.[0]
  if (!tag) throw new Error('the demo page has no Clerk tag')
  return tag.replace(' async', '')
}

/** A journey page with Clerk loaded, the page's stylesheet (`css`), and `body`; editors in `status`. */
async function openFormPage(
  page: Page,
  origin: string,
  name: string,
  body: string,
  css = '',
  status = 'idle',
) {
  await page.route(`${origin}/${name}.css`, (route) =>
    route.fulfill({ contentType: 'text/css', body: css }),
  )
  const journey = await openJourney(page, origin, name, {
    head:
      (await clerkTag(origin)) +
      '<script src="/journey/load.js"></script>' +
      `<link rel="stylesheet" href="/${name}.css">`,
    body: body.replaceAll(ELEMENT_URL, '/journey/birthday-editor.js'),
    scripts: { 'load.js': LOAD_CLERK },
  })
  for (const editor of await page.locator('birthday-editor').all())
    await expect(editor).toHaveJSProperty('status', status)
  return journey
}

/** What the page's form submits: every `FormData` built from it from now on. */
async function recordFormData(page: Page, selector: string) {
  await page.evaluate((selector) => {
    const entries: unknown[] = []
    Reflect.set(window, '__formData', entries)
    document.querySelector(selector)!.addEventListener('formdata', (event) => {
      entries.push(Object.fromEntries((event as FormDataEvent).formData))
    })
  }, selector)
  return () => page.evaluate(() => Reflect.get(window, '__formData') as unknown[])
}

/** The README's own-form snippet as a page, signed in, with what its form submits recorded. */
async function openOwnForm(page: Page, origin: string) {
  const journey = await openFormPage(
    page,
    origin,
    'own-form',
    readmeSnippet('own-form'),
    readmeSnippet('own-form-css'),
  )
  return { journey, editor: editorOf(page), submitted: await recordFormData(page, '#profile') }
}

async function expectNoAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze()
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target).join()}`)).toEqual(
    [],
  )
}

test('the README’s own form: Enter submits the page’s form, whose handler reads FormData and saves', async ({
  page,
  origin,
  signIn,
}) => {
  await signIn(page)
  const { journey, editor, submitted } = await openOwnForm(page, origin)
  await expect(editor.save).toBeHidden()
  await expect(editor.remove).toBeHidden()
  await page.getByLabel('Name').fill('Ada')
  await typeDate(page, editor, '1991-01-02')
  await page.keyboard.press('Enter')
  await expect(page.locator('output')).toHaveText('Saved 1991-01-02')
  expect(await submitted()).toEqual([{ name: 'Ada', birthday: '1991-01-02' }])
  await expect(editor.current).toHaveText('Saved: January 2, 1991')
  expect((await tokenClaims(page)).birthday).toBe('1991-01-02')
  expect(journey.pageErrors).toEqual([])
})

test('the README’s own form: an incomplete date blocks the page’s submit and names the part', async ({
  page,
  origin,
  signIn,
}) => {
  await signIn(page)
  const { journey, editor, submitted } = await openOwnForm(page, origin)
  await page.getByLabel('Name').fill('Ada')
  await editor.month.fill('')
  await editor.month.press('Enter')
  await expect(editor.message).toHaveText('Birthday must include a month.')
  await expect(editor.month).toHaveAttribute('aria-invalid', 'true')
  await expect(editor.month).toBeFocused()
  expect(await submitted()).toEqual([])
  await expect(page.locator('output')).toHaveText('')
  // Fixing it lets the form submit; the date is the stored one again, so save() sends nothing.
  await page.keyboard.type('Dec')
  await expect(editor.month).toHaveAttribute('aria-invalid', 'false')
  expect(journey.pageErrors).toEqual([])
  await page.keyboard.press('Enter')
  await expect(page.locator('output')).toHaveText('No change to save.')
  expect(await submitted()).toEqual([{ name: 'Ada', birthday: INITIAL_BIRTHDAY }])
})

test('a native-form citizen: label for, validity, reset, disabled fieldset, form attribute', async ({
  page,
  origin,
  signIn,
}) => {
  await signIn(page)
  await openFormPage(page, origin, 'native-form', NATIVE_FORM)
  const host = page.locator('#bday')
  const first = {
    ...editorOf(page),
    host,
    day: host.getByRole('textbox', { name: 'Day' }),
    month: host.getByRole('textbox', { name: 'Month' }),
    year: host.getByRole('textbox', { name: 'Year' }),
    fields: host.getByRole('group', { name: 'Birthday' }),
    message: host.getByRole('status'),
  }
  await expect(page.locator('#outside')).toHaveJSProperty('status', 'idle')
  await expectNoAxeViolations(page)

  // <label for> focuses the element's first field; the `form` attribute associates the outside one.
  await page.getByText('Date of birth').click()
  await expect(first.month).toBeFocused()
  expect(
    await page.evaluate(
      () =>
        (document.querySelector('#outside') as HTMLFormElement & { form: unknown }).form ===
        document.querySelector('#outer'),
    ),
  ).toBe(true)
  const data = () =>
    page.evaluate(() => Object.fromEntries(new FormData(document.querySelector('form')!)))
  expect(await data()).toEqual({ birthday: INITIAL_BIRTHDAY, other: INITIAL_BIRTHDAY })

  // Validity: 31 February is a bad input, reported at the day.
  await fillDate(first, '1990-12-10')
  await first.day.fill('31')
  await first.month.fill('2')
  const validity = await host.evaluate((el) => {
    const editor = el as HTMLElement & {
      checkValidity(): boolean
      validity: ValidityState
      validationMessage: string
    }
    return {
      valid: editor.checkValidity(),
      badInput: editor.validity.badInput,
      message: editor.validationMessage,
    }
  })
  expect(validity).toEqual({
    valid: false,
    badInput: true,
    message: 'Birthday must be a real date.',
  })
  expect(
    await host.evaluate((el) =>
      (el as HTMLElement & { reportValidity(): boolean }).reportValidity(),
    ),
  ).toBe(false)
  await expect(first.day).toBeFocused()
  // Only the part at fault is marked, not the month; no native input is there to mark.
  await expect(first.month).toHaveAttribute('aria-invalid', 'false')
  await expect(host.locator('[part="input"]')).toHaveCount(0)
  expect((await data()).birthday).toBe('')
  await expectNoAxeViolations(page)

  // Reset, clicked with the mouse, brings the stored birthday back, with no error. Leaving the
  // fields (the button's mousedown) commits them, and the element's message line shows the error;
  // that line is there before, empty, so nothing below the element moves under the pointer between
  // mousedown and mouseup (had the button moved, the click would land on the form, not on it).
  const reset = page.getByRole('button', { name: 'Reset' })
  const resetBox = await reset.boundingBox()
  await reset.click()
  await expectDate(first, INITIAL_BIRTHDAY)
  await expect(first.day).toHaveAttribute('aria-invalid', 'false')
  // The same error, shown from the keyboard: the button stays where it was; Reset by keyboard.
  await first.day.fill('31')
  await first.month.fill('2')
  await first.month.press('Enter')
  await expect(first.message).toHaveText('Birthday must be a real date.')
  expect(await reset.boundingBox()).toEqual(resetBox)
  await reset.focus()
  await page.keyboard.press('Enter')
  await expectDate(first, INITIAL_BIRTHDAY)
  await expect(first.day).toHaveAttribute('aria-invalid', 'false')
  expect(await data()).toEqual({ birthday: INITIAL_BIRTHDAY, other: INITIAL_BIRTHDAY })

  // A disabled fieldset disables it (and leaves it out of FormData, as native fields).
  await page
    .locator('#group')
    .evaluate((fieldset) => ((fieldset as HTMLFieldSetElement).disabled = true))
  await expect(first.day).toBeDisabled()
  expect(await data()).toEqual({ other: INITIAL_BIRTHDAY })
  await expectNoAxeViolations(page)
  await page
    .locator('#group')
    .evaluate((fieldset) => ((fieldset as HTMLFieldSetElement).disabled = false))
  await expect(first.day).toBeEnabled()

  // Required and empty: the form does not submit.
  for (const part of ['day', 'month', 'year'] as const) await first[part].fill('')
  expect(
    await host.evaluate((el) => (el as HTMLElement & { checkValidity(): boolean }).checkValidity()),
  ).toBe(false)
  expect(
    await host.evaluate(
      (el) => (el as HTMLElement & { validity: ValidityState }).validity.valueMissing,
    ),
  ).toBe(true)
})

/**
 * Goes back one entry, as the browser's Back button does, and waits until the form page shows
 * again; says whether it came back from the back/forward cache (`pageshow`'s `persisted`).
 * Playwright's `goBack()` waits for a navigation event, and over WebDriver BiDi Firefox sends none
 * when it brings the page back from that cache (the document never unloaded): it timed out there.
 */
async function goBack(page: Page): Promise<boolean> {
  await page.evaluate(() => Reflect.set(window, '__shown', null))
  await page.evaluate(() => void setTimeout(() => history.back()))
  const shown = () =>
    page
      .evaluate(() => `${location.pathname} ${String(Reflect.get(window, '__shown'))}`)
      .catch(() => 'navigating')
  await expect.poll(shown).toMatch(/native-form\.html (true|false)$/)
  return (await shown()).endsWith('true')
}

/** The native form, signed in, with the user's day and month typed; then away to another page. */
async function typeThenLeave(page: Page, origin: string, { cacheable }: { cacheable: boolean }) {
  // In every document of the page: whether it was shown from the back/forward cache, and which
  // editors the engine called formStateRestoreCallback on, with which mode.
  await page.addInitScript(() => {
    addEventListener('pageshow', (event) => Reflect.set(window, '__shown', event.persisted))
    const restored: string[] = []
    Reflect.set(window, '__restored', restored)
    const define = customElements.define.bind(customElements)
    customElements.define = (name, constructor, options) => {
      const proto = constructor.prototype as { formStateRestoreCallback(...args: unknown[]): void }
      const restore = proto.formStateRestoreCallback
      if (name === 'birthday-editor')
        proto.formStateRestoreCallback = function (this: Element, state, mode) {
          restored.push(`${this.id} ${String(mode)}`)
          restore.call(this, state, mode)
        }
      define(name, constructor, options)
    }
  })
  await openFormPage(page, origin, 'native-form', NATIVE_FORM)
  const host = page.locator('#bday')
  await host.getByRole('textbox', { name: 'Day' }).fill('3')
  await host.getByRole('textbox', { name: 'Month' }).fill('Feb')
  // An `unload` listener keeps a page out of the back/forward cache (Firefox, WebKit; Chromium
  // under automation keeps none anyway).
  if (!cacheable) await page.evaluate(() => addEventListener('unload', () => {}))
  await page.getByRole('link', { name: 'Elsewhere' }).click()
  await page.waitForURL(/elsewhere/)
}

/**
 * The first editor's status, what its day and month fields hold, and the editors the engine
 * restored the form state of in this document, read in the page: after a
 * return from the back/forward cache, Playwright's locators in Firefox wait for the end of a
 * navigation that BiDi never reports, while the page itself answers.
 */
function editorState(page: Page) {
  return page
    .evaluate(() => {
      const editor = document.querySelector<HTMLElement & { status: string }>('#bday')
      const field = (part: string) =>
        editor?.shadowRoot?.querySelector<HTMLInputElement>(`[part="${part}"]`)?.value
      const restored = Reflect.get(window, '__restored') as string[]
      return { status: editor?.status, day: field('day'), month: field('month'), restored }
    })
    .catch(() => null)
}

/** Both editors of the page, each restored with the mode `restore`. */
const BOTH_RESTORED = ['bday restore', 'outside restore']

/** Back on the form: idle, with the typed day and month, the editors in `restored` restored. */
async function expectTypedBack(page: Page, restored: string[]) {
  const typed = { status: 'idle', day: '3', month: 'Feb', restored }
  await expect.poll(() => editorState(page)).toEqual(typed)
}

test('signed out, the birthday is not known: like a disabled field, none goes into FormData and it stops no form', async ({
  page,
  origin,
}) => {
  const journey = await openFormPage(page, origin, 'native-form', NATIVE_FORM, '', 'signed-out')
  await expect(page.locator('#bday')).toContainText('Sign in to set your birthday.')
  const checks = await page.evaluate(() => {
    type Control = HTMLElement & { checkValidity(): boolean; validationMessage: string }
    const required = document.querySelector('#bday') as Control
    const form = document.querySelector('#outer') as HTMLFormElement
    return {
      data: Object.fromEntries(new FormData(form)),
      required: [required.checkValidity(), required.validationMessage],
      form: form.reportValidity(),
    }
  })
  // Not `birthday: ""`, which would say "no birthday": nobody knows it while signed out. And no
  // form blocked by a field nobody can reach (the browser could not even focus it to say why).
  expect(checks).toEqual({ data: {}, required: [true, ''], form: true })
  expect(journey.pageErrors).toEqual([])
})

test('back/forward with the page loaded again: formStateRestoreCallback brings back what the user had typed', async ({
  page,
  origin,
  signIn,
}) => {
  await signIn(page)
  await typeThenLeave(page, origin, { cacheable: false })
  // A new document, whose editors the engine restored: 3 February came back through the form
  // state (the stored birthday is 10 December 1990).
  expect(await goBack(page)).toBe(false)
  expect(
    await page.evaluate(
      () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).type,
    ),
  ).toBe('back_forward')
  await expectTypedBack(page, BOTH_RESTORED)
})

test('back/forward, from the back/forward cache where the engine keeps one: what the user had typed is there', async ({
  page,
  origin,
  signIn,
}) => {
  await signIn(page)
  await typeThenLeave(page, origin, { cacheable: true })
  // Firefox keeps the page in its back/forward cache (the same document comes back, so no form
  // state is restored: nothing was lost); Chromium under automation keeps no page there and
  // loads it again, restoring the form state as above.
  const persisted = await goBack(page)
  expect(persisted).toBe(test.info().project.name === 'firefox')
  await expectTypedBack(page, persisted ? [] : BOTH_RESTORED)
})

test('at phone width the fields fit, and axe finds nothing with an error showing', async ({
  page,
  origin,
  signIn,
  policyViolations,
}, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await signIn(page)
  await page.goto(`${origin}/`)
  const editor = editorOf(page)
  await expect(editor.host).toHaveJSProperty('status', 'idle')
  await editor.month.fill('')
  await editor.month.press('Enter')
  await expect(editor.message).toHaveText('Birthday must include a month.')
  await expectNoAxeViolations(page)
  const box = await editor.fields.boundingBox()
  expect(box!.width).toBeLessThanOrEqual(390)
  const path = testInfo.outputPath(`phone-390-${testInfo.project.name}.png`)
  await screenshotOf(editor.host, path, policyViolations)
  await testInfo.attach('the element at 390 px with an error', { path, contentType: 'image/png' })
})
