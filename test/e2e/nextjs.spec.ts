/**
 * The docs' Next.js app (`examples/nextjs`: Next 16, `@clerk/nextjs` 7, `clerkMiddleware()` in
 * `proxy.ts`, `<ClerkProvider>` without props) built and started with only the emulator's printed
 * lines, in Chromium: sign-in through `<SignIn/>` (a wrong password first), a save through the docs'
 * page and one through `<birthday-editor>`, a server-side `auth()` read right after each refresh, the
 * element's save arriving at Clerk's documented webhook route verified by `verifyWebhook`,
 * `<UserProfile/>`, a page load after the session token expired (refreshed through the handshake),
 * sign-out through `<UserButton/>`. Zero page errors, and no request leaves loopback.
 */

import { expect, test, type Browser, type Page } from '@playwright/test'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseEnv } from 'node:util'
import type { RequestLogEntry } from '../../emulator/app.ts'
import { control } from '../../emulator/testing/control.ts'
import { expectDateIn, fillDateIn } from '../support/date-fields.ts'
import { freePort, ROOT, startNextExample } from '../support/example-apps.ts'
import { useExampleApp } from '../support/use-example-app.ts'
import { watchOffLoopback } from '../support/off-loopback.ts'

const example = useExampleApp(
  'examples/nextjs',
  { build: 'next build', start: 'next start' },
  startNextExample,
  600_000,
)

const emulator = <T>(method: string, path: string, body?: unknown) =>
  control<T>(example.app.emulatorUrl, method, path, body)

async function emulatorLog(): Promise<RequestLogEntry[]> {
  const { requests } = await emulator<{ requests: RequestLogEntry[] }>('GET', 'requests')
  return requests.filter((entry) => entry.api !== 'control' && entry.api !== 'script')
}

/** What a stretch of the journey cost at the emulator, by route (the report's figures). */
function wire(log: RequestLogEntry[]) {
  const count = (route: string) => log.filter((entry) => entry.route === route).length
  return {
    mints: count('POST /v1/client/sessions/:id/tokens'),
    me: count('GET /v1/me'),
    handshakes: count('GET /v1/client/handshake'),
    payloads: count('GET /api/v1/clients/handshake_payload'),
    metadataWrites: count('PATCH /api/v1/users/:id/metadata'),
    jwks: count('GET /api/v1/jwks'),
    total: log.length,
  }
}

async function serverBirthday(page: Page): Promise<string | null> {
  await page.goto(`${example.app.url}/server-claims`)
  await expect(page.getByTestId('server-user')).toHaveText(/^user_/)
  return page.getByTestId('server-birthday').textContent()
}

/** A fresh context and page that record page errors, 501s and requests leaving loopback (blocked). */
async function watchedPage(browser: Browser) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const watch = await watchOffLoopback(page, { emulatorUrl: example.app.emulatorUrl })
  return { context, page, ...watch }
}

