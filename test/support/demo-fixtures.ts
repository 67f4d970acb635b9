/**
 * The fixtures of the demo journeys (`test.extend`): one built demo per worker (`dist/demo`, served by
 * `demo/server/serve-built.ts` under the strict policy, with the emulator and the handler), and per test a
 * reset emulator, a fresh signed-up user, helpers for faults and the request log, and a guard that
 * fails the test on any CSP or Trusted Types violation in its browser context.
 *
 * Each test gets its own user because the handler's per-user limiter (5 requests per 10 s) lives as
 * long as the worker's demo: with one shared user, a fast suite would hit it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  test as base,
  expect,
  type BrowserContext,
  type Locator,
  type Page,
  type Request,
} from '@playwright/test'
import { startBuiltDemo, type BuiltDemo } from '../../demo/server/serve-built.ts'
import type { FaultSpec, RequestLogEntry as LoggedRequest, Settings } from '../../emulator/app.ts'
import { decodeJwt } from '../../emulator/testing/jwt.ts'
import { DEFAULT_PATH as HANDLER_PATH, type LogEntry } from '../../server/index.ts'
import { isoTexts, PARTS, type DatePart } from '../../src/memorable-date.ts'

export { expect }

export { HANDLER_PATH }
export {
  countRoute,
  createUser,
  emulatorClient,
  INITIAL_BIRTHDAY,
  ROUTES,
  uniqueEmail,
  wireOf,
  type TestUser,
} from './demo-helpers.ts'
import { createUser, emulatorClient, uniqueEmail, type TestUser } from './demo-helpers.ts'
/** `POST /__clerk/__emulator/faults` (paths are globs relative to `/__clerk`, `*` = one segment). */
export type { FaultSpec, RequestLogEntry as LoggedRequest } from '../../emulator/app.ts'
export const BUILT_DEMO = fileURLToPath(new URL('../../dist/demo', import.meta.url))

type EmulatorSettings = Partial<Settings>

export interface PolicyViolation {
  kind: 'event' | 'console' | 'pageerror'
  url: string
  text: string
}

/** The violations seen in one browser context so far (a live list; `splice` it to consume). */
export type PolicyViolations = PolicyViolation[]

interface WorkerFixtures {
  /**
   * The ClerkJS major the pages load (a Playwright parameter: the `clerk-js-5` project sets `5`,
   * served by the emulator from this checkout's `clerk-js-5` alias; default `6`).
   */
  clerkJsMajor: '5' | '6'
  demo: BuiltDemo
}

interface TestFixtures {
  /** The built demo's page origin, e.g. `http://localhost:41234`. */
  origin: string
  /** Back to the seed state, then a fresh user for this test; runs before every test. */
  resetEmulator: () => Promise<TestUser>
  /** The user of this test (birthday `INITIAL_BIRTHDAY`). */
  user: TestUser
  /** Signs in through the demo's form (opening the built demo first when the page is blank). */
  signIn: (page: Page, as?: TestUser) => Promise<void>
  /** The editor on the demo page, once this test's user has signed in (through `signIn`). */
  editor: Editor
  /** The page's requests to the handler, watched from just after sign-in (it needs `editor`). */
  handler: HandlerTraffic
  /** Makes the emulator answer the next matching request(s) with a fault. */
  failNext: (spec: FaultSpec) => Promise<void>
  clearFaults: () => Promise<void>
  /** The emulator's log without its control requests; `clearRequestLog` empties it. */
  requestLog: () => Promise<LoggedRequest[]>
  clearRequestLog: () => Promise<void>
  emulatorSettings: (patch: EmulatorSettings) => Promise<void>
  /** Starts collecting violations in the page's context; asserted empty when the test ends. */
  collectPolicyViolations: (page: Page) => Promise<PolicyViolations>
  /** The default context's violations (auto: every test is checked). */
  policyViolations: PolicyViolations
}

/** Every request the worker's demo handler answered (OPTIONS included), oldest first. */
const handlerLog: LogEntry[] = []

