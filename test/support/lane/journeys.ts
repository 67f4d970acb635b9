/**
 * The journeys of the live lane, written once for any {@link LaneTarget}: they need nothing but a
 * Clerk instance (real or emulated), the built demo and `@clerk/testing`. Faults come from the browser
 * side (Playwright routing and `context.setOffline`), since real Clerk cannot be told to fail. Every
 * journey also asserts zero CSP and Trusted Types violations.
 *
 * Wire counts are "at least" for Clerk's own requests: against real Clerk, ClerkJS may refresh in
 * the background at any time. Exact counts are asserted by the emulator-only specs.
 */
import AxeBuilder from '@axe-core/playwright'
import { clerk } from '@clerk/testing/playwright'
import type { Page, Request } from '@playwright/test'
import {
  chooseStrategy,
  type Editor,
  editorOf,
  expect,
  expectDate,
  failHandlerOnce,
  fillDate,
  typeDate,
  HANDLER_PATH,
  heldClaims,
  type PolicyViolations,
  recordMessages,
  tokenClaims,
  watchPolicy,
} from '../demo-fixtures.ts'
import { LANE_BIRTHDAY, type LaneTarget, type LaneTest, type LaneUser } from './target.ts'

const SHOWN = 'Saved: December 10, 1990'
const TYPED = '1991-01-02'
const MINT = /\/v1\/client\/sessions\/[^/]+\/tokens$/

/** Counts the page's requests that match, from now on. */
function countRequests(page: Page, matches: (request: Request) => boolean): () => number {
  let count = 0
  page.on('request', (request) => {
    if (matches(request)) count++
  })
  return () => count
}

const isHandlerPost = (request: Request) =>
  request.method() === 'POST' && new URL(request.url()).pathname === HANDLER_PATH
const isMint = (request: Request) =>
  request.method() === 'POST' && MINT.test(new URL(request.url()).pathname)
const isReload = (request: Request) => new URL(request.url()).pathname.endsWith('/v1/me')
const mintUrl = (url: URL) => MINT.test(url.pathname)

/** Opens the demo, signs in through `@clerk/testing`, and waits for the editor. */
async function signIn(page: Page, target: LaneTarget, user: LaneUser): Promise<Editor> {
  await page.goto(`${target.demo.origin}/`)
  await expect(page.locator('#mode')).toHaveText(target.mode)
  await clerk.signIn({
    page,
    signInParams: { strategy: 'password', identifier: user.identifier, password: user.password },
  })
  const editor = editorOf(page)
  await expect(editor.host).toHaveJSProperty('status', 'idle')
  await expect(editor.current).toHaveText(SHOWN)
  return editor
}

async function expectSaved(editor: Editor, page: Page, date: string) {
  await expect(editor.message).toHaveText('Saved.')
  expect((await tokenClaims(page)).birthday).toBe(date)
}

