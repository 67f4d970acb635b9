/**
 * Edit the value: remove the birthday; an unchanged value and an invalid one are refused with the
 * reason shown, and nothing is sent.
 */
import {
  editorOf,
  expect,
  INITIAL_BIRTHDAY,
  recordEditorEvents,
  test,
  tokenClaims,
  watchHandler,
} from '../support/demo-fixtures.ts'

test('Remove deletes the birthday, and the next token has none', async ({ page, signIn }) => {
  await signIn(page)
  const editor = editorOf(page)
  const handler = await watchHandler(page)
  await editor.remove.click()
  await expect(editor.message).toHaveText('Saved.')
  await expect(editor.current).toHaveText('None saved.')
  await expect(editor.input).toHaveValue('')
  await expect(editor.remove).toBeDisabled()
  expect(await handler.bodies()).toEqual([{ birthday: null }])
  expect((await tokenClaims(page)).birthday).toBeNull()

  // And a birthday can be set again from nothing.
  await editor.input.fill('1915-12-10')
  await editor.save.click()
  await expect(editor.current).toHaveText('Saved: December 10, 1915')
  // The display is optimistic: "Saved." comes once the fresh token carries the value (in Firefox
  // the claim was read before the refresh had landed).
  await expect(editor.message).toHaveText('Saved.')
  expect((await tokenClaims(page)).birthday).toBe('1915-12-10')
})

test('an unchanged value is refused, with the reason shown', async ({ page, signIn }) => {
  await signIn(page)
  const editor = editorOf(page)
  const handler = await watchHandler(page)
  await expect(editor.message).toHaveText('Pick a new date to save.')
  await expect(editor.save).toBeDisabled()

  // Typing a different date and then the saved one again: refused again.
  await editor.input.fill('1991-01-02')
  await expect(editor.save).toBeEnabled()
  await editor.input.fill(INITIAL_BIRTHDAY)
  await expect(editor.save).toBeDisabled()
  await expect(editor.message).toHaveText('Pick a new date to save.')
  // Enter submits the form anyway: still nothing is sent.
  await editor.input.press('Enter')
  await expect(editor.message).toHaveText('Pick a new date to save.')
  expect(await editor.host.evaluate((host) => Reflect.get(host, 'status'))).toBe('idle')
  expect(handler.posts).toEqual([])
})

const invalid = [
  { date: '2999-01-01', reason: /^Enter .+ or earlier\.$/ },
  { date: '1899-12-31', reason: 'Enter January 1, 1900 or later.' },
]
for (const { date, reason } of invalid) {
  test(`an invalid date (${date}) is refused, with the reason shown`, async ({ page, signIn }) => {
    await signIn(page)
    const editor = editorOf(page)
    const handler = await watchHandler(page)
    const events = await recordEditorEvents(page)
    await editor.input.fill(date)
    await expect(editor.message).toHaveText(reason)
    await expect(editor.input).toHaveAttribute('aria-invalid', 'true')
    await expect(editor.save).toBeDisabled()
    await editor.input.press('Enter')
    await expect(editor.input).toBeFocused()
    await expect(editor.message).toHaveText(reason)
    expect(handler.posts).toEqual([])
    expect(await events()).toEqual([])
    // The saved value stands, and fixing the field clears the reason.
    await expect(editor.current).toHaveText('Saved: December 10, 1990')
    await editor.input.fill('1991-01-02')
    await expect(editor.input).toHaveAttribute('aria-invalid', 'false')
    await expect(editor.save).toBeEnabled()
  })
}

test('a date that is not a real date is refused, with the reason shown', async ({
  page,
  signIn,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  const handler = await watchHandler(page)
  // Clear the month from the keyboard: day and year alone are no date (`badInput`).
  await editor.input.focus()
  await page.keyboard.press('Backspace')
  await page.keyboard.press('Enter')
  await expect(editor.message).toHaveText('Enter a real date.')
  await expect(editor.input).toHaveAttribute('aria-invalid', 'true')
  expect(handler.posts).toEqual([])
})
