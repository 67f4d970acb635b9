/**
 * The element on pages built the way Clerk documents them, each on its own page under the demo's
 * strict policy with Trusted Types, against the emulator: Clerk's async tag in `<head>` (the
 * README's snippet, as written), the tag injected 3 s after load by `@clerk/shared`'s loader (what
 * `<ClerkProvider>` runs), `load()` called late by the page, never called, no Clerk at all, npm
 * ClerkJS as the property, `publishable-key` only, `el.value = x; await el.save()`, and a session
 * token template without the claim. Each is a row of one table, `PAGES` (a page kind and its
 * expectations), and one loop makes a test of each row: sign in, build the page, open it, expect.
 * Each asserts the element's console warnings and zero page errors (and, through the fixtures,
 * zero CSP or Trusted Types violations).
 */
import type { Page } from '@playwright/test'
import type { Settings } from '../../emulator/app.ts'
import {
  countRoute,
  editorOf,
  expect,
  expectDate,
  INITIAL_BIRTHDAY,
  type LoggedRequest,
  readmeSnippet,
  recordEditorEvents,
  saveDate,
  test,
  tokenClaims,
  watchPolicy,
} from '../support/demo-fixtures.ts'
import { bundle, openJourney, type Journey, type JourneyPage } from '../support/journey-page.ts'

const SHOWN = 'Saved: December 10, 1990'
const CLERK_MESSAGE = 'Sign-in is not available right now. Reload the page to try again.'
const ELEMENT_URL = 'https://your.cdn/birthday-editor/dist/birthday-editor.js'

interface Clerkish {
  publishableKey: string
  proxyUrl: string
  scriptUrl: string
}

/** The emulator's key, proxy and script URL, as the demo's own Clerk tag carries them. */
async function clerkOf(origin: string): Promise<Clerkish> {
  const html = await (await fetch(`${origin}/`)).text()
  const attribute = (name: string) => new RegExp(`${name}="([^"]+)"`).exec(html)?.[1] ?? ''
  return {
    publishableKey: attribute('data-clerk-publishable-key'),
    proxyUrl: attribute('data-clerk-proxy-url'),
    scriptUrl: /<script src="([^"]+)"[^>]*data-clerk-publishable-key/.exec(html)?.[1] ?? '',
  }
}

/** The page's module tag for the element (the journey server serves the built bundle). */
const ELEMENT_TAG = '<script type="module" src="/journey/birthday-editor.js"></script>'

/** Clerk's documented async tag for this origin, with the emulator's key and proxy URL. */
function clerkTag(clerk: Clerkish): string {
  return (
    `<script src="${clerk.scriptUrl}" crossorigin="anonymous"` +
    ` data-clerk-publishable-key="${clerk.publishableKey}"` +
    ` data-clerk-proxy-url="${clerk.proxyUrl}"></script>`
  )
}

/**
 * The README's HTML snippet for this origin: placeholders filled, the proxy URL added, and Clerk's
 * URL at the major under test (the README writes `@6`; a ClerkJS 5 page writes `@5`).
 */
function fill(snippet: string, clerk: Clerkish, proxyAttribute: string, major = '6'): string {
  return snippet
    .replaceAll(ELEMENT_URL, '/journey/birthday-editor.js')
    .replace('https://YOUR_FRONTEND_API', clerk.proxyUrl)
    .replace('/npm/@clerk/clerk-js@6/', `/npm/@clerk/clerk-js@${major}/`)
    .replace(
      /(publishable-key)="YOUR_PUBLISHABLE_KEY"/,
      `$1="${clerk.publishableKey}" ${proxyAttribute}="${clerk.proxyUrl}"`,
    )
}

/** Head and body of an HTML snippet: before and after its first blank line. */
function split(html: string) {
  const [head = '', ...body] = html.split('\n\n')
  return { head, body: body.join('\n\n') }
}

async function expectShowsBirthday(page: Page) {
  const editor = editorOf(page)
  await expect(editor.host).toHaveJSProperty('status', 'idle')
  await expect(editor.current).toHaveText(SHOWN)
  await expectDate(editor, INITIAL_BIRTHDAY)
}

/** `Clerk.load()` calls made so far: each fetches the client once (`GET /v1/client`). */
async function clientLoads(requestLog: () => Promise<LoggedRequest[]>) {
  return countRoute(await requestLog(), 'GET /v1/client')
}

/** The page waited 2 s without Clerk: the editor is still loading. */
async function expectLoadingAt2s(page: Page) {
  await page.waitForTimeout(2000)
  await expect(editorOf(page).host).toHaveJSProperty('status', 'loading')
}