/** Registers the journeys on `test`, whose `target` fixture says where they run. */
export function defineJourneys(test: LaneTest): void {
  let violations: PolicyViolations
  let user: LaneUser

  test.beforeEach(async ({ page, target }) => {
    violations = await watchPolicy(page.context())
    user = await target.user()
  })
  test.afterEach(() => {
    expect(violations, 'CSP or Trusted Types violations').toEqual([])
  })

  test('read: the birthday shows from the session token, with no request of the editor', async ({
    page,
    target,
  }) => {
    const posts = countRequests(page, isHandlerPost)
    const editor = await signIn(page, target, user)
    await expectDate(editor, LANE_BIRTHDAY)
    expect(posts()).toBe(0)
    const claims = await heldClaims(page)
    expect(
      claims?.birthday,
      'the session token template must carry "birthday": "{{user.public_metadata.birthday}}"',
    ).toBe(LANE_BIRTHDAY)
  })

  for (const strategy of ['token', 'user'] as const) {
    test(`save with the ${strategy} strategy: one POST, and the next token carries it`, async ({
      page,
      target,
    }) => {
      const editor = await signIn(page, target, user)
      await chooseStrategy(page, strategy)
      const posts = countRequests(page, isHandlerPost)
      const refreshes = countRequests(page, strategy === 'token' ? isMint : isReload)
      await fillDate(editor, TYPED)
      await editor.save.click()
      await expectSaved(editor, page, TYPED)
      expect(posts()).toBe(1)
      expect(refreshes()).toBeGreaterThanOrEqual(1)
      expect((await target.admin.users.getUser(user.id)).publicMetadata.birthday).toBe(TYPED)
    })
  }

  test('edit: an unchanged or invalid value is refused, and remove clears it', async ({
    page,
    target,
  }) => {
    const editor = await signIn(page, target, user)
    const posts = countRequests(page, isHandlerPost)
    await expect(editor.message).toHaveText('Pick a new date to save.')
    await expect(editor.save).toBeDisabled()
    await fillDate(editor, '1899-12-31')
    await editor.year.press('Enter')
    await expect(editor.message).toHaveText('Enter January 1, 1900 or later.')
    await expect(editor.day).toHaveAttribute('aria-invalid', 'true')
    expect(posts()).toBe(0)
    await fillDate(editor, LANE_BIRTHDAY)
    await expect(editor.message).toHaveText('Pick a new date to save.')
    await editor.remove.click()
    // The display changes at once (optimistic); the save is done when the message says so.
    await expect(editor.message).toHaveText('Saved.')
    await expect(editor.current).toHaveText('None saved.')
    expect((await tokenClaims(page)).birthday ?? null).toBeNull()
    expect(posts()).toBe(1)
    expect((await target.admin.users.getUser(user.id)).publicMetadata.birthday).toBeUndefined()
  })

  test('failure: the backend answers 500; the value stays and a retry saves', async ({
    page,
    target,
  }) => {
    const editor = await signIn(page, target, user)
    await failHandlerOnce(page, target.demo.origin)
    await fillDate(editor, TYPED)
    await editor.save.click()
    await expect(editor.message).toHaveText('Server error. Try again.')
    await expectDate(editor, TYPED)
    await expect(editor.current).toHaveText(SHOWN)
    await editor.save.click()
    await expectSaved(editor, page, TYPED)
  })

  test('failure: token minting fails after the write; saved, "will sync", then it syncs', async ({
    page,
    target,
  }) => {
    const editor = await signIn(page, target, user)
    await page.route(mintUrl, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: '{}' }),
    )
    await fillDate(editor, TYPED)
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved. It will sync soon.', { timeout: 10_000 })
    await expect(editor.current).toHaveText('Saved: January 2, 1991')
    expect((await target.admin.users.getUser(user.id)).publicMetadata.birthday).toBe(TYPED)
    await page.unroute(mintUrl)
    expect((await tokenClaims(page, { skipCache: true })).birthday).toBe(TYPED)
  })

  test('failure: offline; the value stays and it saves once online', async ({ page, target }) => {
    const editor = await signIn(page, target, user)
    const posts = countRequests(page, isHandlerPost)
    await page.context().setOffline(true)
    await fillDate(editor, TYPED)
    await editor.save.click()
    await expect(editor.message).toHaveText('Offline. It will save once online.')
    await expectDate(editor, TYPED)
    expect(posts()).toBe(0)
    await page.context().setOffline(false)
    await expectSaved(editor, page, TYPED)
    expect(posts()).toBe(1)
  })

  test('session: a refused token is retried once with a fresh one, unseen by the user', async ({
    page,
    target,
  }) => {
    const editor = await signIn(page, target, user)
    // What went over the wire, in order: the handler's POSTs and Clerk's token mints.
    const wire: string[] = []
    page.on('request', (request) => {
      if (isHandlerPost(request)) wire.push('post')
      else if (isMint(request)) wire.push('mint')
    })
    let refused = false
    await page.route(`${target.demo.origin}${HANDLER_PATH}`, async (route) => {
      if (refused) return route.continue()
      refused = true
      return route.fulfill({
        status: 401,
        contentType: 'application/json',
        headers: { 'WWW-Authenticate': 'Bearer' },
        body: JSON.stringify({
          error: { code: 'unauthenticated', message: 'a valid session token is required' },
        }),
      })
    })
    const messages = await recordMessages(page)
    await fillDate(editor, TYPED)
    await editor.save.click()
    await expectSaved(editor, page, TYPED)
    // Two POSTs, with a fresh token minted between them.
    const second = wire.lastIndexOf('post')
    expect(wire.filter((entry) => entry === 'post')).toHaveLength(2)
    expect(wire.slice(wire.indexOf('post'), second)).toContain('mint')
    expect(await messages()).not.toContain('Please sign in again.')
  })

  test('session: a double click sends exactly one POST', async ({ page, target }) => {
    const editor = await signIn(page, target, user)
    const posts = countRequests(page, isHandlerPost)
    await fillDate(editor, TYPED)
    await editor.save.dblclick()
    await expectSaved(editor, page, TYPED)
    expect(posts()).toBe(1)
  })

  test('session: signing out while editing hides the form', async ({ page, target }) => {
    const editor = await signIn(page, target, user)
    const posts = countRequests(page, isHandlerPost)
    await fillDate(editor, TYPED)
    await clerk.signOut({ page })
    await expect(editor.form).toBeHidden()
    await expect(editor.host).toHaveJSProperty('status', 'signed-out')
    expect(posts()).toBe(0)
  })

  test('session: two tabs; a save in one shows up in the other', async ({ page, target }) => {
    const editor = await signIn(page, target, user)
    const other = await page.context().newPage()
    await other.goto(`${target.demo.origin}/`)
    const second = editorOf(other)
    await expect(second.current).toHaveText(SHOWN)
    await fillDate(editor, TYPED)
    await editor.save.click()
    await expectSaved(editor, page, TYPED)
    await expect(second.current).toHaveText('Saved: January 2, 1991')
    await expect.poll(async () => (await heldClaims(other))?.birthday).toBe(TYPED)
  })

  test('accessibility: saved with the keyboard alone, and axe finds no violations', async ({
    page,
    target,
  }) => {
    const editor = await signIn(page, target, user)
    const { violations: before } = await new AxeBuilder({ page }).analyze()
    expect(before.map((violation) => violation.id)).toEqual([])
    await typeDate(page, editor, TYPED)
    await expectDate(editor, TYPED)
    await page.keyboard.press('Enter')
    await expectSaved(editor, page, TYPED)
    const { violations: after } = await new AxeBuilder({ page }).analyze()
    expect(
      after.map(({ id, nodes }) => ({
        id,
        nodes: nodes.map((node) => [node.target.join(' '), node.failureSummary]),
      })),
    ).toEqual([])
  })
}
