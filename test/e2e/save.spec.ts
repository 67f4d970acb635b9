/**
 * Change and save, with both refresh strategies: afterwards the next token from
 * `window.Clerk.session.getToken()` carries the new value, and the wire shows what one save costs.
 */
import {
  chooseStrategy,
  countRoute,
  editorOf,
  expect,
  recordEditorEvents,
  ROUTES,
  test,
  tokenClaims,
  watchHandler,
} from './fixtures.ts'

for (const strategy of ['token', 'user'] as const) {
  test(`a save with the ${strategy} strategy reaches the next session token`, async ({
    page,
    signIn,
    requestLog,
    clearRequestLog,
  }) => {
    await signIn(page)
    await chooseStrategy(page, strategy)
    const editor = editorOf(page)
    const events = await recordEditorEvents(page)
    await clearRequestLog()
    const handler = await watchHandler(page)

    await editor.input.fill('1991-01-02')
    await expect(editor.message).toHaveText('')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
    await expect(editor.host).toHaveJSProperty('status', 'saved')
    await expect(editor.current).toHaveText('Saved: January 2, 1991')
    await expect(editor.input).toHaveValue('1991-01-02')
    expect(await events()).toEqual([
      { type: 'change' },
      { type: 'birthday-editor-saved', birthday: '1991-01-02', verified: true },
    ])

    // The wire: one POST to the same-origin handler (no preflight), one Backend API write, and
    // then exactly one token mint (`token`) or one user reload and no mint (`user`).
    expect(handler.posts.map((post) => post.postDataJSON())).toEqual([{ birthday: '1991-01-02' }])
    expect(await handler.statuses()).toEqual([200])
    expect(handler.preflights()).toBe(0)
    const log = await requestLog()
    expect(countRoute(log, ROUTES.metadata)).toBe(1)
    expect(countRoute(log, ROUTES.mint)).toBe(strategy === 'token' ? 1 : 0)
    expect(countRoute(log, ROUTES.me)).toBe(strategy === 'user' ? 1 : 0)
    expect(log.filter((request) => request.route === null)).toEqual([])

    // ClerkJS's next token carries the new value (from its cache: the refresh already put it there).
    expect((await tokenClaims(page)).birthday).toBe('1991-01-02')
    // The demo's inspector highlights the changed claim, and its timeline lists the POST.
    await expect(page.locator('#claims dd.changed')).toHaveText('"1991-01-02"')
    await expect(page.locator('#wire li').first()).toContainText('/api/update-user-metadata 200')
  })
}

test('the saved birthday is there after a reload', async ({ page, signIn }) => {
  await signIn(page)
  const editor = editorOf(page)
  await editor.input.fill('2000-02-29')
  await editor.input.press('Enter')
  await expect(editor.message).toHaveText('Saved.')
  await page.reload()
  await expect(editor.current).toHaveText('Saved: February 29, 2000')
  await expect(editor.input).toHaveValue('2000-02-29')
  expect((await tokenClaims(page)).birthday).toBe('2000-02-29')
})

test('the first save after a reload mints a token with azp first: one POST, never a 401', async ({
  page,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  // After a page load ClerkJS holds a token minted for its same-origin GET, which carries no
  // Origin, so the token has no `azp` (Clerk does the same) and the handler would refuse it. The
  // editor mints one that has it before posting: one POST, and a mint before and after the write.
  await signIn(page)
  await page.reload()
  const editor = editorOf(page)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  await clearRequestLog()
  const handler = await watchHandler(page)
  await editor.input.fill('1991-01-02')
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
  expect(countRoute(await requestLog(), ROUTES.mint)).toBe(2)
  expect(await handler.statuses()).toEqual([200])
})

test('with refresh="user", a second save mints a token with azp first, never a 401', async ({
  page,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  // `user.reload()` brings a token minted for a GET (`/v1/me`): no Origin, so no `azp`.
  await signIn(page)
  await chooseStrategy(page, 'user')
  const editor = editorOf(page)
  await editor.input.fill('1991-01-02')
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
  await clearRequestLog()
  const handler = await watchHandler(page)
  await editor.input.fill('1992-02-03')
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
  expect(await handler.statuses()).toEqual([200])
  const log = await requestLog()
  expect(countRoute(log, ROUTES.mint)).toBe(1)
  expect(countRoute(log, ROUTES.me)).toBe(1)
  expect((await tokenClaims(page)).birthday).toBe('1992-02-03')
})
