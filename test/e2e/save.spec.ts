/**
 * Change and save, with both refresh strategies: afterwards the next token from
 * `window.Clerk.session.getToken()` carries the new value, and the wire shows what one save costs
 * (in the emulator's log, and as the demo's wire timeline, failed saves included).
 */
import type { Page } from '@playwright/test'
import { startBuiltDemo, type BuiltDemo } from '../../demo/server/serve-built.ts'
import {
  BUILT_DEMO,
  chooseStrategy,
  createUser,
  editorOf,
  emulatorClient,
  expect,
  expectDate,
  fillDate,
  firstSaveAfterLoad,
  HANDLER_PATH,
  heldClaims,
  type LoggedRequest,
  recordEditorEvents,
  saveDate,
  signInThroughForm,
  test,
  tokenClaims,
  uniqueEmail,
  watchHandler,
  wireOf,
} from '../support/demo-fixtures.ts'

for (const strategy of ['token', 'user'] as const) {
  test(`a save with the ${strategy} strategy reaches the next session token`, async ({
    page,
    signIn,
    requestLog,
    clearRequestLog,
    clerkJsMajor,
  }) => {
    await signIn(page)
    // The ClerkJS under test (the `clerk-js-5` project runs these saves on ClerkJS 5).
    expect(
      await page.evaluate(() => (window as { Clerk?: { version?: string } }).Clerk?.version),
    ).toMatch(new RegExp(`^${clerkJsMajor}\\.`))
    await chooseStrategy(page, strategy)
    const editor = editorOf(page)
    const events = await recordEditorEvents(page)
    await clearRequestLog()
    const handler = await watchHandler(page)

    await fillDate(editor, '1991-01-02')
    await expect(editor.message).toHaveText('')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
    await expect(editor.host).toHaveJSProperty('status', 'saved')
    await expect(editor.current).toHaveText('Saved: January 2, 1991')
    await expectDate(editor, '1991-01-02')
    expect(await events()).toEqual([
      { type: 'change' },
      { type: 'birthday-editor-saved', birthday: '1991-01-02', verified: true },
    ])

    // The wire: one POST to the same-origin handler (no preflight), one Backend API write, and
    // then exactly one token mint (`token`) or one user reload and no mint (`user`).
    expect(await handler.bodies()).toEqual([{ birthday: '1991-01-02' }])
    expect(handler.posts).toHaveLength(1)
    expect(await handler.statuses()).toEqual([200])
    expect(handler.preflights()).toBe(0)
    const log = await requestLog()
    expect(wireOf(log)).toEqual(
      strategy === 'token' ? { metadata: 1, mint: 1, me: 0 } : { metadata: 1, mint: 0, me: 1 },
    )
    expect(log.filter((request) => request.route === null)).toEqual([])

    // ClerkJS's next token carries the new value (from its cache: the refresh already put it there).
    expect((await tokenClaims(page)).birthday).toBe('1991-01-02')
    // The demo's inspector highlights the changed claim, and its wire timeline shows one POST, then
    // one mint (`token`) or one user reload (`user`), each bar starting after the one before ends.
    await expect(page.locator('#claims dd.changed')).toHaveText('"1991-01-02"')
    const refresh = strategy === 'token' ? 'POST token mint' : 'GET user reload'
    await expect(wireRows(page)).toHaveCount(2)
    const rows = await wireTimeline(page)
    expect(rows.map(({ label, outcome, failed }) => ({ label, outcome, failed }))).toEqual([
      { label: 'POST save', outcome: '200', failed: false },
      { label: refresh, outcome: '200', failed: false },
    ])
    expect(rows[0]?.text).toMatch(/^POST save 200 at 0 ms, \d+ ms$/)
    expectInOrder(rows)
  })
}

