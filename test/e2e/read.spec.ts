/**
 * Sign in and read: the editor shows the birthday from the session token's claim, and reading it
 * costs nothing beyond the requests ClerkJS itself makes to sign in.
 */
import {
  editorOf,
  expect,
  expectDate,
  HANDLER_PATH,
  heldClaims,
  INITIAL_BIRTHDAY,
  test,
} from '../support/demo-fixtures.ts'

test('signed out, the editor asks to sign in and shows no form', async ({ page, origin }) => {
  // The editor attaches to `window.Clerk` before `load()` has finished; with nobody signed in,
  // ClerkJS ends the load with its `status` event alone, which the editor follows too.
  await page.goto(`${origin}/`)
  await page.waitForFunction(() => Reflect.get(window, 'Clerk')?.loaded === true)
  const editor = editorOf(page)
  await expect(editor.host).toHaveJSProperty('status', 'signed-out', { timeout: 2000 })
  await expect(editor.host).toContainText('Sign in to set your birthday.')
  await expect(editor.form).toBeHidden()
})

test('signed in, the birthday shows from the claims with no extra request', async ({
  page,
  signIn,
  requestLog,
}) => {
  const handlerCalls: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === HANDLER_PATH) handlerCalls.push(request.method())
  })
  await signIn(page)
  const editor = editorOf(page)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  await expectDate(editor, INITIAL_BIRTHDAY)
  await expect(editor.message).toHaveText('Pick a new date to save.')
  await expect(editor.save).toBeDisabled()
  expect((await heldClaims(page))?.birthday).toBe(INITIAL_BIRTHDAY)

  // Loading ClerkJS and signing in, and nothing else: no handler call, no token mint, no user
  // reload, no Backend API call.
  const routes = (await requestLog()).map((request) => request.route)
  expect(routes).toEqual([
    'GET /npm/@clerk/clerk-js@:version/dist/:file',
    'PATCH /v1/environment',
    'GET /v1/client',
    'POST /v1/client/sign_ins',
    'POST /v1/client/sessions/:id/touch',
  ])
  expect(handlerCalls).toEqual([])
})

test('after a reload the signed-in editor reads the claim again, still with no request of its own', async ({
  page,
  signIn,
  requestLog,
  clearRequestLog,
}) => {
  await signIn(page)
  await clearRequestLog()
  await page.reload()
  const editor = editorOf(page)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  await expectDate(editor, INITIAL_BIRTHDAY)
  const routes = (await requestLog()).map((request) => request.route)
  expect(routes).not.toContain('GET /v1/me')
  expect(routes.filter((route) => route?.startsWith('POST /v1/client/sessions/'))).toEqual([])
})
