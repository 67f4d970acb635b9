/**
 * Edit the value: remove the birthday; an unchanged value and an invalid one are refused with the
 * reason shown, and nothing is sent.
 */
import { PARTS, type DatePart } from '../../src/memorable-date.ts'
import {
  type Editor,
  expect,
  expectDate,
  fillDate,
  type HandlerTraffic,
  INITIAL_BIRTHDAY,
  recordEditorEvents,
  test,
  tokenClaims,
} from '../support/demo-fixtures.ts'

test('Remove deletes the birthday, and the next token has none', async ({
  page,
  editor,
  handler,
}) => {
  await editor.remove.click()
  await expect(editor.message).toHaveText('Saved.')
  await expect(editor.current).toHaveText('None saved.')
  await expectDate(editor, '')
  await expect(editor.remove).toBeDisabled()
  expect(await handler.bodies()).toEqual([{ birthday: null }])
  expect((await tokenClaims(page)).birthday).toBeNull()

  // And a birthday can be set again from nothing.
  await fillDate(editor, '1915-12-10')
  await editor.save.click()
  await expect(editor.current).toHaveText('Saved: December 10, 1915')
  // The display is optimistic: "Saved." comes once the fresh token carries the value (in Firefox
  // the claim was read before the refresh had landed).
  await expect(editor.message).toHaveText('Saved.')
  expect((await tokenClaims(page)).birthday).toBe('1915-12-10')
})

test('an unchanged value is refused, with the reason shown', async ({ editor, handler }) => {
  await expect(editor.message).toHaveText('Pick a new date to save.')
  await expect(editor.save).toBeDisabled()

  // Typing a different date and then the saved one again: refused again.
  await fillDate(editor, '1991-01-02')
  await expect(editor.save).toBeEnabled()
  await fillDate(editor, INITIAL_BIRTHDAY)
  await expect(editor.save).toBeDisabled()
  await expect(editor.message).toHaveText('Pick a new date to save.')
  // Enter submits the form anyway: still nothing is sent.
  await editor.year.press('Enter')
  await expect(editor.message).toHaveText('Pick a new date to save.')
  expect(await editor.host.evaluate((host) => Reflect.get(host, 'status'))).toBe('idle')
  expect(handler.posts).toEqual([])
})

/**
 * A date refused for one part: the message names it, that part alone is marked and has focus, and
 * nothing was sent.
 */
async function expectRefused(
  editor: Editor,
  handler: HandlerTraffic,
  message: string,
  part: DatePart,
) {
  await expect(editor.message).toHaveText(message)
  await expect(editor[part]).toHaveAttribute('aria-invalid', 'true')
  await expect(editor[part]).toBeFocused()
  for (const other of PARTS.filter((name) => name !== part)) {
    await expect(editor[other]).toHaveAttribute('aria-invalid', 'false')
  }
  expect(handler.posts).toEqual([])
}

const invalid = [
  { date: '2999-01-01', reason: 'Birthday must be in the past.' },
  { date: '1899-12-31', reason: 'Enter January 1, 1900 or later.' },
]
for (const { date, reason } of invalid) {
  test(`an invalid date (${date}) is refused, with the reason shown`, async ({
    page,
    editor,
    handler,
  }) => {
    const events = await recordEditorEvents(page)
    await fillDate(editor, date)
    await expect(editor.message).toHaveText(reason)
    await expect(editor.day).toHaveAttribute('aria-invalid', 'true')
    await expect(editor.save).toBeDisabled()
    await editor.year.press('Enter')
    // The whole date is at fault: all three fields are marked, and the first (month, in English) has focus.
    await expect(editor.month).toBeFocused()
    await expect(editor.year).toHaveAttribute('aria-invalid', 'true')
    await expect(editor.message).toHaveText(reason)
    expect(handler.posts).toEqual([])
    expect(await events()).toEqual([])
    // The saved value stands, and fixing the field clears the reason.
    await expect(editor.current).toHaveText('Saved: December 10, 1990')
    await fillDate(editor, '1991-01-02')
    await expect(editor.day).toHaveAttribute('aria-invalid', 'false')
    await expect(editor.save).toBeEnabled()
  })
}

test('a date missing a part is refused, naming the part, which alone is marked and focused', async ({
  page,
  editor,
  handler,
}) => {
  // Clear the month from the keyboard: day and year alone are no date.
  await editor.month.focus()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('Backspace')
  await page.keyboard.press('Enter')
  await expectRefused(editor, handler, 'Birthday must include a month.', 'month')
})

test('31 February is not a real date: the day is marked, and fixing it clears the error', async ({
  page,
  editor,
  handler,
}) => {
  await editor.month.fill('2')
  await editor.day.fill('31')
  await editor.year.fill('1990')
  await editor.year.press('Enter')
  await expectRefused(editor, handler, 'Birthday must be a real date.', 'day')
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type('28')
  await expect(editor.message).not.toHaveText('Birthday must be a real date.')
  await expect(editor.day).toHaveAttribute('aria-invalid', 'false')
  await editor.day.press('Enter')
  await expect(editor.current).toHaveText('Saved: February 28, 1990')
  expect(await handler.bodies()).toEqual([{ birthday: '1990-02-28' }])
})
