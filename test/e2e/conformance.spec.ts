/**
 * Conformance with Clerk's published OpenAPI specs (test/fixtures/clerk-openapi): every response the
 * real ClerkJS (in Chromium) and the real `@clerk/backend` (in Node) get from the emulator in the flows
 * the emulator supports is captured on the wire and validated against the spec's schema for its path,
 * method and status. An undocumented status is a failure; `$ref`s are resolved and `nullable` is
 * honoured (test/support/conformance/openapi.ts). Exceptions, where an SDK reads what a spec forbids, are
 * listed with the SDK line that reads them in test/support/conformance/clerk-specs.ts.
 */
import { createClerkClient, verifyToken } from '@clerk/backend'
import { expect, test, type Page } from '@playwright/test'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { ResponseRecorder } from '../support/conformance/capture.ts'
import { checkResponse, loadClerkSpecs, SPEC_VERSION } from '../support/conformance/clerk-specs.ts'
import { loadClerkModule, startPageServer, type PageServer } from '../support/page-server.ts'

const EMAIL = 'ada@example.test'
const PASSWORD = 'lovelace-1815'
const TEMPLATE = 'conformance'

let emulator: StartedEmulator
let pages: PageServer
const recorder = new ResponseRecorder()

test.beforeAll(async () => {
  emulator = await startEmulator({
    wrapFetch: recorder.wrapFetch,
    metadataWriteLimit: { max: 4, windowMs: 60_000 },
  })
  pages = await startPageServer()
})

test.afterAll(async () => {
  await pages.close()
  await emulator.close()
})

function backend(secretKey = emulator.config.secretKey) {
  return createClerkClient({
    secretKey,
    apiUrl: emulator.config.apiUrl,
    publishableKey: emulator.config.publishableKey,
    telemetry: { disabled: true },
  })
}

/** What a step's SDK call ended with: `ok`, or the error's status and first code. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
    return 'ok'
  } catch (error) {
    const e = error as { status?: number; errors?: { code?: string }[] }
    return `${e.status ?? '?'} ${e.errors?.[0]?.code ?? String(error)}`
  }
}

/** Runs `body` in the page with `window.clerk`; returns `ok` or the ClerkJS error's status and code. */
async function inPage(page: Page, body: string, arg: unknown = null): Promise<string> {
  return page.evaluate(
    async ({ body, arg }) => {
      const clerk = Reflect.get(window, 'clerk')
      try {
        await new Function('clerk', 'arg', `return (async () => { ${body} })()`)(clerk, arg)
        return 'ok'
      } catch (error) {
        const e = error as { status?: number; errors?: { code?: string }[] }
        return `${e.status ?? '?'} ${e.errors?.[0]?.code ?? String(error)}`
      }
    },
    { body, arg },
  )
}

const load = (page: Page) => loadClerkModule(page, pages.origin, emulator.config)

