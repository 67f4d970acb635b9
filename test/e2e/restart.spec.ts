/**
 * `npm start` restarted, as a developer does: the emulator's state lives in its data folder, so
 * the signed-in browser is still signed in afterwards, and the saved birthday is still there, in
 * Clerk's user and in the session token.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createUser,
  editorOf,
  expect,
  fillDate,
  heldClaims,
  signInThroughForm,
  test,
  tokenClaims,
  uniqueEmail,
} from '../support/demo-fixtures.ts'
import { freePort, startDevServer, type DevServer } from '../support/dev-server.ts'

test('after npm start restarts, the browser is still signed in and the birthday is kept', async ({
  page,
  collectPolicyViolations,
}) => {
  test.slow()
  const dataDir = await mkdtemp(join(tmpdir(), 'birthday-editor-restart-'))
  const port = await freePort()
  let dev: DevServer | undefined
  try {
    dev = await startDevServer({ port, dataDir })
    const user = await createUser(dev.origin, uniqueEmail())
    await collectPolicyViolations(page)
    await page.goto(`${dev.origin}/`)
    await signInThroughForm(page, user)
    const editor = editorOf(page)
    await fillDate(editor, '1991-01-02')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
    const sessionId = (await heldClaims(page))?.sid

    await dev.server.close()
    dev = await startDevServer({ port, dataDir })
    await page.reload()
    await expect(page.locator('#who')).toHaveText(user.email)
    await expect(editor.host).toHaveJSProperty('status', 'idle')
    await expect(editor.current).toHaveText('Saved: January 2, 1991')
    const claims = await tokenClaims(page, { skipCache: true })
    expect(claims).toMatchObject({ sid: sessionId, birthday: '1991-01-02' })

    // And the restarted handler accepts that session's tokens: another save works.
    await fillDate(editor, '1992-03-04')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
  } finally {
    await page.close()
    await dev?.server.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
