/**
 * `npm start` with the lines `npm run emulator` prints in its environment (the emulator README's
 * `> .env`): those are an emulator's keys, not a Clerk instance's, so the demo stays on its embedded
 * emulator and works, rather than pointing the page at the key's unreachable host.
 */
import { createEmulator } from '../../emulator/app.ts'
import { expect, saveDate, test } from '../support/demo-fixtures.ts'
import { signInOnDevServer, withDevServer } from '../support/dev-journey.ts'

test("npm start with another emulator's printed lines stays on its embedded emulator", async ({
  page,
  collectPolicyViolations,
}) => {
  test.slow()
  const printed = (await createEmulator()).config('http://127.0.0.1:4010')
  await withDevServer(page, 'birthday-editor-modes-', async (dev) => {
    const server = await dev.start({
      env: {
        CLERK_PUBLISHABLE_KEY: printed.publishableKey,
        CLERK_SECRET_KEY: printed.secretKey,
        CLERK_PROXY_URL: printed.proxyUrl,
        CLERK_API_URL: printed.apiUrl,
        CLERK_JWT_KEY: printed.jwtKey,
      },
    })
    const config = (await (await fetch(`${server.origin}/demo-config.json`)).json()) as {
      mode: string
      proxyUrl: string
    }
    expect(config).toMatchObject({ mode: 'emulator', proxyUrl: `${server.origin}/__clerk` })

    const { editor } = await signInOnDevServer(page, server, collectPolicyViolations)
    await expect(page.locator('#mode')).toHaveText('offline emulator')
    await saveDate(editor, '1990-05-06')
  })
})