test('the docs app runs on the emulator from its printed lines alone', async ({ browser }) => {
  test.setTimeout(180_000)
  const { context, page, pageErrors, offLoopback, notEmulated } = await watchedPage(browser)

  await test.step('a fresh browser gets a dev browser through the handshake', async () => {
    await page.goto(`${example.app.url}/sign-in`)
    const handshake = (await emulatorLog()).find(
      (entry) => entry.route === 'GET /v1/client/handshake',
    )
    expect(new URLSearchParams(handshake?.query).get('__clerk_hs_reason')).toBe(
      'dev-browser-missing',
    )
    expect(page.url()).toBe(`${example.app.url}/sign-in`)
    const cookies = await context.cookies(example.app.url)
    expect(cookies.find((cookie) => cookie.name === '__clerk_db_jwt')?.value).toMatch(/^dvb_/)
  })

  await test.step('<SignIn/>: a wrong password is refused, then the right one signs in', async () => {
    await page.getByLabel('Email address').fill('ada@example.test')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await page.getByLabel('Password', { exact: true }).fill('not-her-password')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await expect(page.getByTestId('form-feedback-error')).toHaveText(
      'Password is incorrect. Try again, or use another method.',
    )
    await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await page.waitForURL(`${example.app.url}/user-profile`)
    await expect(page.getByTestId('claim')).toHaveText('1990-12-10')
  })

  await test.step("the docs' page saves; a server-side auth() sees it at once", async () => {
    await emulator('DELETE', 'requests')
    await page.getByLabel('Birthday (YYYY-MM-DD)').fill('1991-01-02')
    await page.getByRole('button', { name: 'Save birthday' }).click()
    await expect(page.getByText('Birthday saved.')).toBeVisible()
    await expect(page.getByTestId('claim')).toHaveText('1991-01-02')
    const save = wire(await emulatorLog())
    console.log(`docs' save at the emulator: ${JSON.stringify(save)}`)
    expect(save).toMatchObject({ metadataWrites: 1, handshakes: 0 })
    expect(save.mints).toBeGreaterThanOrEqual(1)
    expect(await serverBirthday(page)).toBe('1991-01-02')
  })

  await test.step("Clerk's webhook route is registered with the emulator", async () => {
    await emulator('POST', 'webhooks', { url: `${example.app.url}/api/webhooks` })
    const refused = await fetch(`${example.app.url}/api/webhooks`, {
      method: 'POST',
      headers: { 'svix-id': 'msg_x', 'svix-timestamp': '1', 'svix-signature': 'v1,AAAA' },
      body: '{}',
    })
    expect(refused.status).toBe(400)
  })

  await test.step('<birthday-editor> saves through the same route with a Bearer token', async () => {
    await page.goto(`${example.app.url}/element`)
    const host = page.locator('birthday-editor')
    await expectDateIn(host, '1991-01-02')
    await emulator('DELETE', 'requests')
    const posts: (string | null)[] = []
    page.on('request', (request) => {
      if (request.url() === `${example.app.url}/api/update-user-metadata`) {
        posts.push(request.headers()['authorization'] ?? null)
      }
    })
    await fillDateIn(host, '1992-03-04')
    await host.getByRole('button', { name: 'Save' }).click()
    await expect(host).toHaveJSProperty('status', 'saved')
    await expect(host.getByRole('status')).toHaveText('Saved.')
    expect(posts).toHaveLength(1)
    expect(posts[0]).toMatch(/^Bearer ey/)
    const save = wire(await emulatorLog())
    console.log(`element save at the emulator: ${JSON.stringify(save)}`)
    expect(save).toMatchObject({ metadataWrites: 1, handshakes: 0 })
    expect(await serverBirthday(page)).toBe('1992-03-04')
    // The save reaches the app's webhook route as user.updated, verified there by verifyWebhook.
    await expect
      .poll(async () => {
        const response = await fetch(`${example.app.url}/api/webhooks`)
        const { received } = (await response.json()) as {
          received: { type: string; birthday: unknown }[]
        }
        return received.filter((event) => event.type === 'user.updated').at(-1)?.birthday
      })
      .toBe('1992-03-04')
    const { deliveries } = await emulator<{ deliveries: { status: number | null }[] }>(
      'GET',
      'webhooks/deliveries',
    )
    expect(deliveries.length).toBeGreaterThan(0)
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true)
  })

  await test.step("the README's Next.js route on the page's own origin, with no ALLOWED_ORIGINS", async () => {
    // The route is the README's snippet as written (only its path comment differs).
    const snippet = readFileSync(path.join(ROOT, 'server/snippets/nextjs-route.ts'), 'utf8')
    const route = readFileSync(path.join(ROOT, 'examples/nextjs/app/api/birthday/route.ts'), 'utf8')
    expect(route.split('\n').slice(2).join('\n')).toBe(snippet.split('\n').slice(1).join('\n'))
    // The printed lines (the app's only settings) hold the origins variables as a comment only.
    expect(parseEnv(example.app.printed)).not.toHaveProperty('ALLOWED_ORIGINS')
    expect(parseEnv(example.app.printed)).not.toHaveProperty('CLERK_AUTHORIZED_PARTIES')
    expect(example.app.printed).toMatch(/^# ALLOWED_ORIGINS=/m)
    await page.goto(`${example.app.url}/handler`)
    const host = page.locator('birthday-editor')
    await expectDateIn(host, '1992-03-04')
    const answers: number[] = []
    page.on('response', (response) => {
      if (response.url() === `${example.app.url}/api/birthday`) answers.push(response.status())
    })
    await fillDateIn(host, '1993-04-05')
    await host.getByRole('button', { name: 'Save' }).click()
    await expect(host).toHaveJSProperty('status', 'saved')
    await expect(host.getByRole('status')).toHaveText('Saved.')
    expect(answers).toContain(200)
    expect(await serverBirthday(page)).toBe('1993-04-05')
    // Back to the value the later steps expect, through the same route.
    await page.goto(`${example.app.url}/handler`)
    await fillDateIn(page.locator('birthday-editor'), '1992-03-04')
    await page.locator('birthday-editor').getByRole('button', { name: 'Save' }).click()
    await expect(page.locator('birthday-editor')).toHaveJSProperty('status', 'saved')
  })

  await test.step("the README's edge route: built on the edge runtime, a verified save through it", async () => {
    // The route is the README's edge snippet as written (only its path comment differs).
    const snippet = readFileSync(path.join(ROOT, 'server/snippets/nextjs-edge-route.ts'), 'utf8')
    const route = readFileSync(
      path.join(ROOT, 'examples/nextjs/app/api/birthday-edge/route.ts'),
      'utf8',
    )
    expect(route.split('\n').slice(2).join('\n')).toBe(snippet.split('\n').slice(1).join('\n'))
    // The same next build (cacheComponents off) made it an edge function, not a Node route.
    const manifest = JSON.parse(
      readFileSync(
        path.join(ROOT, 'examples/nextjs/.next/server/middleware-manifest.json'),
        'utf8',
      ),
    ) as { functions: Record<string, unknown> }
    expect(Object.keys(manifest.functions)).toContain('/api/birthday-edge/route')
    // A save with the session's token, as the element sends it, then the stored value read back.
    const answers = await page.evaluate(async () => {
      const clerk = (
        window as unknown as {
          Clerk: { session: { getToken(options?: { skipCache: boolean }): Promise<string> } }
        }
      ).Clerk
      const headers = { Authorization: `Bearer ${await clerk.session.getToken()}` }
      const post = await fetch('/api/birthday-edge', {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ birthday: '1994-05-06' }),
      })
      const get = await fetch('/api/birthday-edge', { headers })
      const refused = await fetch('/api/birthday-edge', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ birthday: '1995-06-07' }),
      })
      // A new session token carries the new claim to the server's auth(), as refresh="token" does.
      await clerk.session.getToken({ skipCache: true })
      return {
        post: [post.status, await post.json()],
        get: [get.status, await get.json()],
        refused: refused.status,
      }
    })
    expect(answers).toEqual({
      post: [200, { birthday: '1994-05-06' }],
      get: [200, { birthday: '1994-05-06' }],
      refused: 401,
    })
    expect(await serverBirthday(page)).toBe('1994-05-06')
    // Back to the value the later steps expect, through the element and the Node route.
    await page.goto(`${example.app.url}/handler`)
    await fillDateIn(page.locator('birthday-editor'), '1992-03-04')
    await page.locator('birthday-editor').getByRole('button', { name: 'Save' }).click()
    await expect(page.locator('birthday-editor')).toHaveJSProperty('status', 'saved')
  })

  await test.step('<UserProfile/> opens from <UserButton/> and shows the user', async () => {
    await page.goto(`${example.app.url}/user-profile`)
    await page.getByRole('button', { name: 'Open user menu' }).click()
    await page.getByRole('button', { name: 'Manage account' }).click()
    const profile = page.getByRole('dialog').filter({ hasText: 'Profile details' })
    await expect(profile.getByText('ada@example.test')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(profile).toBeHidden()
  })

  await test.step('a page load after the session token expired refreshes through the handshake', async () => {
    // Short tokens for this step, then a token minted under them; the tab closes so ClerkJS stops
    // refreshing, as when a laptop sleeps. The server then sees an expired cookie.
    await emulator('PATCH', 'settings', { tokenLifetimeSeconds: 5 })
    await page.evaluate(async () => {
      const clerk = (window as { Clerk?: { session?: { getToken(o: object): Promise<unknown> } } })
        .Clerk
      await clerk?.session?.getToken({ skipCache: true })
    })
    await page.goto('about:blank')
    await emulator('PATCH', 'settings', { tokenLifetimeSeconds: 60 })
    await emulator('DELETE', 'requests')
    // 5 s lifetime + @clerk/backend's 5 s clock-skew allowance + a margin.
    await page.waitForTimeout(12_000)
    expect(await serverBirthday(page)).toBe('1992-03-04')
    const log = await emulatorLog()
    const handshake = log.find((entry) => entry.route === 'GET /v1/client/handshake')
    expect(new URLSearchParams(handshake?.query).get('__clerk_hs_reason')).toMatch(
      /^session-token-expired/,
    )
    expect(wire(log)).toMatchObject({ handshakes: 1, payloads: 1 })
    await page.goto(`${example.app.url}/user-profile`)
    await expect(page.getByTestId('claim')).toHaveText('1992-03-04')
  })

  await test.step('<UserButton/> signs out', async () => {
    await page.getByRole('button', { name: 'Open user menu' }).click()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
    await page.goto(`${example.app.url}/server-claims`)
    await expect(page.getByTestId('server-user')).toHaveText('signed out')
  })

  await test.step("<SignInButton/> in redirect mode: the emulator's hosted sign-in page, and back", async () => {
    await page.goto(`${example.app.url}/server-claims`)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL((url) => url.href.startsWith(`${example.app.emulatorUrl}/sign-in`))
    await page.getByLabel('Email address').fill('ada@example.test')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await page.getByLabel('Password', { exact: true }).fill('lovelace-1815')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await page.waitForURL((url) => url.href.startsWith(`${example.app.url}/server-claims`))
    await expect(page.getByTestId('server-user')).toHaveText(/^user_/)
  })

  expect(notEmulated).toEqual([])
  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})

