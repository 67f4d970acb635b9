/**
 * The live lane: the main journeys against real Clerk, through `@clerk/testing`'s Playwright helpers
 * (a testing token against bot protection, sign-in with the test user's password). It runs only
 * when the environment holds real keys and a test user:
 *
 *   CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY (a development instance), optionally CLERK_JWT_KEY,
 *   E2E_CLERK_USER_USERNAME, E2E_CLERK_USER_PASSWORD (a password user of that instance).
 *
 * The instance's session token template must carry `"birthday": "{{user.public_metadata.birthday}}"`.
 * Without these variables every test here is skipped with a message saying so; it never fails for
 * lack of keys. The test user's birthday is put back at the end.
 */
import { fileURLToPath } from 'node:url'
import { createClerkClient } from '@clerk/backend'
import { clerk, clerkSetup, setupClerkTestingToken } from '@clerk/testing/playwright'
import { test as base, expect, type Page, type Request } from '@playwright/test'
import { startBuiltDemo, type BuiltDemo } from '../../demo/serve-built.ts'
import {
  chooseStrategy,
  editorOf,
  HANDLER_PATH,
  heldClaims,
  tokenClaims,
  watchPolicy,
} from './fixtures.ts'

const REQUIRED = [
  'CLERK_PUBLISHABLE_KEY',
  'CLERK_SECRET_KEY',
  'E2E_CLERK_USER_USERNAME',
  'E2E_CLERK_USER_PASSWORD',
] as const
const missing = REQUIRED.filter((name) => !process.env[name])

const test = base.extend<object, { liveDemo: BuiltDemo }>({
  liveDemo: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
    async ({}, use) => {
      await clerkSetup({ dotenv: false })
      const demo = await startBuiltDemo({
        port: 0,
        env: process.env,
        root: fileURLToPath(new URL('../../dist/demo', import.meta.url)),
      })
      await use(demo)
      await demo.close()
    },
    { scope: 'worker' },
  ],
})

test.describe.configure({ mode: 'serial' })
test.skip(
  missing.length > 0,
  `Live lane skipped: no real Clerk credentials in the environment (missing ${missing.join(', ')}). ` +
    'Set them to run these journeys against real Clerk.',
)

/** Counts, from now on, the page's requests that match. */
function countRequests(page: Page, matches: (request: Request) => boolean): () => number {
  let count = 0
  page.on('request', (request) => {
    if (matches(request)) count++
  })
  return () => count
}

test('live lane against real Clerk (needs real keys and a test user): read, save, remove', async ({
  page,
  liveDemo,
}) => {
  test.slow()
  const violations = await watchPolicy(page.context())
  const editor = editorOf(page)
  const admin = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY ?? '' })

  await setupClerkTestingToken({ page })
  await page.goto(`${liveDemo.origin}/`)
  await expect(page.locator('#mode')).toHaveText('real Clerk')
  await clerk.loaded({ page })
  await clerk.signIn({
    page,
    signInParams: {
      strategy: 'password',
      identifier: process.env.E2E_CLERK_USER_USERNAME ?? '',
      password: process.env.E2E_CLERK_USER_PASSWORD ?? '',
    },
  })
  await expect(editor.host).toHaveJSProperty('status', 'idle')

  const claims = await heldClaims(page)
  expect(
    claims && 'birthday' in claims,
    'the session token template must carry "birthday": "{{user.public_metadata.birthday}}"',
  ).toBe(true)
  const userId = String(claims?.sub)
  const original = (claims?.birthday as string | null) ?? null

  try {
    await test.step('read: the field shows the claim', async () => {
      await expect(editor.input).toHaveValue(original ?? '')
    })

    const handlerPosts = countRequests(
      page,
      (r) => r.method() === 'POST' && new URL(r.url()).pathname === HANDLER_PATH,
    )
    const mints = countRequests(
      page,
      (r) => r.method() === 'POST' && /\/v1\/client\/sessions\/[^/]+\/tokens/.test(r.url()),
    )
    const reloads = countRequests(page, (r) => new URL(r.url()).pathname.endsWith('/v1/me'))
    const dates = ['1991-01-02', '1992-03-04'].filter((date) => date !== original)
    for (const [index, strategy] of (['token', 'user'] as const).entries()) {
      await test.step(`save with the ${strategy} strategy`, async () => {
        const date = dates[index] ?? '1993-05-06'
        await chooseStrategy(page, strategy)
        const before = { posts: handlerPosts(), mints: mints(), reloads: reloads() }
        await editor.input.fill(date)
        await editor.save.click()
        await expect(editor.message).toHaveText('Saved.')
        expect(handlerPosts() - before.posts).toBe(1)
        // ClerkJS may also refresh in the background against real Clerk: at least one, then.
        if (strategy === 'token') expect(mints() - before.mints).toBeGreaterThanOrEqual(1)
        else expect(reloads() - before.reloads).toBeGreaterThanOrEqual(1)
        expect((await tokenClaims(page)).birthday).toBe(date)
      })
    }

    await test.step('remove', async () => {
      await editor.remove.click()
      await expect(editor.current).toHaveText('None saved.')
      expect((await tokenClaims(page)).birthday ?? null).toBeNull()
    })
  } finally {
    await admin.users.updateUserMetadata(userId, { publicMetadata: { birthday: original } })
  }
  await clerk.signOut({ page })
  await expect(editor.form).toBeHidden()
  expect(violations).toEqual([])
})
