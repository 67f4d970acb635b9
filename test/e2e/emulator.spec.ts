/**
 * Fidelity of the emulator, proved through the unmodified ClerkJS in a real Chromium and the real
 * `@clerk/backend` in Node, over real HTTP on loopback. Nothing here asserts the emulator's own JSON:
 * every check goes through an SDK.
 */
import { createClerkClient } from '@clerk/backend'
import { expect, test, type Page } from '@playwright/test'
import { startEmulator } from '../../emulator/node/start.ts'
import { toNodeListener } from '../../emulator/node/adapter.ts'
import { createEmulator } from '../../emulator/app.ts'
import { control } from '../../emulator/testing/control.ts'
import { decodeJwt } from '../../emulator/testing/jwt.ts'
import { startPageServer, type PageServer } from '../support/page-server.ts'

type Started = Awaited<ReturnType<typeof startEmulator>>

const EMAIL = 'ada@example.test'
const PASSWORD = 'lovelace-1815'

let emulator: Started
let pages: PageServer

test.beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
  pages = await startPageServer()
})

test.afterAll(async () => {
  await pages.close()
  await emulator.close()
})

test.beforeEach(async () => {
  await control(emulator.config.proxyUrl, 'POST', 'reset')
})

interface ClerkSummary {
  status: string
  loaded: boolean
  userId: string | null
  sessionId: string | null
}

/** Loads the npm build of ClerkJS into the page and keeps it as `window.clerk`. */
async function loadFromModule(page: Page, origin: string, proxyUrl: string): Promise<ClerkSummary> {
  await page.goto(`${origin}/`)
  return page.evaluate(
    async ({ publishableKey, proxyUrl }) => {
      const moduleUrl = '/clerk.mjs'
      const { Clerk } = await import(moduleUrl)
      const clerk = new Clerk(publishableKey, { proxyUrl })
      const navigations: string[] = []
      await clerk.load({
        telemetry: false,
        routerPush: (to: string) => navigations.push(to),
        routerReplace: (to: string) => navigations.push(to),
      })
      Object.assign(window, { clerk })
      return {
        status: String(clerk.status),
        loaded: Boolean(clerk.loaded),
        userId: clerk.user?.id ?? null,
        sessionId: clerk.session?.id ?? null,
      }
    },
    { publishableKey: emulator.config.publishableKey, proxyUrl },
  )
}

/** Signs in through `clerk.client.signIn` and activates the session, in one or two steps. */
async function signIn(page: Page, flow: 'one-step' | 'two-step', password = PASSWORD) {
  return page.evaluate(
    async ({ email, password, flow }) => {
      const clerk = Reflect.get(window, 'clerk')
      try {
        let attempt =
          flow === 'one-step'
            ? await clerk.client.signIn.create({ identifier: email, password })
            : await clerk.client.signIn.create({ identifier: email })
        const firstStatus = String(attempt.status)
        if (flow === 'two-step') {
          attempt = await attempt.attemptFirstFactor({ strategy: 'password', password })
        }
        await clerk.setActive({ session: attempt.createdSessionId })
        return { ok: true, firstStatus, userId: clerk.user?.id ?? null, code: null, status: 0 }
      } catch (error) {
        const e = error as { status?: number; errors?: { code: string }[] }
        return {
          ok: false,
          firstStatus: null,
          userId: null,
          code: e.errors?.[0]?.code ?? String(error),
          status: e.status ?? 0,
        }
      }
    },
    { email: EMAIL, password, flow },
  )
}

/** The page's current session token, decoded (no verification: ClerkJS does none either). */
async function claims(page: Page, skipCache: boolean): Promise<Record<string, unknown>> {
  const jwt = await page.evaluate(async (skipCache) => {
    const clerk = Reflect.get(window, 'clerk')
    return (await clerk.session.getToken({ skipCache })) as string
  }, skipCache)
  return decodeJwt(jwt).payload
}

async function requestLog(): Promise<{ method: string; route: string; api: string }[]> {
  const { requests } = await control<{
    requests: { method: string; route: string; api: string }[]
  }>(emulator.config.proxyUrl, 'GET', 'requests')
  return requests.filter((r) => r.api !== 'control')
}