test('<SignUp/>: a new +clerk_test address and a password, a wrong code, then 424242', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const { context, page, pageErrors, offLoopback, notEmulated } = await watchedPage(browser)
  const email = `grace-${Date.now()}+clerk_test@example.test`

  await test.step('email and password on /sign-up lead to the code form', async () => {
    await emulator('DELETE', 'requests')
    await page.goto(`${example.app.url}/sign-up`)
    await page.getByLabel('Email address').fill(email)
    await page.getByLabel('Password', { exact: true }).fill('hopper-1906-cobol')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await expect(page.getByText(email)).toBeVisible()
  })

  await test.step("a wrong code shows Clerk's error and signs nobody in", async () => {
    await page.keyboard.type('111111')
    await expect(page.getByTestId('form-feedback-error')).toHaveText('Incorrect code')
    const attempts = (await emulatorLog()).filter(
      (entry) => entry.route === 'POST /v1/client/sign_ups/:id/attempt_verification',
    )
    expect(attempts.map((entry) => entry.status)).toEqual([422])
    expect(page.url()).toMatch(new RegExp(`^${example.app.url}/sign-up`))
  })

  await test.step('424242 verifies the address; the server sees the new user', async () => {
    await page.getByRole('textbox', { name: 'Enter verification code' }).fill('424242')
    await page.waitForURL(`${example.app.url}/server-claims`)
    await expect(page.getByTestId('server-user')).toHaveText(/^user_/)
    const browserUser = await page.evaluate(() => {
      type User = { id: string; primaryEmailAddress?: { emailAddress: string } | null }
      const user = (window as { Clerk?: { user?: User | null } }).Clerk?.user
      return { id: user?.id, email: user?.primaryEmailAddress?.emailAddress }
    })
    expect(browserUser).toEqual({ id: await page.getByTestId('server-user').textContent(), email })
    const routes = (await emulatorLog()).map((entry) => `${entry.route} ${entry.status}`)
    console.log(`<SignUp/> at the emulator: ${JSON.stringify(routes)}`)
  })

  expect(notEmulated).toEqual([])
  expect(pageErrors).toEqual([])
  expect(offLoopback).toEqual([])
  await context.close()
})

test("the README's npm start: the emulator's lines in .env.local, next dev, a clean stop", async ({
  browser,
}) => {
  test.setTimeout(120_000)
  const example = path.join(ROOT, 'examples', 'nextjs')
  const envFile = path.join(example, '.env.local')
  const kept = existsSync(envFile) ? readFileSync(envFile) : null
  const port = await freePort()
  const child = spawn('npm', ['start'], {
    cwd: example,
    env: { ...process.env, EMULATOR_PORT: '0', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  try {
    await expect.poll(() => output, { timeout: 60_000 }).toMatch(/Ready in/)
    const written = parseEnv(readFileSync(envFile, 'utf8'))
    expect(written.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY).toMatch(/^pk_test_/)
    const page = await browser.newPage()
    await page.goto(`http://localhost:${port}/user-profile`)
    await expect(page.getByText('Sign in to change your birthday.')).toBeVisible({
      timeout: 60_000,
    })
    await page.close()
  } finally {
    // Ctrl-C in a terminal signals the whole group; so does this.
    if (child.pid) process.kill(-child.pid, 'SIGINT')
    await new Promise((resolve) => child.once('exit', resolve))
    if (kept) writeFileSync(envFile, kept)
  }
  expect(output).toContain('clerk emulator stopped')
})
