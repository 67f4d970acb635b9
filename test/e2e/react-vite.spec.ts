/**
 * Clerk's React quickstart on Vite (`examples/react-vite`: `@clerk/react` 6, `<ClerkProvider>` with
 * the printed `proxyUrl`), built and previewed with only the emulator's printed lines, in Chromium:
 * `<SignIn/>` in two steps, the session token's claim, a fresh token, `<UserButton/>` sign-out. Zero
 * page errors, no request off loopback, no route the emulator does not emulate.
 */

import { expect, test } from '@playwright/test'
import { freePort, startViteExample, type RunningExample } from '../support/example-apps.ts'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
let app: RunningExample

test.beforeAll(async () => {
  test.setTimeout(300_000)
  app = await startViteExample(await freePort())
  console.log(
    `examples/react-vite: npm ci ${app.timings.install.toFixed(1)} s, vite build ${app.timings.build.toFixed(1)} s, vite preview ${app.timings.start.toFixed(1)} s`,
  )
})

test.afterAll(async () => {
  await app?.close()
})

test('the React quickstart runs on the emulator from its printed lines alone', async ({
  browser,
}) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const pageErrors: string[] = []
  const offLoopback: string[] = []
  const notEmulated: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  context.on('request', (request) => {
    const url = new URL(request.url())
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOOPBACK.has(url.hostname)) {
      offLoopback.push(request.url())
    }
  })
  context.on('response', (response) => {
    if (response.url().startsWith(app.emulatorUrl) && response.status() === 501) {
      notEmulated.push(`${response.request().method()} ${response.url()}`)
    }
  })
  await context.route(
    (url) => !['blob:', 'data:'].includes(url.protocol) && !LOOPBACK.has(url.hostname),
    (route) => route.abort('blockedbyclient'),
  )

  await page.goto(app.url)
  await page.getByLabel('Email address').fill('ada@example.test')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await expect(page.getByTestId('email')).toHaveText('ada@example.test')
  await expect(page.getByTestId('birthday')).toHaveText('1990-12-10')
  const cookies = await context.cookies(app.url)
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
