/**
 * The README's Vue snippet as written (`examples/vue-vite`: Vue 3 on Vite, ClerkJS from npm kept in
 * a `shallowRef`, this package installed from its packed tarball), built and previewed with only the
 * emulator's printed lines, its `/api` proxied to the package's own `birthday-editor server`, in
 * Chromium: sign-in, the birthday shown from the token, a save verified. And the same app with Clerk
 * kept in `ref()` (the mistake): the element shows "not available", warns once naming `shallowRef()`,
 * and the page's own Clerk state still updates at sign-in. Zero page errors, nothing off loopback.
 */

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { freePort, ROOT, startVueExample } from '../support/example-apps.ts'
import { useExampleApp } from '../support/use-example-app.ts'
import { watchOffLoopback } from '../support/off-loopback.ts'
import { saveDateIn } from '../support/date-fields.ts'

const NOT_AVAILABLE = 'Sign-in is not available right now. Reload the page to try again.'
const example = useExampleApp(
  'examples/vue-vite',
  { build: 'vite build', start: 'vite preview' },
  async () => startVueExample(await freePort()),
  300_000,
)

/** A page that records uncaught errors, the element's warnings and any request off loopback. */
async function watched(context: BrowserContext) {
  const page = await context.newPage()
  const warnings: string[] = []
  page.on('console', (message) => {
    if (message.text().startsWith('<birthday-editor>')) warnings.push(message.text())
  })
  const { pageErrors, offLoopback } = await watchOffLoopback(page)
  return { page, pageErrors, warnings, offLoopback }
}

async function signIn(page: Page) {
  await page.getByLabel('Email').fill('ada@example.test')
  await page.getByLabel('Password').fill('lovelace-1815')
  await page.getByRole('button', { name: 'Sign in' }).click()
}

test('the README’s Vue snippets are the example’s files, as written', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  for (const file of ['examples/vue-vite/src/clerk.ts', 'examples/vue-vite/src/App.vue']) {
    const block = new RegExp(`<!-- snippet: ${file} -->\\n\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(
      readme,
    )?.[1]
    expect(block, `README snippet ${file}`).toBe(readFileSync(path.join(ROOT, file), 'utf8'))
  }
})

test('Clerk in shallowRef(): the element shows the birthday and saves it, verified', async ({
  browser,
}) => {
  const context = await browser.newContext()
  const { page, pageErrors, warnings, offLoopback } = await watched(context)
  await page.goto(example.app.url)
  await expect(page.getByText('Sign in to set your birthday.')).toBeVisible()
  await signIn(page)
  await expect(page.getByText('Signed in as ada@example.test')).toBeVisible()
  const editor = page.locator('birthday-editor')
  await expect(editor.locator('[part="current-value"]')).toHaveText(/^Saved: /)
  expect(await saveDateIn(editor, '1987-06-05')).toEqual({ birthday: '1987-06-05', verified: true })
  await expect(editor.locator('[part="message"]')).toHaveText('Saved.')
  await expect(editor.locator('[part="current-value"]')).toHaveText('Saved: June 5, 1987')

  expect(warnings).toEqual([])
  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})

test('Clerk in ref(): "not available", one warning naming shallowRef(), the page still follows Clerk', async ({
  browser,
}) => {
  const context = await browser.newContext()
  const { page, pageErrors, warnings, offLoopback } = await watched(context)
  await page.goto(`${example.app.url}/ref.html`)
  const editor = page.locator('birthday-editor')
  await expect(editor.locator('[part="message"]')).toHaveText(NOT_AVAILABLE)
  // The page's own listener on its Clerk keeps running: it shows the user at sign-in, no reload.
  await signIn(page)
  await expect(page.getByText('Signed in as ada@example.test')).toBeVisible()
  await expect(editor.locator('[part="message"]')).toHaveText(NOT_AVAILABLE)

  await expect.poll(() => warnings.length).toBe(1)
  expect(warnings[0]).toContain('Vue reactive Proxy')
  expect(warnings[0]).toContain('shallowRef()')
  expect(warnings[0]).toContain('markRaw()')
  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})
