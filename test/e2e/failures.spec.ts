/**
 * Failures: the backend answers 500, Clerk's Backend API is down, token minting fails after a
 * successful write, the connection fails, or the browser is offline. Each gives a clear message, the
 * typed value stays in the field, and a retry works.
 */
import {
  countRoute,
  type Editor,
  editorOf,
  expect,
  expectDate,
  failHandlerOnce,
  fillDate,
  HANDLER_PATH,
  recordEditorEvents,
  recordMessages,
  ROUTES,
  test,
  tokenClaims,
  watchHandler,
} from '../support/demo-fixtures.ts'

const TYPED = '1991-01-02'

async function typeAndSave(editor: Editor): Promise<void> {
  await fillDate(editor, TYPED)
  await editor.save.click()
}

/** The typed value is still in the field and the save button offers a retry. */
async function expectTypedValueKept(editor: Editor): Promise<void> {
  await expectDate(editor, TYPED)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  await expect(editor.save).toBeEnabled()
}

async function expectSaved(editor: Editor, page: Parameters<typeof tokenClaims>[0]) {
  await expect(editor.message).toHaveText('Saved.')
  await expect(editor.current).toHaveText('Saved: January 2, 1991')
  expect((await tokenClaims(page)).birthday).toBe(TYPED)
}

test('the backend answers 500: "Server error", the value stays, a retry saves', async ({
  page,
  signIn,
  origin,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  const events = await recordEditorEvents(page)
  await failHandlerOnce(page, origin)
  await typeAndSave(editor)
  await expect(editor.message).toHaveText('Server error. Try again.')
  await expect(editor.host).toHaveJSProperty('status', 'error')
  await expect(editor.message).toBeFocused()
  await expectTypedValueKept(editor)
  expect(await events()).toContainEqual({
    type: 'birthday-editor-error',
    code: 'server',
    message: 'Server error. Try again.',
  })

  await editor.save.click()
  await expectSaved(editor, page)
})

test('Clerk\'s Backend API is down: "Server error", the value stays, a retry saves', async ({
  page,
  signIn,
  failNext,
  clearFaults,
  requestLog,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  // Enough failures for the handler's own retry too.
  await failNext({ method: 'PATCH', path: '/api/v1/users/*/metadata', status: 503, times: 5 })
  await typeAndSave(editor)
  await expect(editor.message).toHaveText('Server error. Try again.')
  await expectTypedValueKept(editor)
  expect(countRoute(await requestLog(), ROUTES.metadata)).toBeGreaterThanOrEqual(1)

  await clearFaults()
  await editor.save.click()
  await expectSaved(editor, page)
})

test('token minting fails after a successful write: saved, "will sync", and it syncs', async ({
  page,
  signIn,
  failNext,
  clearFaults,
  requestLog,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  const events = await recordEditorEvents(page)
  await failNext({ path: '/v1/client/sessions/*/tokens', status: 500, times: 20 })
  const messages = await recordMessages(page)
  await typeAndSave(editor)
  // ClerkJS keeps retrying the mint; the editor stops waiting after its 5 s budget.
  await expect(editor.message).toHaveText('Saved. It will sync soon.', { timeout: 8000 })
  expect(await messages()).toEqual([
    'Pick a new date to save.',
    '',
    'Saving…',
    'Syncing…',
    'Saved. It will sync soon.',
  ])
  await expect(editor.host).toHaveJSProperty('status', 'saved')
  await expectDate(editor, TYPED)
  await expect(editor.current).toHaveText('Saved: January 2, 1991')
  expect(await events()).toContainEqual({
    type: 'birthday-editor-saved',
    birthday: TYPED,
    verified: false,
  })
  expect(countRoute(await requestLog(), ROUTES.metadata)).toBe(1)

  // Clerk is back: the next fresh token carries the value, and another save works as usual.
  await clearFaults()
  expect((await tokenClaims(page, { skipCache: true })).birthday).toBe(TYPED)
  await fillDate(editor, '1992-03-04')
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
  expect((await tokenClaims(page)).birthday).toBe('1992-03-04')
})

test('the connection fails: "Could not reach the server", the value stays, a retry saves', async ({
  page,
  signIn,
  origin,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  await page.route(`${origin}${HANDLER_PATH}`, (route) => route.abort('connectionreset'), {
    times: 1,
  })
  await typeAndSave(editor)
  await expect(editor.message).toHaveText('Could not reach the server. Try again.')
  await expectTypedValueKept(editor)
  await editor.save.click()
  await expectSaved(editor, page)
})

test('offline: "Offline", the value stays, and it saves once back online', async ({
  page,
  context,
  signIn,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  const handler = await watchHandler(page)
  await context.setOffline(true)
  await typeAndSave(editor)
  await expect(editor.message).toHaveText('Offline. It will save once online.')
  await expect(editor.host).toHaveJSProperty('status', 'error')
  await expectTypedValueKept(editor)
  expect(handler.posts).toEqual([])

  await context.setOffline(false)
  await expectSaved(editor, page)
  expect(handler.posts).toHaveLength(1)
})

test('offline, a manual retry while still offline says so again and sends nothing', async ({
  page,
  context,
  signIn,
}) => {
  await signIn(page)
  const editor = editorOf(page)
  const handler = await watchHandler(page)
  await context.setOffline(true)
  await typeAndSave(editor)
  await expect(editor.message).toHaveText('Offline. It will save once online.')
  await editor.save.click()
  await expect(editor.message).toHaveText('Offline. It will save once online.')
  await expectTypedValueKept(editor)
  expect(handler.posts).toEqual([])
  await context.setOffline(false)
  await expectSaved(editor, page)
})