/** Exactly one warning per entry, each holding its texts. */
function expectWarnings(journey: Journey, expected: string[][]) {
  expect(journey.warnings).toHaveLength(expected.length)
  expected.forEach((texts, index) => {
    for (const text of texts) expect(journey.warnings[index]).toContain(text)
  })
}

const NEVER_LOADED = [
  [
    'nothing called Clerk.load() in 10 s',
    'Set the `clerk` property, add `publishable-key`, or call `Clerk.load()`',
  ],
]
const MISSING_CLAIM = [
  ['add "birthday": "{{user.public_metadata.birthday}}" to the session token template'],
]

/** The ClerkJS majors that called the emulator's Frontend API (each call names its version). */
async function clerkJsMajors(requestLog: () => Promise<LoggedRequest[]>) {
  const majors = new Set<string>()
  for (const entry of await requestLog()) {
    const version = new URLSearchParams(entry.query).get('_clerk_js_version')
    if (version) majors.add(version.split('.')[0]!)
  }
  return [...majors]
}

/** What a row's page and its expectations are given. */
interface Visit {
  page: Page
  /** The emulator's key, proxy and script URL, as the demo's own Clerk tag carries them. */
  clerk: Clerkish
  /** The ClerkJS major under test (the project's `clerkJsMajor`). */
  major: '5' | '6'
  requestLog: () => Promise<LoggedRequest[]>
}

/** A page kind and its expectations: one row, one test. */
interface PageKind {
  group: 'finding Clerk on the page' | 'the programmatic API and the messages'
  title: string
  /** The journey page's name: `/journey/<name>.html`. */
  name: string
  /** Signed in through the demo before the page opens (false: the page starts blank). */
  signedIn: boolean
  /** The emulator's settings before signing in. */
  settings?: Partial<Settings>
  /** The request log emptied just before the page opens, so its counts are this page's. */
  freshLog?: boolean
  /** The page: its head, body and scripts. */
  build: (visit: Visit) => JourneyPage | Promise<JourneyPage>
  /** What the user, the page and the wire show, in order. */
  expect: (visit: Visit, journey: Journey) => Promise<void>
  /**
   * The element's console warnings when the test ends: one per entry, each holding its texts
   * (`[]`: none). After every row the page has had no uncaught error.
   */
  warnings: string[][]
}

