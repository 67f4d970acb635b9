/**
 * Policy: zero CSP and Trusted Types violations over a whole journey, on the built demo (served with
 * the strict header) and on the dev page of `npm start` (Vite with the repo's `vite.config.ts`). The
 * fixtures check every other test the same way; the last test shows that the check does see one.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import {
  chooseStrategy,
  createUser,
  editorOf,
  expect,
  fillDate,
  HANDLER_PATH,
  type PolicyViolations,
  saveDate,
  signInThroughForm,
  test,
  type TestUser,
  tokenClaims,
  uniqueEmail,
} from '../support/demo-fixtures.ts'
import { startDevServer } from '../support/dev-server.ts'

/** The directives the issue names, in the header of every page. */
function expectStrictPolicy(header: string | undefined, handlerOrigin: string): void {
  const directives = (header ?? '').split(';').map((directive) => directive.trim())
  expect(directives).toEqual(
    expect.arrayContaining([
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `connect-src 'self' ${handlerOrigin}`,
      "worker-src 'self' blob:",
      "require-trusted-types-for 'script'",
    ]),
  )
}

/**
 * Sign in, save with both strategies, remove, an invalid date, a failed save and its retry, the
 * cross-origin page, sign out. Returns the blob: workers ClerkJS started.
 */
async function fullJourney(page: Page, origin: string, user: TestUser): Promise<string[]> {
  const workers: string[] = []
  page.on('worker', (worker) => workers.push(worker.url()))
  const response = await page.goto(`${origin}/`)
  const config = (await (await fetch(`${origin}/demo-config.json`)).json()) as {
    crossOriginEndpoint: string
  }
  expectStrictPolicy(
    response?.headers()['content-security-policy'],
    new URL(config.crossOriginEndpoint).origin,
  )
  await signInThroughForm(page, user)
  const editor = editorOf(page)

  await saveDate(editor, '1991-01-02')
  await chooseStrategy(page, 'user')
  await saveDate(editor, '1992-03-04')
  expect((await tokenClaims(page)).birthday).toBe('1992-03-04')
  await editor.remove.click()
  await expect(editor.message).toHaveText('Saved.')
  await expect(editor.current).toHaveText('None saved.')
  await fillDate(editor, '1899-12-31')
  await expect(editor.message).toHaveText('Enter January 1, 1900 or later.')
  await page.route(`${origin}${HANDLER_PATH}`, (route) => route.fulfill({ status: 503 }), {
    times: 1,
  })
  await fillDate(editor, '1993-05-06')
  await editor.save.click()
  await expect(editor.message).toHaveText('Server error. Try again.')
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')

  await page.getByRole('link', { name: /cross-origin/ }).click()
  await expect(editor.current).toHaveText('Saved: May 6, 1993')
  await saveDate(editor, '1994-07-08')
  await page.getByRole('link', { name: 'Back to the main demo' }).click()
  await expect(editor.current).toHaveText('Saved: July 8, 1994')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(editor.form).toBeHidden()
  return workers
}

function expectClerkWorkers(workers: string[], origin: string): void {
  // ClerkJS's token-refresh workers run from blob: URLs, admitted by `worker-src blob:` and the
  // demo's Trusted Types default policy.
  expect(workers.length).toBeGreaterThan(0)
  for (const url of workers) expect(url.startsWith(`blob:${origin}/`)).toBe(true)
}

test('the built demo: a whole journey with zero CSP and Trusted Types violations', async ({
  page,
  origin,
  user,
  collectPolicyViolations,
}) => {
  const violations = await collectPolicyViolations(page)
  const workers = await fullJourney(page, origin, user)
  expectClerkWorkers(workers, origin)
  expect(violations).toEqual([])
})

test('the npm start dev page: a whole journey with zero CSP and Trusted Types violations', async ({
  page,
  collectPolicyViolations,
}) => {
  test.slow()
  // Its own data folder: the developer's `.emulator-data` is never touched.
  const dataDir = await mkdtemp(join(tmpdir(), 'birthday-editor-dev-'))
  const { server, origin } = await startDevServer({ dataDir })
  try {
    const user = await createUser(origin, uniqueEmail())
    const violations = await collectPolicyViolations(page)
    const workers = await fullJourney(page, origin, user)
    expectClerkWorkers(workers, origin)
    expect(violations).toEqual([])
  } finally {
    await page.close()
    await server.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('the check itself sees a Trusted Types and a CSP violation', async ({
  page,
  origin,
  policyViolations,
}) => {
  await page.goto(`${origin}/`)
  await page.evaluate(() => {
    try {
      document.body.insertAdjacentHTML('beforeend', '<b>markup from a string</b>')
    } catch {
      // Trusted Types refuses the string; the violation is what this test looks for.
    }
    document.body.append(Object.assign(document.createElement('div'), { id: 'styled' }))
    document.getElementById('styled')?.setAttribute('style', 'color: red')
  })
  await expect
    .poll(() => consumed(policyViolations).map((violation) => violation.text))
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^require-trusted-types-for /),
        expect.stringMatching(/^style-src-attr /),
      ]),
    )
  policyViolations.splice(0)
})

/** A copy, so that a poll sees the list grow. */
function consumed(violations: PolicyViolations): PolicyViolations {
  return [...violations]
}
