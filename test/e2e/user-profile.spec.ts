/**
 * Clerk's prebuilt `<UserProfile/>` (`@clerk/ui`, mounted by ClerkJS 6) on the emulator, clicked
 * through in Chromium: add an email address and verify it with the test-mode code 424242, make it
 * primary, remove the old one, see the active devices and sign the other one out (a second browser
 * context is signed out), change the password (the old one stops working at sign-in). Each change
 * reaches the webhook events and the session token's claims. Zero 501s, zero page errors, nothing
 * off loopback.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { CLI_KEY_HOST } from '../../emulator/node/cli.ts'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { control as emulatorControl } from '../../emulator/testing/control.ts'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
const NEW_EMAIL = 'augusta+clerk_test@example.test'

let emu: StartedEmulator
let site: Server
let origin = ''

function profilePage(): string {
  const proxy = emu.config.proxyUrl
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>profile</title>
<link rel="icon" href="data:,"></head><body><div id="profile"></div>
<script src="${proxy}/npm/@clerk/ui@1/dist/ui.browser.js"></script>
<script crossorigin="anonymous" data-clerk-publishable-key="${emu.config.publishableKey}"
  data-clerk-proxy-url="${proxy}" src="${proxy}/npm/@clerk/clerk-js@6/dist/clerk.browser.js"></script>
<script>
  window.addEventListener('load', async () => {
    await Clerk.load({ ui: { ClerkUI: window.__internal_ClerkUICtor }, telemetry: false })
    if (Clerk.isSignedIn) Clerk.mountUserProfile(document.getElementById('profile'))
    document.body.dataset.ready = Clerk.isSignedIn ? 'signed-in' : 'signed-out'
  })
</script></body></html>`
}

const control = <T = unknown>(method: string, path: string, body?: unknown) =>
  emulatorControl<T>(emu.url, method, path, body)

test.beforeAll(async () => {
  emu = await startEmulator({ port: 0, keyHost: CLI_KEY_HOST })
  site = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?') || req.url?.startsWith('/#')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(profilePage())
      return
    }
    res.writeHead(404).end()
  }).listen(0, '127.0.0.1')
  await once(site, 'listening')
  origin = `http://localhost:${(site.address() as AddressInfo).port}`
})

test.afterAll(async () => {
  site?.closeAllConnections()
  await new Promise((done) => site?.close(done))
  await emu?.close()
})

interface Watch {
  pageErrors: string[]
  offLoopback: string[]
  notImplemented: string[]
}

async function watch(context: BrowserContext, into: Watch): Promise<void> {
  context.on('page', (page) => page.on('pageerror', (error) => into.pageErrors.push(error.message)))
  context.on('response', (response) => {
    if (response.status() === 501) into.notImplemented.push(response.url())
  })
  await context.route(
    (url) => {
      const off =
        ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOOPBACK.has(url.hostname)
      if (off) into.offLoopback.push(url.href)
      return off
    },
    (route) => route.abort('blockedbyclient'),
  )
}

/** What the page's ClerkJS is used for here. */
interface PageClerk {
  client: {
    signIn: {
      create(params: { identifier: string; password: string }): Promise<{
        createdSessionId: string | null
      }>
    }
  }
  setActive(params: { session: string | null }): Promise<void>
  session: { getToken(options: { skipCache: boolean }): Promise<string> }
}

/** Signs in through ClerkJS on the page; the page reloads with `<UserProfile/>` mounted. */
async function signIn(page: Page, identifier: string, password: string): Promise<string | null> {
  await page.goto(`${origin}/`)
  await expect(page.locator('body')).toHaveAttribute('data-ready', /signed/)
  const error = await page.evaluate(
    async ({ identifier, password }) => {
      const clerk = (window as unknown as { Clerk: PageClerk }).Clerk
      try {
        const attempt = await clerk.client.signIn.create({ identifier, password })
        await clerk.setActive({ session: attempt.createdSessionId })
        return null
      } catch (error) {
        return (error as { errors?: { code: string }[] }).errors?.[0]?.code ?? String(error)
      }
    },
    { identifier, password },
  )
  if (error === null) {
    await page.reload()
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'signed-in')
  }
  return error
}

function claims(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(async () => {
    const clerk = (window as unknown as { Clerk: PageClerk }).Clerk
    const jwt: string = await clerk.session.getToken({ skipCache: true })
    const payload = jwt.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/')
    return JSON.parse(atob(payload)) as Record<string, unknown>
  })
}

interface EventJson {
  type: string
  payload: { data: { email_addresses?: unknown[] } }
}

async function events(): Promise<EventJson[]> {
  return (await control<{ events: EventJson[] }>('GET', 'webhooks/events')).events
}