test('every response ClerkJS and @clerk/backend get validates against Clerk’s OpenAPI specs', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const clerk = backend()
  const steps: [string, string, string][] = []
  const step = async (name: string, expected: string, run: () => Promise<string>) => {
    recorder.step(name)
    steps.push([name, expected, await run()])
  }

  // Backend API, through @clerk/backend.
  await step('bapi: JWKS', 'ok', () => outcome(() => clerk.jwks.getJwks()))
  await step('bapi: wrong secret key', '401 clerk_key_invalid', () =>
    outcome(() => backend('sk_test_wrong').users.updateUserMetadata('user_x', {})),
  )
  let templateId = ''
  await step('bapi: create a JWT template', 'ok', () =>
    outcome(async () => {
      const created = await clerk.jwtTemplates.create({
        name: TEMPLATE,
        claims: { email: '{{user.primary_email_address}}', aud: 'conformance' },
        lifetime: 120,
        allowedClockSkew: 10,
      })
      templateId = created.id
    }),
  )
  await step('bapi: duplicate JWT template name', '422 form_identifier_exists', () =>
    outcome(() => clerk.jwtTemplates.create({ name: TEMPLATE, claims: {} })),
  )
  await step('bapi: list JWT templates', 'ok', () => outcome(() => clerk.jwtTemplates.list()))
  await step('bapi: get a JWT template', 'ok', () =>
    outcome(() => clerk.jwtTemplates.get(templateId)),
  )
  await step('bapi: update a JWT template', 'ok', () =>
    outcome(() =>
      clerk.jwtTemplates.update({
        templateId,
        name: TEMPLATE,
        claims: { email: '{{user.primary_email_address}}', aud: 'conformance', v2: true },
        lifetime: 120,
        allowedClockSkew: 10,
      }),
    ),
  )
  await step('bapi: get an unknown JWT template', '404 resource_not_found', () =>
    outcome(() => clerk.jwtTemplates.get('jtmp_missing')),
  )
  let userId = ''
  await step('bapi: create a user', 'ok', () =>
    outcome(async () => {
      const user = await clerk.users.createUser({
        emailAddress: ['grace@example.test'],
        password: 'hopper-1906',
        firstName: 'Grace',
      })
      userId = user.id
    }),
  )
  await step('bapi: create a duplicate user', '422 form_identifier_exists', () =>
    outcome(() =>
      clerk.users.createUser({ emailAddress: ['grace@example.test'], password: 'hopper-1906' }),
    ),
  )
  await step('bapi: get a user', 'ok', () => outcome(() => clerk.users.getUser(userId)))
  await step('bapi: get an unknown user', '404 resource_not_found', () =>
    outcome(() => clerk.users.getUser('user_missing')),
  )
  await step('bapi: list users (list and count)', 'ok', () =>
    outcome(() => clerk.users.getUserList({ limit: 5 })),
  )
  await step('bapi: count users', 'ok', () => outcome(() => clerk.users.getCount()))
  await step('bapi: update metadata', 'ok', () =>
    outcome(() =>
      clerk.users.updateUserMetadata(userId, { publicMetadata: { birthday: '1906-12-09' } }),
    ),
  )
  await step('bapi: metadata too large', '422 form_param_exceeds_allowed_size', () =>
    outcome(() =>
      clerk.users.updateUserMetadata(userId, { publicMetadata: { big: 'x'.repeat(9000) } }),
    ),
  )
  await step('bapi: metadata of an unknown user', '404 resource_not_found', () =>
    outcome(() => clerk.users.updateUserMetadata('user_missing', { publicMetadata: {} })),
  )
  await step('bapi: metadata rate limit', '429 too_many_requests', () =>
    outcome(async () => {
      for (let i = 0; i < 5; i += 1) {
        await clerk.users.updateUserMetadata(userId, { publicMetadata: { n: i } })
      }
    }),
  )

  await step('bapi: update a user', 'ok', () =>
    outcome(() => clerk.users.updateUser(userId, { firstName: 'Grace B.', lastName: 'Hopper' })),
  )
  await step('bapi: update an unknown user', '404 resource_not_found', () =>
    outcome(() => clerk.users.updateUser('user_missing', { firstName: 'X' })),
  )
  await step(
    'bapi: update a user with a short password',
    '422 form_password_length_too_short',
    () => outcome(() => clerk.users.updateUser(userId, { password: 'short' })),
  )
  await step('bapi: list users by query', 'ok', () =>
    outcome(() => clerk.users.getUserList({ query: 'grace' })),
  )
  await step('bapi: verify a password', 'ok', () =>
    outcome(() => clerk.users.verifyPassword({ userId, password: 'hopper-1906' })),
  )
  await step('bapi: verify a wrong password', '422 incorrect_password', () =>
    outcome(() => clerk.users.verifyPassword({ userId, password: 'not-it' })),
  )
  await step('bapi: lock and unlock a user', 'ok', () =>
    outcome(async () => {
      await clerk.users.lockUser(userId)
      await clerk.users.unlockUser(userId)
    }),
  )
  await step('bapi: ban and unban a user', 'ok', () =>
    outcome(async () => {
      await clerk.users.banUser(userId)
      await clerk.users.unbanUser(userId)
    }),
  )
  let sessionId = ''
  await step('bapi: create a session for testing', 'ok', () =>
    outcome(async () => {
      sessionId = (await clerk.sessions.createSession({ userId })).id
    }),
  )
  await step('bapi: list a user’s sessions', 'ok', () =>
    outcome(() => clerk.sessions.getSessionList({ userId })),
  )
  await step('bapi: get a session', 'ok', () => outcome(() => clerk.sessions.getSession(sessionId)))
  await step('bapi: a session token from the server', 'ok', () =>
    outcome(() => clerk.sessions.getToken(sessionId)),
  )
  await step('bapi: revoke a session', 'ok', () =>
    outcome(() => clerk.sessions.revokeSession(sessionId)),
  )
  await step('bapi: a token for a revoked session', '404 resource_not_found', () =>
    outcome(() => clerk.sessions.getToken(sessionId)),
  )
  await step('bapi: revoke an unknown session', '404 resource_not_found', () =>
    outcome(() => clerk.sessions.revokeSession('sess_missing')),
  )
  await step('bapi: delete a user', 'ok', () => outcome(() => clerk.users.deleteUser(userId)))
  await step('bapi: delete an unknown user', '404 resource_not_found', () =>
    outcome(() => clerk.users.deleteUser(userId)),
  )

  // Frontend API, through ClerkJS in Chromium.
  recorder.step('fapi: load signed out')
  await load(page)
  await step('fapi: sign-in with a wrong password', '422 form_password_incorrect', () =>
    inPage(page, `await clerk.client.signIn.create({ identifier: arg[0], password: arg[1] })`, [
      EMAIL,
      'not-the-password',
    ]),
  )
  await step('fapi: sign-in in one step', 'ok', () =>
    inPage(
      page,
      `const a = await clerk.client.signIn.create({ identifier: arg[0], password: arg[1] })
       await clerk.setActive({ session: a.createdSessionId })`,
      [EMAIL, PASSWORD],
    ),
  )
  await step('fapi: getToken()', 'ok', () => inPage(page, `await clerk.session.getToken()`))
  await step('fapi: getToken({ skipCache })', 'ok', () =>
    inPage(page, `await clerk.session.getToken({ skipCache: true })`),
  )
  let templated: string | null = null
  await step('fapi: getToken({ template })', 'ok', async () => {
    const result = await page.evaluate(async (template) => {
      const clerk = Reflect.get(window, 'clerk')
      const abort = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))
      try {
        return (await Promise.race([clerk.session.getToken({ template }), abort])) as string | null
      } catch {
        return null
      }
    }, TEMPLATE)
    templated = result
    return result ? 'ok' : 'no token'
  })
  await step('bapi: verify the template token', 'ok', () =>
    outcome(async () => {
      if (!templated) throw new Error('no templated token')
      await verifyToken(templated, {
        secretKey: emulator.config.secretKey,
        apiUrl: emulator.config.apiUrl,
        audience: 'conformance',
      })
    }),
  )
  await step('bapi: delete a JWT template', 'ok', () =>
    outcome(() => clerk.jwtTemplates.delete(templateId)),
  )
  await step('fapi: user.reload()', 'ok', () => inPage(page, `await clerk.user.reload()`))
  await step('fapi: user.update({ firstName, lastName })', 'ok', () =>
    inPage(page, `await clerk.user.update({ firstName: 'Augusta', lastName: 'King' })`),
  )
  await step('fapi: session.touch()', 'ok', () => inPage(page, `await clerk.session.touch()`))
  recorder.step('fapi: load signed in')
  await load(page)
  await step('fapi: sign-out', 'ok', () => inPage(page, `await clerk.signOut()`))
  await step('fapi: sign-in in two steps', 'ok', () =>
    inPage(
      page,
      `let a = await clerk.client.signIn.create({ identifier: arg[0] })
       a = await a.attemptFirstFactor({ strategy: 'password', password: arg[1] })
       await clerk.setActive({ session: a.createdSessionId })`,
      [EMAIL, PASSWORD],
    ),
  )
  // ClerkJS's own reload path (what it runs after a handshake): GET /v1/environment and /v1/client.
  await step('fapi: reload the environment with GET', 'ok', () =>
    inPage(page, `await clerk.__internal_reloadInitialResources()`),
  )
  // `signOut({ sessionId })` of the only session signs out all (DELETE); `remove` is the session's own.
  await step('fapi: remove the session', 'ok', () => inPage(page, `await clerk.session.remove()`))
  await step('fapi: sign-up with a taken email', '422 form_identifier_exists', () =>
    inPage(page, `await clerk.client.signUp.create({ emailAddress: arg[0], password: arg[1] })`, [
      EMAIL,
      'a-long-enough-password-1',
    ]),
  )
  await step('fapi: sign-up with a weak password', '422 form_password_length_too_short', () =>
    inPage(page, `await clerk.client.signUp.create({ emailAddress: arg[0], password: arg[1] })`, [
      'short+clerk_test@example.test',
      'abc',
    ]),
  )
  await step('fapi: sign-up and prepare the email code', 'ok', () =>
    inPage(
      page,
      `const s = await clerk.client.signUp.create({ emailAddress: arg[0], password: arg[1] })
       await s.prepareEmailAddressVerification({ strategy: 'email_code' })`,
      ['lin+clerk_test@example.test', 'a-long-enough-password-1'],
    ),
  )
  await step('fapi: sign-up with a wrong code', '422 form_code_incorrect', () =>
    inPage(page, `await clerk.client.signUp.attemptEmailAddressVerification({ code: '123456' })`),
  )
  await step('fapi: sign-up with the test code', 'ok', () =>
    inPage(
      page,
      `const s = await clerk.client.signUp.attemptEmailAddressVerification({ code: '424242' })
       await clerk.setActive({ session: s.createdSessionId })`,
    ),
  )

  // Validate.
  const specs = loadClerkSpecs()
  const verdicts = (await recorder.settled()).map((response) => checkResponse(specs, response))
  const failing = verdicts.filter((verdict) => verdict.problems.length > 0)
  const kinds = new Set(verdicts.map((verdict) => verdict.label))
  const failingKinds = new Set(failing.map((verdict) => verdict.label))
  console.log(
    `conformance with Clerk's ${SPEC_VERSION} specs: ${verdicts.length - failing.length} of ${verdicts.length} responses conform; ` +
      `${kinds.size - failingKinds.size} of ${kinds.size} distinct method/path/status`,
  )
  const byTemplate = new Map<string, number>()
  for (const verdict of verdicts) {
    const { api, method, specPath, status } = verdict.response
    const found = specs[api].lookup(method, specPath, status)
    const key = `${api} ${method} ${found.template ?? specPath} ${status}`
    byTemplate.set(key, (byTemplate.get(key) ?? 0) + 1)
  }
  for (const [key, count] of [...byTemplate].sort()) console.log(`  ${count} × ${key}`)
  for (const verdict of failing) {
    console.log(`  ✗ [${verdict.response.step}] ${verdict.label}`)
    for (const problem of verdict.problems.slice(0, 12)) {
      console.log(`      ${problem.at || '(body)'}: ${problem.message}`)
    }
    if (verdict.problems.length > 12) console.log(`      … ${verdict.problems.length - 12} more`)
  }
  for (const [name, expected, got] of steps) {
    if (expected !== got) console.log(`  step "${name}": expected ${expected}, got ${got}`)
  }
  expect(steps.map(([name, , got]) => [name, got])).toEqual(
    steps.map(([name, expected]) => [name, expected]),
  )
  expect(failing.map((verdict) => `${verdict.response.step}: ${verdict.label}`)).toEqual([])
  expect(verdicts.length).toBeGreaterThan(40)
})
