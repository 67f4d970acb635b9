/**
 * Sessions: an expired token is retried once with a fresh one, invisibly; a double click sends one
 * POST; signing out while editing hides the form; a save in one tab shows up in another.
 */
import {
  editorOf,
  expect,
  expectDate,
  fillDate,
  heldClaims,
  INITIAL_BIRTHDAY,
  recordEditor,
  SAVE_MESSAGES,
  saveDate,
  test,
  tokenClaims,
  watchHandler,
  wireOf,
} from '../support/demo-fixtures.ts'

test('an expired session token is retried once with a fresh one, and the user sees nothing of it', async ({
  page,
  signIn,
  emulatorSettings,
  requestLog,
  clearRequestLog,
}) => {
  // The browser's clock runs two minutes slow, and the token ClerkJS caches at sign-in was minted
  // two minutes in the past: ClerkJS (which checks `exp` against the browser's clock) keeps using
  // it, while the handler (which checks against the real clock) finds it expired.
  await page.clock.install({ time: Date.now() - 120_000 })
  await emulatorSettings({ clockOffsetMs: -120_000 })
  await signIn(page)
  const held = await heldClaims(page)
  expect(Number(held?.exp)).toBeLessThan(Date.now() / 1000)
  await emulatorSettings({ clockOffsetMs: 0 })
  await clearRequestLog()

  const editor = editorOf(page)
  const handler = await watchHandler(page)
  const { events, messages } = await recordEditor(page)
  await saveDate(editor, '1991-01-02')

  expect(await handler.statuses()).toEqual([401, 200])
  const bearers = await Promise.all(
    handler.posts.map(async (post) => (await post.allHeaders()).authorization),
  )
  expect(bearers[0]).not.toBe(bearers[1])
  expect(await messages()).toEqual(SAVE_MESSAGES)
  expect(await events()).toEqual([
    { type: 'change' },
    { type: 'birthday-editor-saved', birthday: '1991-01-02', verified: true },
  ])
  // One fresh token for the retry, one for the refresh after the write; one write.
  expect(wireOf(await requestLog())).toMatchObject({ mint: 2, metadata: 1 })
  expect((await tokenClaims(page)).birthday).toBe('1991-01-02')
})

test('a double click on Save sends exactly one POST', async ({
  editor,
  handler,
  failNext,
  requestLog,
}) => {
  // A slow Backend API keeps the first save in flight while the second click lands.
  await failNext({ method: 'PATCH', path: '/api/v1/users/*/metadata', delayMs: 400 })
  await fillDate(editor, '1991-01-02')
  await editor.save.dblclick()
  await expect(editor.message).toHaveText('Saved.')
  expect(handler.posts).toHaveLength(1)
  expect(wireOf(await requestLog()).metadata).toBe(1)
})

test('signing out while editing hides the form and forgets the typed value', async ({
  page,
  editor,
  handler,
  signIn,
}) => {
  await fillDate(editor, '1991-01-02')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(editor.form).toBeHidden()
  await expect(editor.host).toHaveJSProperty('status', 'signed-out')
  await expect(editor.host).toContainText('Sign in to set your birthday.')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  expect(handler.posts).toEqual([])

  // Signing in again shows the saved value, not what was typed before.
  await signIn(page)
  await expectDate(editor, INITIAL_BIRTHDAY)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
})

test('two tabs: a save in one shows up in the other', async ({ page, context, signIn, origin }) => {
  await signIn(page)
  const other = await context.newPage()
  await other.goto(`${origin}/`)
  const first = editorOf(page)
  const second = editorOf(other)
  await expect(second.current).toHaveText('Saved: December 10, 1990')

  await saveDate(first, '1991-01-02')
  await expect(second.current).toHaveText('Saved: January 2, 1991')
  await expectDate(second, '1991-01-02')
  await expect(second.message).toHaveText('Pick a new date to save.')
  // The other tab's ClerkJS got a fresh token too.
  await expect.poll(async () => (await heldClaims(other))?.birthday).toBe('1991-01-02')
  expect((await tokenClaims(other)).birthday).toBe('1991-01-02')
})