export const test = base.extend<TestFixtures, WorkerFixtures>({
  clerkJsMajor: ['6', { scope: 'worker', option: true }],

  demo: [
    async ({ clerkJsMajor }, use) => {
      if (!existsSync(`${BUILT_DEMO}/index.html`)) {
        throw new Error(
          `The built demo is missing (${BUILT_DEMO}/index.html). Run \`npm run build\` first; ` +
            '`npm test` builds it before the end-to-end run.',
        )
      }
      const demo = await startBuiltDemo({
        port: 0,
        root: BUILT_DEMO,
        clerkJsMajor,
        // What the handler received, on both origins, as the server saw it (`watchHandler`).
        handlerOptions: { logger: (entry) => handlerLog.push(entry) },
      })
      await use(demo)
      await demo.close()
    },
    { scope: 'worker' },
  ],

  origin: async ({ demo }, use) => use(demo.origin),

  resetEmulator: async ({ demo }, use) => {
    const emulator = emulatorClient(demo.origin)
    await use(async () => {
      await emulator.control('POST', 'reset')
      const user = await createUser(demo.origin, uniqueEmail())
      await emulator.control('DELETE', 'requests')
      return user
    })
  },

  user: [async ({ resetEmulator }, use) => use(await resetEmulator()), { auto: true }],

  signIn: async ({ demo, user }, use) => {
    await use(async (page, as = user) => {
      if (page.url() === 'about:blank') await page.goto(`${demo.origin}/`)
      await signInThroughForm(page, as)
    })
  },

  editor: async ({ page, signIn }, use) => {
    await signIn(page)
    await use(editorOf(page))
  },

  handler: async ({ page, editor }, use) => {
    await expect(editor.host).toBeAttached()
    await use(await watchHandler(page))
  },

  failNext: async ({ demo }, use) => {
    const emulator = emulatorClient(demo.origin)
    await use(async (spec) => void (await emulator.control('POST', 'faults', spec)))
  },

  clearFaults: async ({ demo }, use) => {
    const emulator = emulatorClient(demo.origin)
    await use(async () => void (await emulator.control('DELETE', 'faults')))
  },

  requestLog: async ({ demo }, use) => {
    const emulator = emulatorClient(demo.origin)
    await use(async () => {
      const { requests } = (await emulator.control('GET', 'requests')) as {
        requests: LoggedRequest[]
      }
      return requests.filter((request) => request.api !== 'control')
    })
  },

  clearRequestLog: async ({ demo }, use) => {
    const emulator = emulatorClient(demo.origin)
    await use(async () => void (await emulator.control('DELETE', 'requests')))
  },

  emulatorSettings: async ({ demo }, use) => {
    const emulator = emulatorClient(demo.origin)
    await use(async (patch) => void (await emulator.control('PATCH', 'settings', patch)))
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  collectPolicyViolations: async ({}, use) => {
    const watched: PolicyViolations[] = []
    await use(async (page) => {
      const violations = await watchPolicy(page.context())
      if (!watched.includes(violations)) watched.push(violations)
      return violations
    })
    for (const violations of watched) {
      expect(violations, 'CSP or Trusted Types violations').toEqual([])
    }
  },

  policyViolations: [
    async ({ context }, use) => {
      const violations = await watchPolicy(context)
      await use(violations)
      expect(violations, 'CSP or Trusted Types violations').toEqual([])
    },
    { auto: true },
  ],
})

/** Signs in through the demo page's own form, on whatever demo page `page` shows. */
export async function signInThroughForm(page: Page, as: TestUser): Promise<void> {
  const form = page.locator('#sign-in')
  const email = form.getByLabel('Email')
  // Emptied first: over WebDriver BiDi (Firefox), Playwright's `fill` cannot select the text of an
  // `<input type="email">` (it has no selection API) and so appends to the demo user's address.
  // Once visible: the page fills in the demo user just before it shows the form.
  await expect(email).toBeVisible()
  await email.evaluate((input: HTMLInputElement) => (input.value = ''))
  await email.fill(as.email)
  await form.getByLabel('Password').fill(as.password)
  await form.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#who')).toHaveText(as.email)
  await expect(editorOf(page).host).toHaveJSProperty('status', 'idle')
}

const POLICY_TEXT = /content[ -]security[ -]policy|trusted ?types?|trusted(html|script)/i
const REPORT_BINDING = '__e2eReportPolicyViolation'
const watchedContexts = new WeakMap<BrowserContext, PolicyViolations>()

/**
 * Collects, for every page of `context`: `securitypolicyviolation` events (CSP and Trusted Types,
 * through an init script that reports over a binding, so nothing is lost on navigation), and console
 * errors and uncaught errors that name the policy (workers' violations show up there). Idempotent.
 */
export async function watchPolicy(context: BrowserContext): Promise<PolicyViolations> {
  const known = watchedContexts.get(context)
  if (known) return known
  const violations: PolicyViolations = []
  watchedContexts.set(context, violations)
  await context.exposeBinding(REPORT_BINDING, ({ page }, text: string) => {
    violations.push({ kind: 'event', url: page?.url() ?? '', text })
  })
  await context.addInitScript((binding) => {
    addEventListener(
      'securitypolicyviolation',
      (event) => {
        const report = Reflect.get(globalThis, binding) as ((text: string) => void) | undefined
        report?.(
          `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'}` +
            ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`.trimEnd(),
        )
      },
      true,
    )
  }, REPORT_BINDING)
  context.on('console', (message) => {
    if (message.type() === 'error' && POLICY_TEXT.test(message.text())) {
      violations.push({ kind: 'console', url: message.page()?.url() ?? '', text: message.text() })
    }
  })
  context.on('weberror', (error) => {
    const text = String(error.error())
    if (POLICY_TEXT.test(text)) {
      violations.push({ kind: 'pageerror', url: error.page()?.url() ?? '', text })
    }
  })
  return violations
}

/** The editor's parts, found the way a user finds them (roles and labels pierce its shadow root). */
export function editorOf(page: Page) {
  const host = page.locator('birthday-editor')
  return {
    host,
    form: host.locator('[part="form"]'),
    /** The three memorable-date fields, by their labels (the demo's language is English). */
    fields: host.getByRole('group', { name: 'Birthday' }),
    day: host.getByRole('textbox', { name: 'Day' }),
    month: host.getByRole('textbox', { name: 'Month' }),
    year: host.getByRole('textbox', { name: 'Year' }),
    save: host.getByRole('button', { name: 'Save' }),
    remove: host.getByRole('button', { name: 'Remove' }),
    message: host.getByRole('status'),
    current: host.locator('[part="current-value"]'),
  }
}

export type Editor = ReturnType<typeof editorOf>

/**
 * Types an ISO date (`''`: none) into the three fields, as the element writes it (no leading zeros),
 * then leaves the group (blur), which commits it. Only locators: the same in every engine.
 */
export async function fillDate(editor: Editor, iso: string): Promise<void> {
  const texts = isoTexts(iso)
  for (const part of PARTS) await editor[part].fill(texts[part])
  await editor.year.blur()
}

/** Types an ISO date into the three fields (`fillDate`), presses Save and waits for "Saved.". */
export async function saveDate(editor: Editor, iso: string): Promise<void> {
  await fillDate(editor, iso)
  await editor.save.click()
  await expect(editor.message).toHaveText('Saved.')
}

/**
 * The first save after a signed-in demo page has loaded: the editor shows the seeded birthday, the
 * token ClerkJS holds has the page origin as its `azp`, and `iso` is saved with the request log
 * emptied and the handler watched just before. Gives the editor and that watch.
 */
export async function firstSaveAfterLoad(
  page: Page,
  origin: string,
  clearRequestLog: () => Promise<void>,
  iso: string,
): Promise<{ editor: Editor; handler: HandlerTraffic }> {
  const editor = editorOf(page)
  await expect(editor.current).toHaveText('Saved: December 10, 1990')
  expect((await heldClaims(page))?.azp).toBe(origin)
  await clearRequestLog()
  const handler = await watchHandler(page)
  await saveDate(editor, iso)
  return { editor, handler }
}

/**
 * Types an ISO date with the keyboard alone: from the first field, in the page's order, Tab to the
 * next; each field's text replaces what it held. The focused field says which part it is.
 */
export async function typeDate(page: Page, editor: Editor, iso: string): Promise<void> {
  const texts = isoTexts(iso)
  await editor.fields.getByRole('textbox').first().focus()
  for (let field = 0; field < 3; field++) {
    if (field) await page.keyboard.press('Tab')
    const part = await editor.host.evaluate(
      (host) => host.shadowRoot?.activeElement?.getAttribute('part') ?? '',
    )
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.type(texts[part as DatePart])
  }
}

/** The three fields show this ISO date (`''`: they are empty). */
export async function expectDate(editor: Editor, iso: string): Promise<void> {
  const texts = isoTexts(iso)
  for (const part of PARTS) await expect(editor[part]).toHaveValue(texts[part])
}

/** Chooses the demo's refresh strategy and waits until the editor has it. */
export async function chooseStrategy(page: Page, strategy: 'token' | 'user'): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`^${strategy} `) }).check()
  await expect(editorOf(page).host).toHaveJSProperty('refresh', strategy)
}

/** The claims of `window.Clerk.session.getToken()` (fresh with `skipCache`), decoded. */
export async function tokenClaims(
  page: Page,
  options: { skipCache?: boolean } = {},
): Promise<Record<string, unknown>> {
  const jwt = await page.evaluate(async (options) => {
    const clerk = Reflect.get(window, 'Clerk') as {
      session: { getToken(o: { skipCache?: boolean }): Promise<string | null> } | null
    }
    return (await clerk.session?.getToken(options)) ?? ''
  }, options)
  return decodeJwt(jwt).payload
}

/** The claims of the token ClerkJS holds now, without a request. */
export async function heldClaims(page: Page): Promise<Record<string, unknown> | null> {
  const jwt = await page.evaluate(() => {
    const clerk = Reflect.get(window, 'Clerk') as {
      session?: { lastActiveToken?: { getRawString(): string } | null } | null
    }
    return clerk.session?.lastActiveToken?.getRawString() || null
  })
  return jwt ? decodeJwt(jwt).payload : null
}

export interface EditorEvent {
  type: string
  birthday?: string | null
  verified?: boolean
  code?: string
  message?: string
}

/** Records the editor's events from now on (in this document); returns a reader. */
export async function recordEditorEvents(page: Page): Promise<() => Promise<EditorEvent[]>> {
  await page.evaluate(() => {
    const seen: Record<string, unknown>[] = []
    Reflect.set(window, '__editorEvents', seen)
    for (const type of ['change', 'birthday-editor-saved', 'birthday-editor-error']) {
      document.querySelector('birthday-editor')?.addEventListener(type, (event) => {
        const { birthday, verified, code, message } = event as Event & Record<string, unknown>
        seen.push({ type, birthday, verified, code, message })
      })
    }
  })
  return () =>
    page.evaluate(() => (Reflect.get(window, '__editorEvents') as EditorEvent[] | undefined) ?? [])
}

/** Every text the editor's message shows from now on (in this document), in order. */
export async function recordMessages(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const message = document.querySelector('birthday-editor')?.shadowRoot?.querySelector('#message')
    const seen: string[] = [message?.textContent ?? '']
    Reflect.set(window, '__editorMessages', seen)
    if (!message) return
    new MutationObserver(() => {
      const text = message.textContent ?? ''
      if (seen.at(-1) !== text) seen.push(text)
    }).observe(message, { childList: true, characterData: true, subtree: true })
  })
  return () => page.evaluate(() => Reflect.get(window, '__editorMessages') as string[])
}

/** Records the editor's events and every text its message shows, from now on (in this document). */
export async function recordEditor(page: Page): Promise<{
  events: () => Promise<EditorEvent[]>
  messages: () => Promise<string[]>
}> {
  return { events: await recordEditorEvents(page), messages: await recordMessages(page) }
}

/** What the message shows through a save that ends verified, in order (`recordEditor`'s `messages`). */
export const SAVE_MESSAGES = ['Pick a new date to save.', '', 'Saving…', 'Syncing…', 'Saved.']

export interface HandlerTraffic {
  /** POSTs to the handler (either origin), as Playwright saw them. */
  posts: Request[]
  /**
   * CORS preflights the handler answered since the watch began, from the handler's own log: what
   * the server received, in any engine (a preflight Playwright answered itself is not counted).
   */
  preflights: () => number
  /** The statuses the handler gave those preflights, in order. */
  preflightStatuses: () => number[]
  /**
   * The JSON bodies of the page's POSTs to the handler, as the page sent them (recorded in this
   * document; Playwright's `postDataJSON()` is null over WebDriver BiDi, so it is read in the page).
   */
  bodies: () => Promise<unknown[]>
  /** The statuses of the POSTs, in order, once answered. */
  statuses: () => Promise<number[]>
}

/** Watches the page's requests to the handler from now on. */
export async function watchHandler(page: Page): Promise<HandlerTraffic> {
  const posts: Request[] = []
  const from = handlerLog.length
  await page.evaluate((path) => {
    const sent: unknown[] = []
    Reflect.set(window, '__handlerBodies', sent)
    const original = window.fetch
    window.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href)
      if (url.pathname === path && init?.method === 'POST' && typeof init.body === 'string')
        sent.push(JSON.parse(init.body))
      return original(input, init)
    }
  }, HANDLER_PATH)
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === HANDLER_PATH) {
      posts.push(request)
    }
  })
  const preflights = () =>
    handlerLog
      .slice(from)
      .filter((entry) => entry.method === 'OPTIONS' && entry.path === HANDLER_PATH)
  return {
    posts,
    preflights: () => preflights().length,
    preflightStatuses: () => preflights().map((entry) => entry.status),
    bodies: () =>
      page.evaluate(() => (Reflect.get(window, '__handlerBodies') as unknown[] | undefined) ?? []),
    statuses: () => Promise.all(posts.map(async (post) => (await post.response())?.status() ?? 0)),
  }
}

/** The next POST to the handler at `origin` gets a 500 in the handler's error shape, from the browser side. */
export async function failHandlerOnce(page: Page, origin: string): Promise<void> {
  await page.route(
    `${origin}${HANDLER_PATH}`,
    (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal', message: 'internal error' } }),
      }),
    { times: 1 },
  )
}

/** The code block after `<!-- snippet: <name> -->` in the README, as written there. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync('README.md', 'utf8')
  const marker = `<!-- snippet: ${name} -->`
  const at = readme.indexOf(marker)
  const block = at < 0 ? null : /^\s*```\w+\n([\s\S]*?)```/.exec(readme.slice(at + marker.length))
  if (!block) throw new Error(`README has no snippet "${name}"`)
  return block[1]!
}

/**
 * Saves a picture of `target` for a person to look at. Over WebDriver BiDi (Firefox), Playwright's
 * screenshot adds an inline `<style>` of its own from an evaluated script (Firefox reports it
 * "… > eval"), which the demo's policy refuses: the violations that one causes, and only those,
 * are taken out of `violations` (as `test/e2e/pictures.spec.ts` does); any other stays.
 */
export async function screenshotOf(
  target: Page | Locator,
  path: string,
  violations: PolicyViolations,
): Promise<void> {
  const before = violations.length
  await target.screenshot({ path, caret: 'initial', animations: 'allow' })
  const driverOwn = ({ text }: PolicyViolation) =>
    /style-src-elem blocked inline at .*eval/.test(text) || /blocked an inline style/.test(text)
  violations.push(...violations.splice(before).filter((violation) => !driverOwn(violation)))
}