async function clearLog(): Promise<void> {
  await control(emulator.config.proxyUrl, 'DELETE', 'requests')
}

function backend() {
  return createClerkClient({
    secretKey: emulator.config.secretKey,
    apiUrl: emulator.config.apiUrl,
    telemetry: { disabled: true },
  })
}

test('ClerkJS from the npm module loads cross-origin through proxyUrl with two requests', async ({
  page,
}) => {
  expect(await page.evaluate(() => navigator.webdriver)).toBe(false)
  const summary = await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
  expect(summary).toEqual({ status: 'ready', loaded: true, userId: null, sessionId: null })
  const log = await requestLog()
  expect(log.map((r) => r.route)).toEqual(['PATCH /v1/environment', 'GET /v1/client'])
})

test('ClerkJS loads by script tag from the emulator and sets window.Clerk', async ({ page }) => {
  const { publishableKey, proxyUrl } = emulator.config
  await page.goto(`${pages.origin}/`)
  const result = await page.evaluate(
    async ({ publishableKey, proxyUrl }) => {
      const script = document.createElement('script')
      script.src = `${proxyUrl}/npm/@clerk/clerk-js@6/dist/clerk.browser.js`
      script.crossOrigin = 'anonymous'
      script.dataset.clerkPublishableKey = publishableKey
      script.dataset.clerkProxyUrl = proxyUrl
      await new Promise((resolve, reject) => {
        script.addEventListener('load', resolve)
        script.addEventListener('error', () => reject(new Error('script failed')))
        document.head.append(script)
      })
      const clerk = window.Clerk
      if (!clerk) throw new Error('window.Clerk is missing after the script loaded')
      await clerk.load({ telemetry: false })
      Object.assign(window, { clerk })
      return { loaded: Boolean(clerk.loaded), version: String(clerk.version) }
    },
    { publishableKey, proxyUrl },
  )
  expect(result.loaded).toBe(true)
  expect(result.version).toMatch(/^6\./)
  const exact = await fetch(
    `${proxyUrl}/npm/@clerk/clerk-js@${result.version}/dist/clerk.browser.js`,
    { headers: { origin: pages.origin } },
  )
  expect(exact.status).toBe(200)
  expect(exact.headers.get('access-control-allow-origin')).toBe(pages.origin)
  expect((await signIn(page, 'one-step')).ok).toBe(true)
})

for (const flow of ['one-step', 'two-step'] as const) {
  test(`signs in (${flow}) and reads the template claim from the session token`, async ({
    page,
  }) => {
    await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
    const result = await signIn(page, flow)
    expect(result.ok).toBe(true)
    if (flow === 'two-step') expect(result.firstStatus).toBe('needs_first_factor')
    const user = (await backend().users.getUserList({ emailAddress: [EMAIL] })).data[0]
    expect(result.userId).toBe(user?.id)
    const token = await claims(page, false)
    expect(token.birthday).toBe(user?.publicMetadata.birthday)
    expect(token.sub).toBe(user?.id)
    expect(token.azp).toBe(pages.origin)
  })
}

test('getToken({ skipCache: true }) and user.reload() both reflect a backend metadata change', async ({
  page,
}) => {
  await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
  const { userId } = await signIn(page, 'one-step')
  expect(userId).toBeTruthy()
  const clerk = backend()

  await clerk.users.updateUserMetadata(userId ?? '', { publicMetadata: { birthday: '2001-02-03' } })
  expect((await claims(page, false)).birthday).toBe('1990-12-10')
  expect((await claims(page, true)).birthday).toBe('2001-02-03')

  await clerk.users.updateUserMetadata(userId ?? '', { publicMetadata: { birthday: '1970-01-01' } })
  await clearLog()
  const reloaded = await page.evaluate(async () => {
    const clerk = Reflect.get(window, 'clerk')
    await clerk.user.reload()
    return clerk.user.publicMetadata.birthday as string
  })
  expect(reloaded).toBe('1970-01-01')
  expect((await claims(page, false)).birthday).toBe('1970-01-01')
  expect((await requestLog()).map((r) => r.route)).toEqual(['GET /v1/me'])
})

