/**
 * The docs' app on Next 15 (`examples/nextjs-15`: the same pages, `middleware.ts` instead of
 * `proxy.ts`), built and started from the emulator's printed lines: the first page load's handshake,
 * `<SignIn/>`, a save through the docs' page and the server-side `auth()` read that follows it.
 */

import { expect, test } from '@playwright/test'
import path from 'node:path'
import { ROOT, startNextExample, type RunningExample } from './support/example-apps.ts'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
let app: RunningExample

test.beforeAll(async () => {
  test.setTimeout(600_000)
  app = await startNextExample({ example: path.join(ROOT, 'examples', 'nextjs-15') })
  console.log(
    `examples/nextjs-15: npm ci ${app.timings.install.toFixed(1)} s, next build ${app.timings.build.toFixed(1)} s, next start ${app.timings.start.toFixed(1)} s`,
  )
})

test.afterAll(async () => {
  await app?.close()
})

test('the docs app on Next 15 (middleware.ts) signs in and saves', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const pageErrors: string[] = []
  const offLoopback: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  context.on('request', (request) => {
    const url = new URL(request.url())
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOOPBACK.has(url.hostname)) {
      offLoopback.push(request.url())
    }
  })
  await context.route(
    (url) => !['blob:', 'data:'].includes(url.protocol) && !LOOPBACK.has(url.hostname),
    (route) => route.abort('blockedbyclient'),
  )

  await page.goto(`${app.url}/sign-in`)
  expect((await context.cookies(app.url)).map((cookie) => cookie.name)).toContain('__clerk_db_jwt')
  await page.getByLabel('Email address').fill('ada@example.test')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.waitForURL(`${app.url}/user-profile`)
  await expect(page.getByTestId('claim')).toHaveText('1990-12-10')

  await page.getByLabel('Birthday (YYYY-MM-DD)').fill('1993-05-06')
  await page.getByRole('button', { name: 'Save birthday' }).click()
  await expect(page.getByText('Birthday saved.')).toBeVisible()
  await expect(page.getByTestId('claim')).toHaveText('1993-05-06')
  await page.goto(`${app.url}/server-claims`)
  await expect(page.getByTestId('server-birthday')).toHaveText('1993-05-06')

  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})
