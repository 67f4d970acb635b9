/**
 * Clerk's JavaScript quickstart offline, as a new user runs it: `examples/quickstart` holds the
 * README's plain-HTML snippet as written (`index.html`) and this package installed from its packed
 * tarball beside `@clerk/clerk-js` and `@clerk/ui`; that install's `npx birthday-editor emulator`
 * prints the lines, and `server.js` (the page, the element's bundle from the install, the handler
 * on the page's own origin, no `ALLOWED_ORIGINS`) runs with only them. In Chromium: `mountSignIn`,
 * `<birthday-editor>` saving with a verified token, `mountUserButton`; then
 * `Clerk.redirectToSignIn()`, what `<SignInButton/>` does in redirect mode, through the emulator's
 * Account Portal page and back. Zero page errors; nothing leaves loopback.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { expectDateIn, saveDateIn } from '../support/date-fields.ts'
import { ROOT, startQuickstartExample } from '../support/example-apps.ts'
import { useExampleApp } from '../support/use-example-app.ts'
import { watchOffLoopback } from '../support/off-loopback.ts'

const EXAMPLE = path.join(ROOT, 'examples', 'quickstart')

const example = useExampleApp(
  'examples/quickstart',
  { start: 'server' },
  startQuickstartExample,
  300_000,
)

async function signInWithClerksForm(page: Page) {
  await page.getByLabel('Email address').fill('ada@example.test')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
}

test("the example's page is the README's quickstart snippet, as written", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const snippet = /<!-- snippet: quickstart -->\s*```html\n([\s\S]*?)```/.exec(readme)?.[1]
  expect(snippet, 'README quickstart snippet').toBeTruthy()
  const html = readFileSync(path.join(EXAMPLE, 'index.html'), 'utf8')
  const body = /<body>\n\s*<!--.*-->\n([\s\S]*?)\s*<\/body>/.exec(html)?.[1] ?? ''
  const dedented = body
    .split('\n')
    .map((line) => line.replace(/^ {4}/, ''))
    .join('\n')
  expect(`${dedented}\n`).toBe(snippet)
})

test('server.js without the printed lines stops at once, naming the missing variable', () => {
  const run = spawnSync(process.execPath, ['server.js'], {
    cwd: EXAMPLE,
    env: { PATH: process.env.PATH, CLERK_PROXY_URL: example.app.emulatorUrl },
    encoding: 'utf8',
    timeout: 10_000,
  })
  expect(run.status).toBe(1)
  expect(run.stderr).toContain(
    "CLERK_PUBLISHABLE_KEY is not set: start with the emulator's printed lines",
  )
})

test('from the tarball: mountSignIn, a verified save, mountUserButton, then a redirect sign-in', async ({
  page,
}) => {
  test.setTimeout(90_000)
  const { pageErrors, offLoopback } = await watchOffLoopback(page)
  const origin = new URL(example.app.url).origin

  await test.step('mountSignIn: signing in reloads the page signed in, with the user button', async () => {
    await page.goto(`${example.app.url}/`)
    await signInWithClerksForm(page)
    await expect(page.getByRole('button', { name: 'Open user menu' })).toBeVisible()
    await expectDateIn(page.locator('birthday-editor'), '1990-12-10')
  })

  await test.step('the element saves through the same-origin handler, verified', async () => {
    const host = page.locator('birthday-editor')
    expect(await saveDateIn(host, '1991-02-03')).toEqual({ birthday: '1991-02-03', verified: true })
    await expect(host).toHaveJSProperty('status', 'saved')
    await expect(host.getByRole('status')).toHaveText('Saved.')
  })

  await test.step('mountUserButton: signing out shows the sign-in form again', async () => {
    await page.getByRole('button', { name: 'Open user menu' }).click()
    await page.getByRole('button', { name: 'Sign out' }).click()
    // ClerkJS goes to the after-sign-out URL (the page), which mounts the sign-in form again.
    await expect(page.getByLabel('Email address')).toBeVisible()
  })

  await test.step("redirectToSignIn(): the emulator's hosted sign-in page, and back", async () => {
    await page.evaluate(() =>
      (
        window as unknown as { Clerk: { redirectToSignIn(): Promise<unknown> } }
      ).Clerk.redirectToSignIn(),
    )
    await page.waitForURL((url) => url.href.startsWith(`${example.app.emulatorUrl}/sign-in`))
    // ClerkJS passes the page to return to as redirect_url (in the fragment, for hash routing).
    expect(decodeURIComponent(page.url())).toContain(`redirect_url=${origin}/`)
    await signInWithClerksForm(page)
    await page.waitForURL((url) => url.origin === origin)
    await expect(page.getByRole('button', { name: 'Open user menu' })).toBeVisible()
    await expectDateIn(page.locator('birthday-editor'), '1991-02-03')
  })

  expect(pageErrors, 'page errors').toEqual([])
  expect(offLoopback, 'requests leaving loopback').toEqual([])
})
