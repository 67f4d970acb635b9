/**
 * The element on pages built the way Clerk documents them, each on its own page under the demo's
 * strict policy with Trusted Types, against the emulator: Clerk's async tag in `<head>` (the
 * README's snippet, as written), the tag injected 3 s after load by `@clerk/shared`'s loader (what
 * `<ClerkProvider>` runs), `load()` called late by the page, never called, no Clerk at all, npm
 * ClerkJS as the property, `publishable-key` only, `el.value = x; await el.save()`, and a session
 * token template without the claim. Each asserts zero page errors (and, through the fixtures, zero
 * CSP or Trusted Types violations).
 */
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import {
  countRoute,
  editorOf,
  expect,
  expectDate,
  fillDate,
  INITIAL_BIRTHDAY,
  type LoggedRequest,
  recordEditorEvents,
  test,
  tokenClaims,
  watchPolicy,
} from '../support/demo-fixtures.ts'
import { bundle, openJourney, type Journey } from '../support/journey-page.ts'

const SHOWN = 'Saved: December 10, 1990'
const CLERK_MESSAGE = 'Sign-in is not available right now. Reload the page to try again.'
const ELEMENT_URL = 'https://your.cdn/birthday-editor/dist/birthday-editor.js'

/** The code block after `<!-- snippet: name -->` in the README. */
function readmeSnippet(name: string): string {
  const readme = readFileSync('README.md', 'utf8')
  const match = new RegExp(`<!-- snippet: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(
    readme,
  )
  if (!match) throw new Error(`README has no snippet "${name}"`)
  return match[1]!
}

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

function expectClean(journey: Journey) {
  expect(journey.pageErrors, 'page errors').toEqual([])
}

/** The ClerkJS majors that called the emulator's Frontend API (each call names its version). */
async function clerkJsMajors(requestLog: () => Promise<LoggedRequest[]>) {
  const majors = new Set<string>()
  for (const entry of await requestLog()) {
    const version = new URLSearchParams(entry.query).get('_clerk_js_version')
    if (version) majors.add(version.split('.')[0]!)
  }
  return [...majors]
}

test.describe('finding Clerk on the page', () => {
  test('Clerk’s async tag in <head>, loaded on window load (the README snippet)', async ({
    page,
    origin,
    signIn,
    clerkJsMajor,
    requestLog,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    const snippet = fill(readmeSnippet('script-tag'), clerk, 'data-clerk-proxy-url', clerkJsMajor)
    expect(snippet).toContain('async')
    const journey = await openJourney(page, origin, 'script-tag', split(snippet))
    await expectShowsBirthday(page)
    expect(
      await page.evaluate(() => (window as { Clerk?: { version?: string } }).Clerk?.version),
    ).toMatch(new RegExp(`^${clerkJsMajor}\\.`))
    expect(await clerkJsMajors(requestLog)).toEqual([clerkJsMajor])
    expect(journey.warnings).toEqual([])
    expectClean(journey)
  })

  test('Clerk’s tag injected 3 s after load by @clerk/shared’s loader (as <ClerkProvider> does)', async ({
    page,
    origin,
    signIn,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    const provider = await bundle(`
      import { loadClerkJsScript } from '@clerk/shared/loadClerkJsScript'
      addEventListener('load', () => setTimeout(async () => {
        await loadClerkJsScript({
          publishableKey: ${JSON.stringify(clerk.publishableKey)},
          proxyUrl: ${JSON.stringify(clerk.proxyUrl)},
          __internal_clerkJSUrl: ${JSON.stringify(clerk.scriptUrl)},
        })
        await window.Clerk.load()
      }, 3000))
    `)
    const journey = await openJourney(page, origin, 'provider', {
      head: ELEMENT_TAG + '<script type="module" src="/journey/provider.js"></script>',
      body: '<birthday-editor></birthday-editor>',
      scripts: { 'provider.js': provider },
    })
    const editor = editorOf(page)
    await page.waitForTimeout(2000)
    await expect(editor.host).toHaveJSProperty('status', 'loading')
    expect(await page.evaluate(() => 'Clerk' in window)).toBe(false)
    await expectShowsBirthday(page)
    expect(journey.warnings).toEqual([])
    expectClean(journey)
  })

  test('load() called late by the page: loading until then, never loaded by the element', async ({
    page,
    origin,
    signIn,
    requestLog,
    clearRequestLog,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    await clearRequestLog()
    const journey = await openJourney(page, origin, 'late-load', {
      head: clerkTag(clerk) + ELEMENT_TAG + '<script src="/journey/late-load.js"></script>',
      body: '<birthday-editor></birthday-editor>',
      scripts: { 'late-load.js': 'setTimeout(() => Clerk.load(), 3000)' },
    })
    const editor = editorOf(page)
    await page.waitForTimeout(2000)
    await expect(editor.host).toHaveJSProperty('status', 'loading')
    expect(await clientLoads(requestLog)).toBe(0)
    await expectShowsBirthday(page)
    expect(await clientLoads(requestLog)).toBe(1)
    expect(journey.warnings).toEqual([])
    expectClean(journey)
  })

  test('the page never calls load(): a message after 10 s, one warning, and recovery', async ({
    page,
    origin,
    signIn,
    requestLog,
    clearRequestLog,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    await clearRequestLog()
    const journey = await openJourney(page, origin, 'never-load', {
      head: clerkTag(clerk) + ELEMENT_TAG,
      body: '<birthday-editor></birthday-editor><birthday-editor></birthday-editor>',
    })
    const events = await recordEditorEvents(page)
    const editor = editorOf(page)
    await expect(editor.message.first()).toHaveText(CLERK_MESSAGE, { timeout: 15_000 })
    await expect(editor.host.first()).toHaveJSProperty('status', 'error')
    await expect(editor.day.first()).toBeDisabled()
    expect(await events()).toEqual([
      { type: 'birthday-editor-error', code: 'clerk', message: CLERK_MESSAGE },
    ])
    // One warning for the page (two editors), naming what is missing and the three fixes.
    expect(journey.warnings).toHaveLength(1)
    expect(journey.warnings[0]).toContain('nothing called Clerk.load() in 10 s')
    expect(journey.warnings[0]).toContain(
      'Set the `clerk` property, add `publishable-key`, or call `Clerk.load()`',
    )
    expect(await clientLoads(requestLog)).toBe(0)
    // The fix, late: the page loads Clerk, and the editors recover.
    await page.evaluate(() => (Reflect.get(window, 'Clerk') as { load(): Promise<void> }).load())
    await expect(editor.host.first()).toHaveJSProperty('status', 'idle')
    await expect(editor.host.last()).toHaveJSProperty('status', 'idle')
    await expect(editor.current.first()).toHaveText(SHOWN)
    expect(journey.warnings).toHaveLength(1)
    expectClean(journey)
  })

  test('no Clerk at all: the message after 10 s and a warning that says so', async ({
    page,
    origin,
  }) => {
    const journey = await openJourney(page, origin, 'no-clerk', {
      head: ELEMENT_TAG,
      body: '<birthday-editor></birthday-editor>',
    })
    const events = await recordEditorEvents(page)
    const editor = editorOf(page)
    await expect(editor.host).toHaveJSProperty('status', 'loading')
    await expect(editor.message).toHaveText(CLERK_MESSAGE, { timeout: 15_000 })
    expect(await events()).toEqual([
      { type: 'birthday-editor-error', code: 'clerk', message: CLERK_MESSAGE },
    ])
    expect(journey.warnings).toHaveLength(1)
    expect(journey.warnings[0]).toContain('none found in 10 s')
    expectClean(journey)
  })

  test('@clerk/clerk-js from npm as the property (the README snippet)', async ({
    page,
    origin,
    signIn,
    clerkJsMajor,
    requestLog,
    clearRequestLog,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    const snippet = readmeSnippet('npm').replace(
      "new Clerk('YOUR_PUBLISHABLE_KEY')",
      `new Clerk(${JSON.stringify(clerk.publishableKey)}, { proxyUrl: ${JSON.stringify(clerk.proxyUrl)} })`,
    )
    expect(snippet).toContain(`new Clerk("${clerk.publishableKey}"`)
    // ClerkJS 5 is this checkout's `clerk-js-5` alias: the snippet's import, resolved to it.
    const app = await bundle(snippet, {
      'birthday-editor/define': './src/define.ts',
      ...(clerkJsMajor === '5' ? { '@clerk/clerk-js': 'clerk-js-5' } : {}),
    })
    await clearRequestLog()
    const journey = await openJourney(page, origin, 'npm', {
      head: '<script type="module" src="/journey/app.js"></script>',
      body: '<birthday-editor></birthday-editor>',
      scripts: { 'app.js': app },
    })
    await expectShowsBirthday(page)
    expect(await page.evaluate(() => 'Clerk' in window)).toBe(false)
    expect(await clerkJsMajors(requestLog)).toEqual([clerkJsMajor])
    expectClean(journey)
  })

  test('only a publishable key (the README snippet): the element loads Clerk, once', async ({
    page,
    origin,
    signIn,
    requestLog,
    clearRequestLog,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    await clearRequestLog()
    const snippet = fill(readmeSnippet('publishable-key'), clerk, 'proxy-url')
    const journey = await openJourney(page, origin, 'publishable-key', split(snippet))
    await expectShowsBirthday(page)
    expect(await page.locator('script[data-clerk-publishable-key]').count()).toBe(1)
    expect(await clientLoads(requestLog)).toBe(1)
    expectClean(journey)
  })
})

test.describe('the programmatic API and the messages', () => {
  test('el.value = x; await el.save() saves x and resolves with the outcome', async ({
    page,
    origin,
    signIn,
  }) => {
    await signIn(page)
    const clerk = await clerkOf(origin)
    const journey = await openJourney(
      page,
      origin,
      'api',
      split(fill(readmeSnippet('script-tag'), clerk, 'data-clerk-proxy-url')),
    )
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
    expectClean(journey)
  })

  test('a template without the claim: the stored value shows, users read "Saved.", developers a warning', async ({
    page,
    origin,
    signIn,
    emulatorSettings,
  }) => {
    await emulatorSettings({ sessionTokenTemplate: {} })
    await signIn(page)
    const clerk = await clerkOf(origin)
    const journey = await openJourney(
      page,
      origin,
      'no-claim',
      split(fill(readmeSnippet('script-tag'), clerk, 'data-clerk-proxy-url')),
    )
    const editor = editorOf(page)
    await expect(editor.current).toHaveText(SHOWN)
    expect(await tokenClaims(page)).not.toHaveProperty('birthday')
    expect(journey.warnings).toHaveLength(1)
    expect(journey.warnings[0]).toContain(
      'add "birthday": "{{user.public_metadata.birthday}}" to the session token template',
    )
    const events = await recordEditorEvents(page)
    await fillDate(editor, '1991-02-03')
    await editor.save.click()
    await expect(editor.message).toHaveText('Saved.')
    await expect(editor.current).toHaveText('Saved: February 3, 1991')
    expect(await events()).toContainEqual({
      type: 'birthday-editor-error',
      code: 'claim-stale',
      message: 'Saved.',
    })
    expect(journey.warnings).toHaveLength(1)
    expectClean(journey)
  })
})

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