/** What ClerkJS makes of its session after the Backend API acted: a fresh token, then its state. */
async function afterServerAction(page: Page) {
  return page.evaluate(async () => {
    const clerk = Reflect.get(window, 'clerk')
    let token: string | null = null
    let code: string | null = null
    try {
      token = (await clerk.session?.getToken({ skipCache: true })) ?? null
    } catch (error) {
      code = (error as { errors?: { code: string }[] }).errors?.[0]?.code ?? String(error)
    }
    await clerk.__internal_reloadInitialResources?.()
    return { token, code, session: clerk.session?.id ?? null, user: clerk.user?.id ?? null }
  })
}

for (const action of ['revokeSession', 'banUser', 'deleteUser'] as const) {
  test(`the Backend API's ${action} signs ClerkJS out and stops its token minting`, async ({
    page,
  }) => {
    const before = await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
    expect(before.sessionId).toBeNull()
    const { userId } = await signIn(page, 'one-step')
    const sessionId = await page.evaluate(() => Reflect.get(window, 'clerk').session.id as string)
    expect(userId).toBeTruthy()
    const clerk = backend()
    if (action === 'revokeSession') await clerk.sessions.revokeSession(sessionId)
    if (action === 'banUser') await clerk.users.banUser(userId ?? '')
    if (action === 'deleteUser') await clerk.users.deleteUser(userId ?? '')
    const after = await afterServerAction(page)
    expect(after).toMatchObject({ token: null, session: null, user: null })
    const reloaded = await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
    expect(reloaded.sessionId).toBeNull()
    if (action === 'banUser') {
      expect(await signIn(page, 'one-step')).toMatchObject({
        ok: false,
        status: 403,
        code: 'user_banned',
      })
    }
  })
}

test('a wrong password gives the 422 error, and sign-out works', async ({ page }) => {
  await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
  const wrong = await signIn(page, 'one-step', 'not-the-password')
  expect(wrong).toMatchObject({ ok: false, status: 422, code: 'form_password_incorrect' })
  expect((await signIn(page, 'one-step')).ok).toBe(true)
  const after = await page.evaluate(async () => {
    const clerk = Reflect.get(window, 'clerk')
    await clerk.signOut()
    return { session: clerk.session?.id ?? null, user: clerk.user?.id ?? null }
  })
  expect(after).toEqual({ session: null, user: null })
  const reloaded = await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
  expect(reloaded.sessionId).toBeNull()
})

test('a page reload keeps the session; two browser contexts are two clients', async ({
  page,
  browser,
}) => {
  await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
  const { userId } = await signIn(page, 'one-step')
  const again = await loadFromModule(page, pages.origin, emulator.config.proxyUrl)
  expect(again.userId).toBe(userId)
  expect(again.sessionId).toBeTruthy()

  const other = await browser.newContext()
  try {
    const otherPage = await other.newPage()
    const fresh = await loadFromModule(otherPage, pages.origin, emulator.config.proxyUrl)
    expect(fresh.sessionId).toBeNull()
  } finally {
    await other.close()
  }
})

test('a same-origin relative proxyUrl works with the emulator mounted under a path', async ({
  page,
}) => {
  const mounted = await createEmulator({ basePath: '/__clerk' })
  const listener = toNodeListener(mounted.fetch)
  const sameOrigin = await startPageServer({
    handle: (req, res) => {
      if (!req.url?.startsWith('/__clerk/')) return false
      listener(req, res)
      return true
    },
  })
  try {
    await page.goto(`${sameOrigin.origin}/`)
    const config = mounted.config(sameOrigin.origin)
    const summary = await page.evaluate(
      async ({ publishableKey }) => {
        const moduleUrl = '/clerk.mjs'
        const { Clerk } = await import(moduleUrl)
        const clerk = new Clerk(publishableKey, { proxyUrl: '/__clerk' })
        await clerk.load({ telemetry: false })
        Object.assign(window, { clerk })
        return { status: String(clerk.status) }
      },
      { publishableKey: config.publishableKey },
    )
    expect(summary.status).toBe('ready')
    expect((await signIn(page, 'one-step')).ok).toBe(true)
    expect((await claims(page, true)).azp).toBe(sameOrigin.origin)
  } finally {
    await sameOrigin.close()
  }
})
