/**
 * Change and save, with both refresh strategies: afterwards the next token from
 * `window.Clerk.session.getToken()` carries the new value, and the wire shows what one save costs.
 */
import { startBuiltDemo, type BuiltDemo } from '../../demo/serve-built.ts'
import {
  BUILT_DEMO,
  chooseStrategy,
  wireOf,
  createUser,
  editorOf,
  emulatorClient,
  expect,
  heldClaims,
  recordEditorEvents,
  signInThroughForm,
  test,
  tokenClaims,
  uniqueEmail,
  watchHandler,
  type LoggedRequest,
} from '../support/demo-fixtures.ts'

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
    expect(wireOf(log)).toEqual(
      strategy === 'token' ? { metadata: 1, mint: 1, me: 0 } : { metadata: 1, mint: 0, me: 1 },
    )
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

test('the first save after a reload costs one POST and one mint: the held token has azp', async ({
  page,
  origin,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  // After a page load ClerkJS holds the token that came with its same-origin `GET /v1/client`. The
  // demo's proxy gives that request the page origin, so the token has `azp` and the editor posts it.
  await signIn(page)
  await page.reload()
  const editor = editorOf(page)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  expect((await heldClaims(page))?.azp).toBe(origin)
  await clearRequestLog()
  const handler = await watchHandler(page)
  await editor.input.fill('1991-01-02')
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
  const log = await requestLog()
  expect(handler.posts).toHaveLength(1)
  expect(await handler.statuses()).toEqual([200])
  expect(wireOf(log)).toMatchObject({ mint: 1, metadata: 1 })
})

test('with refresh="user", every save costs one POST and one GET /v1/me', async ({
  page,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  // `user.reload()` brings the token that rides on `GET /v1/me`; through the demo's proxy it has
  // `azp`, so the next save posts it as it is.
  await signIn(page)
  await chooseStrategy(page, 'user')
  const editor = editorOf(page)
  for (const date of ['1991-01-02', '1992-02-03']) {
    await clearRequestLog()
    const handler = await watchHandler(page)
    await editor.input.fill(date)
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
    expect(handler.posts).toHaveLength(1)
    expect(await handler.statuses()).toEqual([200])
    const log = await requestLog()
    expect(wireOf(log)).toEqual({ mint: 0, me: 1, metadata: 1 })
    expect((await tokenClaims(page)).birthday).toBe(date)
  }
})

test.describe('behind a proxy that forwards no Origin for same-origin GETs', () => {
  let bare: BuiltDemo

  test.beforeAll(async () => {
    bare = await startBuiltDemo({ port: 0, root: BUILT_DEMO, proxyAddsPageOrigin: false })
  })
  test.afterAll(async () => {
    await bare?.close()
  })

  test('the editor mints a token with azp before the first save after a reload: never a 401', async ({
    page,
  }) => {
    // Straight through such a proxy, ClerkJS's GETs carry no Origin, so Clerk mints their tokens
    // without `azp` and the handler would refuse them. The editor notices and mints one first.
    const emulator = emulatorClient(bare.origin)
    const user = await createUser(bare.origin, uniqueEmail())
    await page.goto(`${bare.origin}/`)
    await signInThroughForm(page, user)
    await page.reload()
    const editor = editorOf(page)
    await expect(editor.current).toHaveText('Saved: December 10, 1990')
    expect((await heldClaims(page))?.azp).toBeUndefined()
    await emulator.control('DELETE', 'requests')
    const handler = await watchHandler(page)
    await editor.input.fill('1991-01-02')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
    expect(await handler.statuses()).toEqual([200])
    const { requests } = (await emulator.control('GET', 'requests')) as {
      requests: LoggedRequest[]
    }
    // One mint with azp before the POST, one for the refresh after it.
    expect(wireOf(requests)).toMatchObject({ mint: 2, metadata: 1 })
  })
})