const PAGES: PageKind[] = [
  {
    group: 'finding Clerk on the page',
    title: 'Clerk’s async tag in <head>, loaded on window load (the README snippet)',
    name: 'script-tag',
    signedIn: true,
    build: ({ clerk, major }) => {
      const snippet = fill(readmeSnippet('script-tag'), clerk, 'data-clerk-proxy-url', major)
      expect(snippet).toContain('async')
      return split(snippet)
    },
    expect: async ({ page, major, requestLog }) => {
      await expectShowsBirthday(page)
      expect(
        await page.evaluate(() => (window as { Clerk?: { version?: string } }).Clerk?.version),
      ).toMatch(new RegExp(`^${major}\\.`))
      expect(await clerkJsMajors(requestLog)).toEqual([major])
    },
    warnings: [],
  },
  {
    group: 'finding Clerk on the page',
    title:
      'Clerk’s tag injected 3 s after load by @clerk/shared’s loader (as <ClerkProvider> does)',
    name: 'provider',
    signedIn: true,
    build: async ({ clerk }) => ({
      head: ELEMENT_TAG + '<script type="module" src="/journey/provider.js"></script>',
      body: '<birthday-editor></birthday-editor>',
      scripts: {
        'provider.js': await bundle(`
          import { loadClerkJsScript } from '@clerk/shared/loadClerkJsScript'
          addEventListener('load', () => setTimeout(async () => {
            await loadClerkJsScript({
              publishableKey: ${JSON.stringify(clerk.publishableKey)},
              proxyUrl: ${JSON.stringify(clerk.proxyUrl)},
              __internal_clerkJSUrl: ${JSON.stringify(clerk.scriptUrl)},
            })
            await window.Clerk.load()
          }, 3000))
        `),
      },
    }),
    expect: async ({ page }) => {
      await expectLoadingAt2s(page)
      expect(await page.evaluate(() => 'Clerk' in window)).toBe(false)
      await expectShowsBirthday(page)
    },
    warnings: [],
  },
  {
    group: 'finding Clerk on the page',
    title: 'load() called late by the page: loading until then, never loaded by the element',
    name: 'late-load',
    signedIn: true,
    freshLog: true,
    build: ({ clerk }) => ({
      head: clerkTag(clerk) + ELEMENT_TAG + '<script src="/journey/late-load.js"></script>',
      body: '<birthday-editor></birthday-editor>',
      scripts: { 'late-load.js': 'setTimeout(() => Clerk.load(), 3000)' },
    }),
    expect: async ({ page, requestLog }) => {
      await expectLoadingAt2s(page)
      expect(await clientLoads(requestLog)).toBe(0)
      await expectShowsBirthday(page)
      expect(await clientLoads(requestLog)).toBe(1)
    },
    warnings: [],
  },
  {
    group: 'finding Clerk on the page',
    title: 'the page never calls load(): a message after 10 s, one warning, and recovery',
    name: 'never-load',
    signedIn: true,
    freshLog: true,
    build: ({ clerk }) => ({
      head: clerkTag(clerk) + ELEMENT_TAG,
      body: '<birthday-editor></birthday-editor><birthday-editor></birthday-editor>',
    }),
    expect: async ({ page, requestLog }, journey) => {
      const events = await recordEditorEvents(page)
      const editor = editorOf(page)
      await expect(editor.message.first()).toHaveText(CLERK_MESSAGE, { timeout: 15_000 })
      await expect(editor.host.first()).toHaveJSProperty('status', 'error')
      await expect(editor.day.first()).toBeDisabled()
      expect(await events()).toEqual([
        { type: 'birthday-editor-error', code: 'clerk', message: CLERK_MESSAGE },
      ])
      // One warning for the page (two editors), naming what is missing and the three fixes.
      expectWarnings(journey, NEVER_LOADED)
      expect(await clientLoads(requestLog)).toBe(0)
      // The fix, late: the page loads Clerk, and the editors recover.
      await page.evaluate(() => (Reflect.get(window, 'Clerk') as { load(): Promise<void> }).load())
      await expect(editor.host.first()).toHaveJSProperty('status', 'idle')
      await expect(editor.host.last()).toHaveJSProperty('status', 'idle')
      await expect(editor.current.first()).toHaveText(SHOWN)
    },
    warnings: NEVER_LOADED,
  },
  {
    group: 'finding Clerk on the page',
    title: 'no Clerk at all: the message after 10 s and a warning that says so',
    name: 'no-clerk',
    signedIn: false,
    build: () => ({ head: ELEMENT_TAG, body: '<birthday-editor></birthday-editor>' }),
    expect: async ({ page }) => {
      const events = await recordEditorEvents(page)
      const editor = editorOf(page)
      await expect(editor.host).toHaveJSProperty('status', 'loading')
      await expect(editor.message).toHaveText(CLERK_MESSAGE, { timeout: 15_000 })
      expect(await events()).toEqual([
        { type: 'birthday-editor-error', code: 'clerk', message: CLERK_MESSAGE },
      ])
    },
    warnings: [['none found in 10 s']],
  },
  {
    group: 'finding Clerk on the page',
    title: '@clerk/clerk-js from npm as the property (the README snippet)',
    name: 'npm',
    signedIn: true,
    freshLog: true,
    build: async ({ clerk, major }) => {
      const snippet = readmeSnippet('npm').replace(
        "new Clerk('YOUR_PUBLISHABLE_KEY')",
        `new Clerk(${JSON.stringify(clerk.publishableKey)}, { proxyUrl: ${JSON.stringify(clerk.proxyUrl)} })`,
      )
      expect(snippet).toContain(`new Clerk("${clerk.publishableKey}"`)
      // ClerkJS 5 is this checkout's `clerk-js-5` alias: the snippet's import, resolved to it.
      const app = await bundle(snippet, {
        'birthday-editor/define': './src/define.ts',
        ...(major === '5' ? { '@clerk/clerk-js': 'clerk-js-5' } : {}),
      })
      return {
        head: '<script type="module" src="/journey/app.js"></script>',
        body: '<birthday-editor></birthday-editor>',
        scripts: { 'app.js': app },
      }
    },
    expect: async ({ page, major, requestLog }) => {
      await expectShowsBirthday(page)
      expect(await page.evaluate(() => 'Clerk' in window)).toBe(false)
      expect(await clerkJsMajors(requestLog)).toEqual([major])
    },
    warnings: [],
  },
  {
    group: 'finding Clerk on the page',
    title: 'only a publishable key (the README snippet): the element loads Clerk, once',
    name: 'publishable-key',
    signedIn: true,
    freshLog: true,
    build: ({ clerk }) => split(fill(readmeSnippet('publishable-key'), clerk, 'proxy-url')),
    expect: async ({ page, requestLog }) => {
      await expectShowsBirthday(page)
      expect(await page.locator('script[data-clerk-publishable-key]').count()).toBe(1)
      expect(await clientLoads(requestLog)).toBe(1)
    },
    warnings: [],
  },
  {
    group: 'the programmatic API and the messages',
    title: 'el.value = x; await el.save() saves x and resolves with the outcome',
    name: 'api',
    signedIn: true,
    build: ({ clerk }) => split(fill(readmeSnippet('script-tag'), clerk, 'data-clerk-proxy-url')),
    expect: async ({ page }) => {
      await expectShowsBirthday(page)
      const events = await recordEditorEvents(page)
      const outcome = await page.evaluate(async () => {
        const el = document.querySelector('birthday-editor')!
        el.value = '1991-02-03'
        const result = await el.save()
        const { type, birthday, verified } = result as unknown as Record<string, unknown>
        return { type, birthday, verified }
      })
      expect(outcome).toEqual({
        type: 'birthday-editor-saved',
        birthday: '1991-02-03',
        verified: true,
      })
      expect((await tokenClaims(page)).birthday).toBe('1991-02-03')
      expect((await events()).map((event) => event.type)).toEqual(['birthday-editor-saved'])
      await expect(editorOf(page).current).toHaveText('Saved: February 3, 1991')
      await expectDate(editorOf(page), '1991-02-03')
    },
    warnings: [],
  },
  {
    group: 'the programmatic API and the messages',
    title:
      'a template without the claim: the stored value shows, users read "Saved.", developers a warning',
    name: 'no-claim',
    signedIn: true,
    settings: { sessionTokenTemplate: {} },
    build: ({ clerk }) => split(fill(readmeSnippet('script-tag'), clerk, 'data-clerk-proxy-url')),
    expect: async ({ page }, journey) => {
      const editor = editorOf(page)
      await expect(editor.current).toHaveText(SHOWN)
      expect(await tokenClaims(page)).not.toHaveProperty('birthday')
      expectWarnings(journey, MISSING_CLAIM)
      const events = await recordEditorEvents(page)
      await saveDate(editor, '1991-02-03')
      await expect(editor.current).toHaveText('Saved: February 3, 1991')
      expect(await events()).toContainEqual({
        type: 'birthday-editor-error',
        code: 'claim-stale',
        message: 'Saved.',
      })
    },
    warnings: MISSING_CLAIM,
  },
]

