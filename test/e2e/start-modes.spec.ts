/**
 * `npm start` with the lines `npm run emulator` prints in its environment (the emulator README's
 * `> .env`): those are an emulator's keys, not a Clerk instance's, so the demo stays on its embedded
 * emulator and works, rather than pointing the page at the key's unreachable host.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator } from '../../emulator/app.ts'
import {
  createUser,
  editorOf,
  expect,
  fillDate,
  signInThroughForm,
  test,
  uniqueEmail,
} from '../support/demo-fixtures.ts'
import { startDevServer, type DevServer } from '../support/dev-server.ts'

test("npm start with another emulator's printed lines stays on its embedded emulator", async ({
  page,
  collectPolicyViolations,
}) => {
  test.slow()
  const printed = (await createEmulator()).config('http://127.0.0.1:4010')
  const dataDir = await mkdtemp(join(tmpdir(), 'birthday-editor-modes-'))
  let dev: DevServer | undefined
  try {
    dev = await startDevServer({
      dataDir,
      env: {
        CLERK_PUBLISHABLE_KEY: printed.publishableKey,
        CLERK_SECRET_KEY: printed.secretKey,
        CLERK_PROXY_URL: printed.proxyUrl,
        CLERK_API_URL: printed.apiUrl,
        CLERK_JWT_KEY: printed.jwtKey,
      },
    })
    const config = (await (await fetch(`${dev.origin}/demo-config.json`)).json()) as {
      mode: string
      proxyUrl: string
    }
    expect(config).toMatchObject({ mode: 'emulator', proxyUrl: `${dev.origin}/__clerk` })

    const user = await createUser(dev.origin, uniqueEmail())
    await collectPolicyViolations(page)
    await page.goto(`${dev.origin}/`)
    await expect(page.locator('#mode')).toHaveText('offline emulator')
    await signInThroughForm(page, user)
    const editor = editorOf(page)
    await fillDate(editor, '1990-05-06')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
  } finally {
    await page.close()
    await dev?.server.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
