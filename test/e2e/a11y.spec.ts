/**
 * Accessibility: the whole journey with the keyboard alone, and axe finds no violation signed out
 * or signed in (the editor's shadow DOM included).
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import {
  editorOf,
  expect,
  expectDate,
  fillDate,
  test,
  tokenClaims,
} from '../support/demo-fixtures.ts'

interface Focused {
  tag: string
  name: string | null
  part: string | null
  text: string
  focusVisible: boolean
}

/** The focused element, looking through shadow roots. */
function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    let element = document.activeElement
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement
    return {
      tag: element?.localName ?? '',
      name: element?.getAttribute('name') ?? null,
      part: element?.getAttribute('part') ?? null,
      text: element?.textContent?.trim() ?? '',
      focusVisible: element?.matches(':focus-visible') ?? false,
    }
  })
}

/** Presses Tab (at most 25 times) until the focused element matches. */
async function tabTo(page: Page, wanted: (focus: Focused) => boolean, label: string) {
  for (let presses = 0; presses < 25; presses++) {
    await page.keyboard.press('Tab')
    const focus = await focused(page)
    if (wanted(focus)) return focus
  }
  throw new Error(`Tab never reached ${label}`)
}

test('the whole journey works with the keyboard alone', async ({ page, origin, user }) => {
  await page.goto(`${origin}/`)
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  const editor = editorOf(page)

  // Sign in: the form is prefilled with the demo user; this test's user is typed over it.
  await tabTo(page, (f) => f.name === 'identifier', 'the email field')
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.type(user.email)
  await page.keyboard.press('Tab')
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.type(user.password)
  await tabTo(page, (f) => f.text === 'Sign in', 'the Sign in button')
  await page.keyboard.press('Enter')
  await expect(page.locator('#who')).toHaveText(user.email)
  await expect(editor.host).toHaveJSProperty('status', 'idle')

  // The refresh strategy: a radio group, changed with an arrow key.
  await tabTo(page, (f) => f.name === 'refresh', 'the strategy radios')
  await page.keyboard.press('ArrowDown')
  await expect(editor.host).toHaveJSProperty('refresh', 'user')

  // Type a new date into the editor's three fields (month, day, year in English), Tab between
  // them (no automatic tabbing), and save with Enter.
  await tabTo(page, (f) => f.part === 'month', "the editor's month field")
  for (const [text, next] of [
    ['1', 'day'],
    ['2', 'year'],
    ['1991', null],
  ] as const) {
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type(text)
    if (next) {
      await page.keyboard.press('Tab')
      expect((await focused(page)).part).toBe(next)
    }
  }
  await expectDate(editor, '1991-01-02')
  const save = await tabTo(page, (f) => f.part === 'save-button', 'Save')
  expect(save.focusVisible).toBe(true)
  await page.keyboard.press('Enter')
  await expect(editor.message).toHaveText('Saved.')
  expect((await tokenClaims(page)).birthday).toBe('1991-01-02')

  // Remove with the space bar.
  await tabTo(page, (f) => f.part === 'remove-button', 'Remove')
  await page.keyboard.press('Space')
  await expect(editor.current).toHaveText('None saved.')

  // Sign out: back through the page with Shift+Tab.
  for (let presses = 0; presses < 25; presses++) {
    await page.keyboard.press('Shift+Tab')
    if ((await focused(page)).text === 'Sign out') break
  }
  expect((await focused(page)).text).toBe('Sign out')
  await page.keyboard.press('Enter')
  await expect(editor.form).toBeHidden()
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
})

async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  expect(
    violations.map(({ id, impact, nodes }) => ({
      id,
      impact,
      targets: nodes.map((node) => node.target.join(' ')),
    })),
  ).toEqual([])
}

test('axe finds no violations: signed out, signed in, saved, invalid, after sign-out', async ({
  page,
  origin,
  signIn,
}) => {
  await page.goto(`${origin}/`)
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await expectNoAxeViolations(page)

  await signIn(page)
  await expect(editorOf(page).current).toHaveText('Saved: December 10, 1990')
  await expectNoAxeViolations(page)

  // After a save, with the demo's colour for the saved state (its contrast once fell short).
  await fillDate(editorOf(page), '1991-01-02')
  await editorOf(page).save.click()
  await expect(editorOf(page).message).toHaveText('Saved.')
  await expectNoAxeViolations(page)

  // With a validation message showing, too.
  await fillDate(editorOf(page), '1899-12-31')
  await expect(editorOf(page).day).toHaveAttribute('aria-invalid', 'true')
  await expectNoAxeViolations(page)

  // And after signing out (the editor's signed-out slot).
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(editorOf(page).host).toHaveJSProperty('status', 'signed-out')
  await expectNoAxeViolations(page)
})
