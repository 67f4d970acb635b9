/**
 * The emulator's hosted Account Portal pages, on ClerkJS 6 (with `@clerk/ui`) and on ClerkJS 5 (the
 * project's `clerk-js-5` alias served as the emulator's ClerkJS, so the hosted page loads 5 and no
 * `@clerk/ui`), in Chromium and Firefox: a page signed out calls `Clerk.redirectToSignIn()`, the demo
 * user signs in on the hosted `/sign-in` page with email and password; it calls
 * `Clerk.redirectToSignUp()`, a new user signs up on the hosted `/sign-up` page with Clerk's
 * test-mode code 424242; each time the browser comes back to the page signed in as that user. Zero
 * page errors; nothing leaves loopback; no request the emulator does not emulate.
 *
 * Text goes into Clerk's fields as keystrokes (`pressSequentially`), as a user types it. Clerk's
 * prebuilt components are React, whose inputs are controlled: React learns of an edit only when the
 * field's value differs from the one its tracker last saw, and it tracks assignments to `value`.
 * Playwright's `fill` types natively in Chromium, but over WebDriver BiDi (Firefox) 1.64.1 assigns
 * `value` by script and dispatches a synthetic `input` event, which React ignores: the field shows
 * the text, Clerk's state stays empty, the form is invalid and Continue sends nothing.
 */
import { createClerkClient } from '@clerk/backend'
import { expect, test, type Page } from '@playwright/test'
import { CLI_KEY_HOST } from '../../emulator/node/cli.ts'
import { DEMO_USER } from '../../emulator/options.ts'
import { installedClerkJs } from '../../emulator/node/clerk-js-source.ts'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { startPageServer, type PageServer } from '../support/page-server.ts'
import { watchOffLoopback, type OffLoopbackWatch } from '../support/off-loopback.ts'

const PASSWORD = 'a-good-password-1'

/** The app's page: ClerkJS by script tag from the emulator, and a line saying who is signed in. */
function appPage(emu: StartedEmulator, major: string): string {
  const { proxyUrl, publishableKey } = emu.config
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>app</title><link rel="icon" href="data:,"></head><body>
<p id="state">loading</p>
<script src="${proxyUrl}/npm/@clerk/clerk-js@${major}/dist/clerk.browser.js" data-clerk-publishable-key="${publishableKey}" data-clerk-proxy-url="${proxyUrl}"></script>
<script>
  window.addEventListener('load', async () => {
    await Clerk.load({ telemetry: false })
    document.getElementById('state').textContent = Clerk.user
      ? 'signed in as ' + Clerk.user.primaryEmailAddress.emailAddress
      : 'signed out'
  })
</script>
</body></html>`
}

for (const major of ['6', '5'] as const) {
  test.describe(`ClerkJS ${major}`, () => {
    let emu: StartedEmulator
    let app: PageServer

    test.beforeAll(async () => {
      const installed = await installedClerkJs()
      const clerkJsSource =
        major === '6'
          ? installed
          : installed.alongside?.find((source) => source.version.startsWith('5.'))
      if (!clerkJsSource?.version.startsWith(`${major}.`)) {
        throw new Error(
          `ClerkJS ${major} is not installed (the clerk-js-5 alias is a devDependency): run npm ci`,
        )
      }
      // The CLI's key host (a development instance's), whose hosted pages these are.
      emu = await startEmulator({ clerkJsSource, keyHost: CLI_KEY_HOST })
      app = await startPageServer({ html: appPage(emu, major) })
    })

    test.afterAll(async () => {
      await app?.close()
      await emu?.close()
    })

    /** From the app's page, signed out, to the hosted page `to`, which names the way back. */
    async function toHostedPage(page: Page, to: 'sign-in' | 'sign-up') {
      await page.goto(`${app.origin}/`)
      await expect(page.locator('#state')).toHaveText('signed out')
      await page.evaluate(
        (method) =>
          (window as unknown as { Clerk: Record<string, () => Promise<unknown>> }).Clerk[method]!(),
        to === 'sign-in' ? 'redirectToSignIn' : 'redirectToSignUp',
      )
      await page.waitForURL((url) => url.href.startsWith(`${emu.config.proxyUrl}/${to}`))
      expect(decodeURIComponent(page.url())).toContain(`redirect_url=${app.origin}/`)
    }

    /** Back on the app's page, signed in as `email`, with nothing wrong on the way. */
    async function expectBackSignedIn(page: Page, email: string, watched: OffLoopbackWatch) {
      await page.waitForURL((url) => url.origin === app.origin)
      await expect(page.locator('#state')).toHaveText(`signed in as ${email}`)
      expect(watched.pageErrors, 'page errors').toEqual([])
      expect(watched.offLoopback, 'requests leaving loopback').toEqual([])
      expect(watched.notEmulated, 'requests the emulator does not emulate').toEqual([])
    }

    test('the demo user signs in on the hosted /sign-in page with email and password and comes back signed in', async ({
      page,
    }) => {
      const watched = await watchOffLoopback(page, { emulatorUrl: emu.config.proxyUrl })
      await toHostedPage(page, 'sign-in')

      await page.getByLabel('Email address').pressSequentially(DEMO_USER.email)
      await page.getByRole('button', { name: 'Continue', exact: true }).click()
      // The password step: the first step's own password row stays hidden (Clerk shows it only
      // when the browser autofills it), so this waits for the step Clerk moves to.
      await page.waitForURL((url) => url.hash.startsWith('#/factor-one'))
      await page.getByLabel('Password', { exact: true }).pressSequentially(DEMO_USER.password)
      await page.getByRole('button', { name: 'Continue', exact: true }).click()

      await expectBackSignedIn(page, DEMO_USER.email, watched)
    })

    test('a new user signs up on the hosted /sign-up page with 424242 and comes back signed in', async ({
      page,
    }) => {
      const watched = await watchOffLoopback(page, { emulatorUrl: emu.config.proxyUrl })
      const uiRequests: string[] = []
      page.on('request', (request) => {
        if (request.url().includes('/npm/@clerk/ui@')) uiRequests.push(request.url())
      })
      const email = `new-${major}+clerk_test@example.test`
      await toHostedPage(page, 'sign-up')
      // The hosted page loads the emulator's ClerkJS of this major.
      await expect
        .poll(() =>
          page.evaluate(
            () => (window as unknown as { Clerk?: { version?: string } }).Clerk?.version,
          ),
        )
        .toMatch(new RegExp(`^${major}\\.`))

      await page.getByLabel('Email address').pressSequentially(email)
      await page.getByLabel('Password', { exact: true }).pressSequentially(PASSWORD)
      await page.getByRole('button', { name: 'Continue', exact: true }).click()
      // Clerk's one-time-code field: typing fills its six boxes and submits.
      await page.getByRole('textbox').first().click()
      await page.keyboard.type('424242')

      await expectBackSignedIn(page, email, watched)

      const backend = createClerkClient({
        secretKey: emu.config.secretKey,
        apiUrl: emu.config.apiUrl,
        telemetry: { disabled: true },
      })
      const users = await backend.users.getUserList({ emailAddress: [email] })
      expect(users.data).toHaveLength(1)
      expect(users.data[0]?.primaryEmailAddress?.verification?.status).toBe('verified')

      // ClerkJS 6 draws the hosted form with @clerk/ui; ClerkJS 5 bundles its own components.
      if (major === '6') expect(uiRequests.length).toBeGreaterThan(0)
      else expect(uiRequests).toEqual([])
    })
  })
}
