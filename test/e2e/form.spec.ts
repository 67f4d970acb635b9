/**
 * The element as a form control, in Chromium, on journey pages under the demo's strict policy with
 * Clerk's own tag against the emulator: the README's own-form snippet as written (the page's submit
 * handler reads `FormData` and calls `save()`), then one page of native-form behaviour: `<label
 * for>`, validity and `reportValidity()`, reset, a disabled `<fieldset>`, the `form` attribute,
 * back/forward restore, axe in each state, and a phone-width screenshot.
 */
import { readFileSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import {
  editorOf,
  expect,
  expectDate,
  fillDate,
  INITIAL_BIRTHDAY,
  test,
  tokenClaims,
  typeDate,
} from '../support/demo-fixtures.ts'
import { openJourney } from '../support/journey-page.ts'

const ELEMENT_URL = 'https://your.cdn/birthday-editor/dist/birthday-editor.js'

/** The code block after `<!-- snippet: name -->` in the README. */
function readmeSnippet(name: string): string {
  const readme = readFileSync('README.md', 'utf8')
  const match = new RegExp(`<!-- snippet: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(
    readme,
  )
  if (!match) throw new Error(`README has no snippet "${name}"`)
  return match[1]!
}

/** Clerk's tag for this origin (the emulator's key and proxy, as the demo's own tag has them). */
async function clerkTag(origin: string): Promise<string> {
  const html = await (await fetch(`${origin}/`)).text()
  const tag = /<script src="[^"]+"[^>]*data-clerk-publishable-key[^>]*><\/script>/.exec(html)?.[0]
  if (!tag) throw new Error('the demo page has no Clerk tag')
  return tag.replace(' async', '')
}

/** A journey page with Clerk loaded, the page's stylesheet (`css`), and `body`. */
async function openFormPage(page: Page, origin: string, name: string, body: string, css = '') {
  await page.route(`${origin}/${name}.css`, (route) =>
    route.fulfill({ contentType: 'text/css', body: css }),
  )
  const journey = await openJourney(page, origin, name, {
    head:
      (await clerkTag(origin)) +
      '<script src="/journey/load.js"></script>' +
      `<link rel="stylesheet" href="/${name}.css">`,
    body: body.replaceAll(ELEMENT_URL, '/journey/birthday-editor.js'),
    scripts: { 'load.js': "addEventListener('load', () => Clerk.load())" },
  })
  for (const editor of await page.locator('birthday-editor').all())
    await expect(editor).toHaveJSProperty('status', 'idle')
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
  const journey = await openFormPage(
    page,
    origin,
    'own-form',
    readmeSnippet('own-form'),
    readmeSnippet('own-form-css'),
  )
  const editor = editorOf(page)
  await expect(editor.save).toBeHidden()
  await expect(editor.remove).toBeHidden()
  const submitted = await recordFormData(page, '#profile')
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
  const journey = await openFormPage(
    page,
    origin,
    'own-form',
    readmeSnippet('own-form'),
    readmeSnippet('own-form-css'),
  )
  const editor = editorOf(page)
  const submitted = await recordFormData(page, '#profile')
  await page.getByLabel('Name').fill('Ada')
  await editor.month.fill('')
  await editor.month.press('Enter')
  await expect(editor.message).toHaveText('Birthday must include a month.')
  await expect(editor.month).toHaveAttribute('aria-invalid', 'true')
  await expect(editor.month).toBeFocused()
  expect(await submitted()).toEqual([])
  await expect(page.locator('output')).toHaveText('')
  // Fixing it lets the form submit.
  await page.keyboard.type('Dec')
  await expect(editor.month).toHaveAttribute('aria-invalid', 'false')
  expect(journey.pageErrors).toEqual([])
  await page.keyboard.press('Enter')
  await expect(page.locator('output')).toHaveText(`Saved ${INITIAL_BIRTHDAY}`)
  expect(await submitted()).toEqual([{ name: 'Ada', birthday: INITIAL_BIRTHDAY }])
})

const NATIVE_FORM = `
<script type="module" src="${ELEMENT_URL}"></script>
<main>
<h1>Profile</h1>
<form id="outer">
  <fieldset id="group">
    <legend>Profile</legend>
    <label for="bday">Date of birth</label>
    <birthday-editor id="bday" name="birthday" required></birthday-editor>
  </fieldset>
  <button type="reset">Reset</button>
  <button>Submit</button>
</form>
<birthday-editor id="outside" name="other" form="outer" input="native"></birthday-editor>
<a href="/journey/elsewhere.html">Elsewhere</a>
</main>
`

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
  expect((await data()).birthday).toBe('')
  await expectNoAxeViolations(page)

  // Reset brings the stored birthday back, with no error.
  await page.getByRole('button', { name: 'Reset' }).focus()
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

test('back/forward navigation brings back what the user had typed', async ({
  page,
  origin,
  signIn,
}) => {
  await signIn(page)
  await openFormPage(page, origin, 'native-form', NATIVE_FORM)
  const host = page.locator('#bday')
  const day = host.getByRole('textbox', { name: 'Day' })
  const month = host.getByRole('textbox', { name: 'Month' })
  await day.fill('3')
  await month.fill('Feb')
  await page.getByRole('link', { name: 'Elsewhere' }).click()
  await page.waitForURL(/elsewhere/)
  await page.goBack()
  await expect(host).toHaveJSProperty('status', 'idle')
  await expect(day).toHaveValue('3')
  await expect(month).toHaveValue('Feb')
})

test('at phone width the fields fit, and axe finds nothing with an error showing', async ({
  page,
  origin,
  signIn,
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
  await editor.host.screenshot({ path: testInfo.outputPath('phone-390.png') })
})
