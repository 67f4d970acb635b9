/**
 * `npm start` restarted, as a developer does: the emulator's state lives in its data folder, so
 * the signed-in browser is still signed in afterwards, and the saved birthday is still there, in
 * Clerk's user and in the session token.
 */
import { expect, heldClaims, saveDate, test, tokenClaims } from '../support/demo-fixtures.ts'
import { signInOnDevServer, withDevServer } from '../support/dev-journey.ts'
import { freePort } from '../support/dev-server.ts'

test('after npm start restarts, the browser is still signed in and the birthday is kept', async ({
  page,
  collectPolicyViolations,
}) => {
  test.slow()
  const port = await freePort()
  await withDevServer(page, 'birthday-editor-restart-', async (dev) => {
    const first = await dev.start({ port })
    const { user, editor } = await signInOnDevServer(page, first, collectPolicyViolations)
    await saveDate(editor, '1991-01-02')
    const sessionId = (await heldClaims(page))?.sid

    await first.server.close()
    await dev.start({ port })
    await page.reload()
    await expect(page.locator('#who')).toHaveText(user.email)
    await expect(editor.host).toHaveJSProperty('status', 'idle')
    await expect(editor.current).toHaveText('Saved: January 2, 1991')
    const claims = await tokenClaims(page, { skipCache: true })
    expect(claims).toMatchObject({ sid: sessionId, birthday: '1991-01-02' })

    // And the restarted handler accepts that session's tokens: another save works.
    await saveDate(editor, '1992-03-04')
  })
})
