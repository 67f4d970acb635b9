/**
 * Clerk's JavaScript quickstart offline, as the README's plain-HTML snippet writes it: ClerkJS 6
 * and `@clerk/ui` by script tag from the emulator, `mountSignIn` / `mountUserButton`, and
 * `<birthday-editor>` saving through the handler on the page's own origin (no `ALLOWED_ORIGINS`).
 * Then `Clerk.redirectToSignIn()`, what `<SignInButton/>` does in redirect mode, through the
 * emulator's Account Portal page and back. Zero page errors; nothing leaves loopback.
 */
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test, type Page } from '@playwright/test'
import { CLI_KEY_HOST } from '../../emulator/node/cli.ts'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { createBirthdayHandler } from '../../server/handler.ts'
import { toNodeListener } from '../../server/node/adapter.ts'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const ELEMENT_URL = 'https://your.cdn/birthday-editor/dist/birthday-editor.js'

let emu: StartedEmulator
let site: Server
let origin = ''

/** The README's quickstart snippet with the emulator's key and proxy URL filled in. */
function quickstartPage(): string {
  const readme = readFileSync('README.md', 'utf8')
  const snippet = /<!-- snippet: quickstart -->\s*```html\n([\s\S]*?)```/.exec(readme)?.[1]
  if (!snippet) throw new Error('README has no quickstart snippet')
  const body = snippet
    .replaceAll('YOUR_PROXY_URL', emu.config.proxyUrl)
    .replaceAll('YOUR_PUBLISHABLE_KEY', emu.config.publishableKey)
    .replace(ELEMENT_URL, '/birthday-editor.js')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>quickstart</title><link rel="icon" href="data:,"></head><body>${body}</body></html>`
}

test.beforeAll(async () => {
  // The CLI's key host (a development instance's), as in the lines it prints for the snippet.
  emu = await startEmulator({ port: 0, keyHost: CLI_KEY_HOST })
  const handler = toNodeListener(
    createBirthdayHandler({
      secretKey: emu.config.secretKey,
      jwtKey: emu.config.jwtKey,
      apiUrl: emu.config.apiUrl,
      logger: () => undefined,
    }),
  )
  const element = readFileSync('dist/birthday-editor.js', 'utf8')
  site = createServer((req, res) => {
    if (req.url?.startsWith('/api/update-user-metadata')) return void handler(req, res)
    if (req.url === '/birthday-editor.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(element)
      return
    }
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(quickstartPage())
      return
    }
    res.writeHead(404).end()
  }).listen(0, '127.0.0.1')
  await once(site, 'listening')
  // `localhost`, as the emulator advertises: the client cookie is per host name.
  origin = `http://localhost:${(site.address() as AddressInfo).port}`
})

test.afterAll(async () => {
  site?.closeAllConnections()
  await new Promise((done) => site?.close(done))
  await emu?.close()
})

async function watch(page: Page) {
  const pageErrors: string[] = []
  const offLoopback: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await page.context().route(
    (url) => {
      const off =
        ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOOPBACK.has(url.hostname)
      if (off) offLoopback.push(url.href)
      return off
    },
    (route) => route.abort('blockedbyclient'),
  )
  return { pageErrors, offLoopback }
}

async function signInWithClerksForm(page: Page) {
  await page.getByLabel('Email address').fill('ada@example.test')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
  await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
  await page.getByRole('button', { name: 'Continue', exact: true }).click()
}

test("the quickstart's mountSignIn and mountUserButton next to the element, then a redirect sign-in", async ({
  page,
}) => {
  test.setTimeout(90_000)
  const { pageErrors, offLoopback } = await watch(page)

  await test.step('mountSignIn: signing in reloads the page signed in, with the user button', async () => {
    await page.goto(`${origin}/`)
    await signInWithClerksForm(page)
    await expect(page.getByRole('button', { name: 'Open user menu' })).toBeVisible()
    const input = page.locator('birthday-editor').getByLabel('Birthday')
    await expect(input).toHaveValue('1990-12-10')
  })

  await test.step('the element saves through the same-origin handler, no origin list set', async () => {
    const host = page.locator('birthday-editor')
    await host.getByLabel('Birthday').fill('1991-02-03')
    await host.getByRole('button', { name: 'Save' }).click()
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
    await page.waitForURL((url) => url.href.startsWith(`${emu.config.proxyUrl}/sign-in`))
    // ClerkJS passes the page to return to as redirect_url (in the fragment, for hash routing).
    expect(decodeURIComponent(page.url())).toContain(`redirect_url=${origin}/`)
    await signInWithClerksForm(page)
    await page.waitForURL((url) => url.origin === origin)
    await expect(page.getByRole('button', { name: 'Open user menu' })).toBeVisible()
    await expect(page.locator('birthday-editor').getByLabel('Birthday')).toHaveValue('1991-02-03')
  })

  expect(pageErrors, 'page errors').toEqual([])
  expect(offLoopback, 'requests leaving loopback').toEqual([])
})
