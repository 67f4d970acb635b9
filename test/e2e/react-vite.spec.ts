/**
 * Clerk's React quickstart on Vite (`examples/react-vite`: `@clerk/react` 6, `<ClerkProvider>` with
 * the printed `proxyUrl`, `<birthday-editor>` from this package's packed tarball beside the claim
 * display, the handler on `vite preview` through the README's Vite plugin), built and previewed with
 * only the emulator's printed lines, in Chromium: `<SignIn/>` in two steps, the session token's
 * claim, a fresh token, a birthday typed and saved in the element (verified), `useAuth()`'s claim
 * updated with no reload, both showing it after a reload, `<UserButton/>` sign-out. Zero page
 * errors, no request off loopback, no route the emulator does not emulate.
 */

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { freePort, ROOT, startViteExample } from '../support/example-apps.ts'
import { useExampleApp } from '../support/use-example-app.ts'
import { watchOffLoopback } from '../support/off-loopback.ts'
import { saveDateIn } from '../support/date-fields.ts'

const example = useExampleApp(
  'examples/react-vite',
  { build: 'vite build', start: 'vite preview' },
  async () => startViteExample(await freePort()),
  300_000,
)

test('the example’s vite.config.ts holds the README’s Vite plugin as written, beside react()', () => {
  const snippet = readFileSync(path.join(ROOT, 'server/snippets/vite.ts'), 'utf8')
  const config = readFileSync(path.join(ROOT, 'examples/react-vite/vite.config.ts'), 'utf8')
  const plugin = /^function birthdayHandler\(\)[\s\S]*?^\}\n/m.exec(snippet)?.[0]
  const env = /^ {2}\/\/ Vite gives \.env[\s\S]*?process\.env \}\)\n/m.exec(snippet)?.[0]
  expect(plugin, 'the plugin in server/snippets/vite.ts').toBeDefined()
  expect(env, 'the .env line in server/snippets/vite.ts').toBeDefined()
  expect(config).toContain(plugin)
  expect(config).toContain(env)
  expect(config).toContain('plugins: [react(), birthdayHandler()]')
})

test('the React quickstart runs the element inside <ClerkProvider> from the emulator’s printed lines alone', async ({
  browser,
}) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const { pageErrors, offLoopback, notEmulated } = await watchOffLoopback(page, {
    emulatorUrl: example.app.emulatorUrl,
  })

  await page.goto(example.app.url)
  await page.getByLabel('Email address').fill('ada@example.test')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await expect(page.getByTestId('email')).toHaveText('ada@example.test')
  await expect(page.getByTestId('birthday')).toHaveText('1990-12-10')
  const cookies = await context.cookies(example.app.url)
  expect(cookies.find((cookie) => cookie.name === '__clerk_db_jwt')?.value).toMatch(/^dvb_/)

  await page.getByRole('button', { name: 'Refresh the session token' }).click()
  await expect(page.getByText('Token refreshed.')).toBeVisible()

  const editor = page.locator('birthday-editor')
  await expect(editor.locator('[part="current-value"]')).toHaveText('Saved: December 10, 1990')
  expect(await saveDateIn(editor, '1987-06-05')).toEqual({ birthday: '1987-06-05', verified: true })
  await expect(editor.locator('[part="message"]')).toHaveText('Saved.')
  // useAuth() re-renders by itself: no reload, no call on the React side.
  await expect(page.getByTestId('birthday')).toHaveText('1987-06-05')
  await expect(page.getByTestId('last-save')).toHaveText('1987-06-05, verified')

  await page.reload()
  await expect(page.getByTestId('email')).toHaveText('ada@example.test')
  await expect(page.getByTestId('birthday')).toHaveText('1987-06-05')
  await expect(editor.locator('[part="current-value"]')).toHaveText('Saved: June 5, 1987')

  await page.getByRole('button', { name: 'Open user menu' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByLabel('Email address')).toBeVisible()

  expect(notEmulated).toEqual([])
  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})
