/**
 * The cross-origin page: the same editor saves through the handler on the second origin (another
 * port), with a CORS preflight, and the next token carries the value.
 */
import {
  editorOf,
  expect,
  firstSaveAfterLoad,
  recordEditor,
  SAVE_MESSAGES,
  saveDate,
  test,
  tokenClaims,
  watchHandler,
  wireOf,
} from '../support/demo-fixtures.ts'

test('the cross-origin page saves through the handler origin with a preflight', async ({
  page,
  demo,
  origin,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  const { handlerOrigin } = demo.backend
  await signIn(page)
  await page.goto(`${origin}/demo/page/cross-origin.html`)
  const editor = editorOf(page)
  await expect(page.locator('#endpoint')).toHaveText(`${handlerOrigin}/api/update-user-metadata`)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  const { events, messages } = await recordEditor(page)
  const handler = await watchHandler(page)

  await saveDate(editor, '1991-01-02')
  expect(await messages()).toEqual(SAVE_MESSAGES)
  expect(await events()).toContainEqual({
    type: 'birthday-editor-saved',
    birthday: '1991-01-02',
    verified: true,
  })
  expect(new Set(handler.posts.map((post) => new URL(post.url()).origin))).toEqual(
    new Set([handlerOrigin]),
  )
  // The engine's own preflight, answered by the handler (no `page.route()` in this spec, so
  // Playwright does not answer it in the browser's place).
  expect(handler.preflights()).toBe(1)
  expect(handler.preflightStatuses()).toEqual([204])
  const response = await handler.posts.at(-1)?.response()
  expect(response?.status()).toBe(200)
  expect(response?.headers()['access-control-allow-origin']).toBe(origin)
  expect((await tokenClaims(page)).birthday).toBe('1991-01-02')

  // The next save: exactly one POST and one token mint, and at most one more preflight (the
  // browser may cache the first).
  await clearRequestLog()
  const before = { posts: handler.posts.length, preflights: handler.preflights() }
  await saveDate(editor, '1992-03-04')
  expect(handler.posts.length - before.posts).toBe(1)
  expect(handler.preflights() - before.preflights).toBeLessThanOrEqual(1)
  expect(await handler.statuses()).toContain(200)
  expect(wireOf(await requestLog())).toMatchObject({ metadata: 1, mint: 1 })
  expect((await tokenClaims(page)).birthday).toBe('1992-03-04')
})

test('the first save after the page loads costs one POST and one mint, no 401', async ({
  page,
  origin,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  // The token ClerkJS holds after a page load comes from its same-origin `GET /v1/client`; the
  // demo's proxy gives that request the page origin, so the token's `azp` is the page origin, which
  // the handler origin accepts.
  await signIn(page)
  await page.goto(`${origin}/demo/page/cross-origin.html`)
  const { handler } = await firstSaveAfterLoad(page, origin, clearRequestLog, '1991-01-02')
  expect(handler.posts).toHaveLength(1)
  expect(handler.preflights()).toBeLessThanOrEqual(1)
  expect(wireOf(await requestLog()).mint).toBe(1)
  expect(await handler.statuses()).toEqual([200])
})
