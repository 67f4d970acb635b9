/**
 * Clerk's React quickstart on Vite (`examples/react-vite`: `@clerk/react` 6, `<ClerkProvider>` with
 * the printed `proxyUrl`), built and previewed with only the emulator's printed lines, in Chromium:
 * `<SignIn/>` in two steps, the session token's claim, a fresh token, `<UserButton/>` sign-out. Zero
 * page errors, no request off loopback, no route the emulator does not emulate.
 */

import { expect, test } from '@playwright/test'
import { freePort, startViteExample } from '../support/example-apps.ts'
import { useExampleApp } from '../support/use-example-app.ts'
import { watchOffLoopback } from '../support/off-loopback.ts'

const example = useExampleApp(
  'examples/react-vite',
  { build: 'vite build', start: 'vite preview' },
  async () => startViteExample(await freePort()),
  300_000,
)

test('the React quickstart runs on the emulator from its printed lines alone', async ({
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

  await page.reload()
  await expect(page.getByTestId('email')).toHaveText('ada@example.test')

  await page.getByRole('button', { name: 'Open user menu' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByLabel('Email address')).toBeVisible()

  expect(notEmulated).toEqual([])
  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})
