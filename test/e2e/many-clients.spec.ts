/**
 * Many clients at once against one emulator: eight browser contexts (eight ClerkJS clients, eight
 * users) sign in, save a birthday through the reference handler and refresh their session token, all
 * at the same time. Nothing crosses between clients (client, cookie, session, token, stored value),
 * and the emulator's counters add up to its log and to what the clients did.
 */
import { createClerkClient } from '@clerk/backend'
import { expect, test, type BrowserContext } from '@playwright/test'
import { toNodeListener } from '../../emulator/node/adapter.ts'
import { createBirthdayHandler } from '../../server/index.ts'
import { control } from '../../emulator/testing/control.ts'
import { decodeJwt } from '../../emulator/testing/jwt.ts'
import { useEmulatorAndPages } from '../support/emulator-and-pages.ts'

const CLIENTS = 8
const users = Array.from({ length: CLIENTS }, (_, i) => ({
  email: `user${i}@example.test`,
  password: `password-${i}-long`,
  birthday: `19${String(70 + i)}-0${(i % 9) + 1}-1${i}`,
}))

let listener: ReturnType<typeof toNodeListener> | null = null
const rig = useEmulatorAndPages({
  emulator: { users: users.map(({ email, password }) => ({ email, password })) },
  pages: {
    handle: (req, res) => {
      if (!req.url?.startsWith('/api/update-user-metadata') || !listener) return false
      listener(req, res)
      return true
    },
  },
})

test.beforeAll(() => {
  const handler = createBirthdayHandler({
    secretKey: rig.emulator.config.secretKey,
    jwtKey: rig.emulator.config.jwtKey,
    apiUrl: rig.emulator.config.apiUrl,
    allowedOrigins: [rig.pages.origin],
    logger: () => {},
  })
  listener = toNodeListener(handler)
})

interface ClientRun {
  clientId: string
  sessionId: string
  userId: string
  saved: unknown
  before: Record<string, unknown>
  after: Record<string, unknown>
}

/** One browser: load, sign in, save through the handler, refresh the token. */
async function run(context: BrowserContext, user: (typeof users)[number]): Promise<ClientRun> {
  const page = await context.newPage()
  await page.goto(`${rig.pages.origin}/`)
  const { before, after, ...rest } = await page.evaluate(
    async ({ publishableKey, proxyUrl, user }) => {
      const moduleUrl = '/clerk.mjs'
      const { Clerk } = await import(moduleUrl)
      const clerk = new Clerk(publishableKey, { proxyUrl })
      await clerk.load({ telemetry: false })
      const attempt = await clerk.client.signIn.create({
        identifier: user.email,
        password: user.password,
      })
      await clerk.setActive({ session: attempt.createdSessionId })
      const token: string = await clerk.session.getToken()
      const response = await fetch('/api/update-user-metadata', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ birthday: user.birthday }),
      })
      const saved = response.ok ? await response.json() : `HTTP ${response.status}`
      const fresh: string = await clerk.session.getToken({ skipCache: true })
      return {
        clientId: String(clerk.client.id),
        sessionId: String(clerk.session.id),
        userId: String(clerk.user.id),
        saved,
        before: token,
        after: fresh,
      }
    },
    {
      publishableKey: rig.emulator.config.publishableKey,
      proxyUrl: rig.emulator.config.proxyUrl,
      user,
    },
  )
  return { ...rest, before: decodeJwt(before).payload, after: decodeJwt(after).payload }
}

test(`${CLIENTS} browser contexts sign in, save and refresh at once; nothing crosses`, async ({
  browser,
}) => {
  test.setTimeout(120_000)
  await control(rig.emulator.url, 'DELETE', 'requests')
  const contexts = await Promise.all(users.map(() => browser.newContext()))
  try {
    const runs = await Promise.all(contexts.map((context, i) => run(context, users[i]!)))
    const backend = createClerkClient({
      secretKey: rig.emulator.config.secretKey,
      apiUrl: rig.emulator.config.apiUrl,
      telemetry: { disabled: true },
    })
    const stored = await backend.users.getUserList({ limit: 100 })
    const idByEmail = new Map(stored.data.map((u) => [u.primaryEmailAddress?.emailAddress, u.id]))
    const birthdayById = new Map(stored.data.map((u) => [u.id, u.publicMetadata.birthday]))

    for (const [i, result] of runs.entries()) {
      const user = users[i]!
      const userId = idByEmail.get(user.email)
      expect(result.userId).toBe(userId)
      expect(result.saved).toEqual({ birthday: user.birthday })
      for (const claims of [result.before, result.after]) {
        expect(claims).toMatchObject({ sub: userId, sid: result.sessionId, azp: rig.pages.origin })
      }
      expect(result.after.birthday).toBe(user.birthday)
      expect(birthdayById.get(userId ?? '')).toBe(user.birthday)
    }
    const distinct = (values: unknown[]) => new Set(values).size
    expect(distinct(runs.map((r) => r.clientId))).toBe(CLIENTS)
    expect(distinct(runs.map((r) => r.sessionId))).toBe(CLIENTS)
    expect(distinct(runs.map((r) => r.after.jti))).toBe(CLIENTS)

    // Each context holds exactly one client cookie of the emulator, and no two are the same.
    const cookies = await Promise.all(
      contexts.map(async (context) =>
        // ClerkJS's own `__client_uat*` cookies are not HttpOnly; the emulator's client cookie is.
        (await context.cookies(rig.emulator.url)).filter(
          (c) => c.name.startsWith('__client_') && c.httpOnly,
        ),
      ),
    )
    expect(cookies.map((list) => list.length)).toEqual(users.map(() => 1))
    expect(distinct(cookies.map((list) => list[0]?.value))).toBe(CLIENTS)
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
  }

  // The counters add up: to the log, and to what the clients did. Read once the closed clients'
  // last requests are in (the log records a request when it has been answered).
  const settled = await stableLog()
  const counters = await control<{ routes: Record<string, number>; bapiWrites: number }>(
    rig.emulator.url,
    'GET',
    'counters',
  )
  const total = Object.values(counters.routes).reduce((sum, n) => sum + n, 0)
  // The counters also count the last GET of the log, which that answer did not list.
  expect(total).toBe(settled.length + 1)
  const routes = counters.routes
  expect(routes['POST /v1/client/sign_ins']).toBe(CLIENTS)
  expect(routes['PATCH /api/v1/users/:id/metadata']).toBe(CLIENTS)
  expect(counters.bapiWrites).toBe(CLIENTS)
  expect(routes['POST /v1/client/sessions/:id/tokens']).toBeGreaterThanOrEqual(CLIENTS)
  expect(routes.unmatched).toBeUndefined()
  expect(settled.filter((r) => r.route === 'POST /v1/client/sign_ins').length).toBe(CLIENTS)
})

/** The request log once two reads 300 ms apart agree on its Clerk API entries (at most 10 s). */
async function stableLog(): Promise<{ api: string; route: string | null }[]> {
  const read = async () =>
    (
      await control<{ requests: { api: string; route: string | null }[] }>(
        rig.emulator.url,
        'GET',
        'requests',
      )
    ).requests
  let last = await read()
  for (let i = 0; i < 30; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 300))
    const next = await read()
    const clerk = (list: typeof last) => list.filter((r) => r.api !== 'control').length
    if (clerk(next) === clerk(last)) return next
    last = next
  }
  throw new Error('the request log did not settle within 10 s')
}