test('the wire timeline shows a failed save: its POST with its status, then a retry', async ({
  page,
  editor,
  handler,
  origin,
  failNext,
  clearFaults,
  policyViolations,
}) => {
  // The Backend API is down: the handler answers an error status, and nothing follows the POST.
  await failNext({ method: 'PATCH', path: '/api/v1/users/*/metadata', status: 503, times: 5 })
  await fillDate(editor, '1991-01-02')
  await editor.save.click()
  await expect(editor.message).toHaveText('Server error. Try again.')
  const [status] = await handler.statuses()
  expect(status).toBeGreaterThanOrEqual(500)
  await expect(wireRows(page)).toHaveText([new RegExp(`^POST save ${status} at 0 ms, \\d+ ms$`)])
  expect(await wireTimeline(page)).toMatchObject([
    { label: 'POST save', outcome: String(status), failed: true },
  ])

  // The connection drops: a POST with no response at all is drawn too, in place of the last save.
  await clearFaults()
  await page.route(`${origin}${HANDLER_PATH}`, (route) => route.abort('connectionreset'), {
    times: 1,
  })
  await editor.save.click()
  await expect(editor.message).toHaveText('Could not reach the server. Try again.')
  await expect(wireRows(page)).toHaveText([/^POST save no response at 0 ms, \d+ ms$/])
  expect(await wireTimeline(page)).toMatchObject([
    { label: 'POST save', outcome: 'no response', failed: true },
  ])

  // The retry saves: its POST and its mint, without the failed attempts.
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
  await expect(wireRows(page)).toHaveCount(2)
  const rows = await wireTimeline(page)
  expect(rows).toMatchObject([
    { label: 'POST save', outcome: '200', failed: false },
    { label: 'POST token mint', outcome: '200', failed: false },
  ])
  expectInOrder(rows)
  // Bars and ticks are placed through the CSSOM: the strict policy reports nothing.
  expect(policyViolations).toEqual([])
})

/** The wire panel's rows, one per request. */
const wireRows = (page: Page) => page.locator('#wire li.wire-row')

/** Each row's text and parts, and where its bar sits on the axis (px from the axis's 0). */
function wireTimeline(page: Page) {
  return wireRows(page).evaluateAll((items) =>
    items.map((item) => {
      // The track's content box (inside its axis line) is the axis: 0 at its start.
      const track = item.querySelector('.wire-track')
      const start = track ? track.getBoundingClientRect().left + track.clientLeft : NaN
      const bar = item.querySelector('.wire-bar')?.getBoundingClientRect()
      return {
        text: item.textContent,
        label: item.querySelector('.wire-label')?.textContent,
        outcome: item.querySelector('.wire-outcome')?.textContent,
        failed: item.classList.contains('failed'),
        left: bar ? bar.left - start : NaN,
        right: bar ? bar.right - start : NaN,
        track: track?.clientWidth ?? NaN,
      }
    }),
  )
}

/** The bars share one axis: the first starts at its left edge, each next one after the one before
 * it ended (the editor waits for the POST's answer before it refreshes), and all fit the track. */
function expectInOrder(rows: Awaited<ReturnType<typeof wireTimeline>>): void {
  expect(rows[0]?.left).toBeCloseTo(0, 0)
  for (const [index, row] of rows.entries()) {
    expect(row.track).toBeGreaterThan(0)
    expect(row.right).toBeLessThanOrEqual(row.track + 3)
    const before = rows[index - 1]
    if (before) expect(row.left).toBeGreaterThanOrEqual(before.right - 1)
  }
}

test('the saved birthday is there after a reload', async ({ page, editor }) => {
  await fillDate(editor, '2000-02-29')
  await editor.year.press('Enter')
  await expect(editor.message).toHaveText('Saved.')
  await page.reload()
  await expect(editor.current).toHaveText('Saved: February 29, 2000')
  await expectDate(editor, '2000-02-29')
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
  const { handler } = await firstSaveAfterLoad(page, origin, clearRequestLog, '1991-01-02')
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
    await saveDate(editor, date)
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
    await saveDate(editor, '1991-01-02')
    expect(await handler.statuses()).toEqual([200])
    const { requests } = (await emulator.control('GET', 'requests')) as {
      requests: LoggedRequest[]
    }
    // One mint with azp before the POST, one for the refresh after it.
    expect(wireOf(requests)).toMatchObject({ mint: 2, metadata: 1 })
  })
})