for (const group of new Set(PAGES.map((row) => row.group))) {
  test.describe(group, () => {
    for (const row of PAGES.filter((kind) => kind.group === group)) {
      test(
        row.title,
        async ({
          page,
          origin,
          signIn,
          clerkJsMajor,
          requestLog,
          clearRequestLog,
          emulatorSettings,
        }) => {
          if (row.settings) await emulatorSettings(row.settings)
          if (row.signedIn) await signIn(page)
          const visit: Visit = {
            page,
            clerk: await clerkOf(origin),
            major: clerkJsMajor,
            requestLog,
          }
          const spec = await row.build(visit)
          if (row.freshLog) await clearRequestLog()
          const journey = await openJourney(page, origin, row.name, spec)
          await row.expect(visit, journey)
          expectWarnings(journey, row.warnings)
          expect(journey.pageErrors, 'page errors').toEqual([])
        },
      )
    }
  })
}

test('journey pages are really under the policy: an unhashed inline script does not run', async ({
  browser,
  origin,
}) => {
  // Its own context: the violation this provokes must not fail the fixture's check of the others.
  const context = await browser.newContext()
  const page = await context.newPage()
  // The fixture's own watch: Chromium reports the violation on the console, Firefox as a page
  // error ("Content-Security-Policy: …"); both also fire `securitypolicyviolation`.
  const violations = await watchPolicy(context)
  await openJourney(page, origin, 'policy', {
    body: '<script data-unhashed>document.title = "ran"</script><script>document.body.dataset.hashed = "ran"</script>',
  })
  expect(await page.title()).toBe('journey')
  expect(await page.evaluate(() => document.body.dataset.hashed)).toBe('ran')
  expect(violations.map((violation) => violation.text).join('\n')).toMatch(/script-src/)
  expect(violations.some((violation) => violation.kind === 'event')).toBe(true)
  await context.close()
})