test("<UserProfile/>'s email, session and password actions on the emulator", async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const seen: Watch = { pageErrors: [], offLoopback: [], notImplemented: [] }
  const main = await browser.newContext()
  const other = await browser.newContext()
  await watch(main, seen)
  await watch(other, seen)
  const page = await main.newPage()
  const otherPage = await other.newPage()
  const profile = page.locator('#profile')

  await test.step('two browsers signed in as the same user', async () => {
    expect(await signIn(otherPage, 'ada@example.test', 'lovelace-1815')).toBeNull()
    expect(await signIn(page, 'ada@example.test', 'lovelace-1815')).toBeNull()
    await expect(profile.getByText('ada@example.test', { exact: true })).toBeVisible()
  })

  await test.step('add an email address and verify it with 424242', async () => {
    await profile.getByRole('button', { name: /add email address/i }).click()
    await profile.getByLabel(/email address/i).fill(NEW_EMAIL)
    await profile.getByRole('button', { name: /^(add|continue)$/i }).click()
    await profile.getByRole('textbox').first().click()
    await page.keyboard.type('424242')
    await expect(profile.getByRole('textbox')).toHaveCount(0)
    await expect(profile.getByText(NEW_EMAIL, { exact: true })).toBeVisible()
  })

  await test.step('make it primary, then remove the old address', async () => {
    // The innermost element holding the address and its menu button: its row.
    const row = (email: string) =>
      profile
        .locator('div')
        .filter({ has: page.getByText(email, { exact: true }) })
        .filter({ has: page.getByRole('button', { name: 'Open menu' }) })
        .last()
    await row(NEW_EMAIL)
      .getByRole('button', { name: /open menu/i })
      .click()
    await page.getByRole('menuitem', { name: /set as primary/i }).click()
    await expect(row(NEW_EMAIL).getByText(/primary/i)).toBeVisible()
    await row('ada@example.test')
      .getByRole('button', { name: /open menu/i })
      .click()
    await page.getByRole('menuitem', { name: /remove/i }).click()
    await profile.getByRole('button', { name: /^remove$/i }).click()
    await expect(profile.getByText('ada@example.test', { exact: true })).toHaveCount(0)
    const token = await claims(page)
    const [user] = await fetch(
      `${emu.config.apiUrl}/v1/users?email_address=${encodeURIComponent(NEW_EMAIL)}`,
      {
        headers: { Authorization: `Bearer ${emu.config.secretKey}` },
      },
    ).then(
      (response) =>
        response.json() as Promise<{ id: string; email_addresses: { email_address: string }[] }[]>,
    )
    expect(token.sub).toBe(user?.id)
    expect(user?.email_addresses.map((email) => email.email_address)).toEqual([NEW_EMAIL])
    const updates = (await events()).filter((event) => event.type === 'user.updated')
    expect(updates.at(-1)?.payload.data.email_addresses).toHaveLength(1)
  })

  await test.step('the active devices: sign the other browser out', async () => {
    await profile.getByRole('button', { name: /security/i }).click()
    const devices = profile.getByText('Emulated device', { exact: true })
    await expect(devices).toHaveCount(2)
    await expect(profile.getByText('This device', { exact: true })).toHaveCount(1)
    // Only the other device has a menu.
    await profile.getByRole('button', { name: 'Open menu' }).click()
    await page.getByRole('menuitem', { name: /sign out of device/i }).click()
    await expect(devices).toHaveCount(1)
    expect((await events()).at(-1)?.type).toBe('session.revoked')
    await otherPage.reload()
    await expect(otherPage.locator('body')).toHaveAttribute('data-ready', 'signed-out')
  })

  await test.step('change the password: the old one stops working at sign-in', async () => {
    await profile.getByRole('button', { name: /update password|set password/i }).click()
    await profile.getByLabel(/current password/i).fill('lovelace-1815')
    await profile.getByLabel(/^new password/i).fill('analytical-engine')
    await profile.getByLabel(/confirm password/i).fill('analytical-engine')
    await profile.getByRole('button', { name: /^save$/i }).click()
    await expect(profile.getByLabel(/current password/i)).toHaveCount(0)
    expect(await signIn(otherPage, NEW_EMAIL, 'lovelace-1815')).toBe('form_password_incorrect')
    expect(await signIn(otherPage, NEW_EMAIL, 'analytical-engine')).toBeNull()
  })

  expect(seen.notImplemented, '501 responses').toEqual([])
  expect(seen.pageErrors, 'page errors').toEqual([])
  expect(seen.offLoopback, 'requests leaving loopback').toEqual([])
  await main.close()
  await other.close()
})
