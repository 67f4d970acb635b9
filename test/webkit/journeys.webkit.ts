/**
 * The element's core journeys in WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver, under
 * Xvfb; `test/support/webkit.ts`), against the same built demo, emulator and handler as the
 * Playwright journeys, with the same helpers (`test/support/demo-helpers.ts`) and the same
 * expectations: display from the claim, a save with each refresh strategy and its verified claim,
 * the network path and the 401 path, the keyboard with focus on an error, zero CSP or Trusted Types
 * violations, and the demo page's pictures. Faults come from the emulator's control surface, never
 * from the driver, so WebKit sends its own requests (and its own preflights).
 *
 * Then the form journeys of `test/e2e/form.spec.ts` that WebDriver can drive, on the same page
 * (`test/support/form-pages.ts`, served as files beside a copy of the built demo): typing with the
 * keyboard alone and Enter submitting the page's form with the value in `FormData`, an impossible
 * date through `reportValidity()` and a clicked Reset, a disabled fieldset, and back/forward both
 * from WebKit's back/forward cache and, in a session with the page cache off, with the page loaded
 * again (`formStateRestoreCallback`).
 *
 * WebDriver has no init scripts: the policy watch starts once the page has loaded (the Playwright
 * runs see a page's load too), and its positive control shows it does see a violation.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { By, Key, type WebDriver, type WebElement } from 'selenium-webdriver'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBuiltDemo, type BuiltDemo } from '../../demo/server/serve-built.ts'
import { decodeJwt } from '../../emulator/testing/jwt.ts'
import { DEFAULT_PATH as HANDLER_PATH, type LogEntry } from '../../server/index.ts'
import { isoTexts, type DatePart, type PartTexts } from '../../src/memorable-date.ts'
import {
  createUser,
  emulatorClient,
  INITIAL_BIRTHDAY,
  uniqueEmail,
  wireOf,
  type LoggedRequest,
  type TestUser,
} from '../support/demo-helpers.ts'
import { withFormPages } from '../support/form-pages.ts'
import { startWebKit, type WebKitSession } from '../support/webkit.ts'

const BUILT_DEMO = 'dist/demo'
const PICTURES = 'test-results/webkit'
const handlerLog: LogEntry[] = []

let demo: BuiltDemo
/** The built demo, copied with the form journeys' pages beside it (`/journey/…`). */
let root: string
let webkit: WebKitSession
let driver: WebDriver
let user: TestUser

beforeAll(async () => {
  root = await withFormPages(BUILT_DEMO)
  demo = await startBuiltDemo({
    port: 0,
    root,
    handlerOptions: { logger: (entry) => handlerLog.push(entry) },
  })
  webkit = await startWebKit()
  driver = webkit.driver
  console.log(`WebKitGTK ${webkit.version}`)
})

afterAll(async () => {
  await webkit?.close()
  await demo?.close()
  if (root) rmSync(root, { recursive: true, force: true })
})

const emulator = () => emulatorClient(demo.origin)

beforeEach(async () => {
  await emulator().control('POST', 'reset')
  user = await createUser(demo.origin, uniqueEmail())
  await emulator().control('DELETE', 'requests')
})

afterEach(async () => {
  // Every journey ends with the page's policy clean (and signed out, for the next).
  expect(await violations(), 'CSP or Trusted Types violations').toEqual([])
  await driver.manage().deleteAllCookies()
})

async function requestLog(): Promise<LoggedRequest[]> {
  const { requests } = (await emulator().control('GET', 'requests')) as {
    requests: LoggedRequest[]
  }
  return requests.filter((request) => request.api !== 'control')
}

/** Polls `read` until it equals `expected` (5 s, like Playwright's web-first assertions). */
async function eventually<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  let last: T = await read()
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 50))
    last = await read()
  }
  expect(last, what).toEqual(expected)
}

const script = <T>(source: string, ...args: unknown[]) =>
  driver.executeScript(source, ...args) as Promise<T>

const part = (name: string) =>
  script<WebElement>(
    `return document.querySelector('birthday-editor').shadowRoot.querySelector('[part="${name}"]')`,
  )
const text = (name: string) =>
  script<string>(
    `return document.querySelector('birthday-editor').shadowRoot.querySelector('[part="${name}"]').textContent.trim()`,
  )
const message = () =>
  script<string>(
    `return document.querySelector('birthday-editor').shadowRoot.querySelector('[role="status"]').textContent.trim()`,
  )
/** What the three date fields hold, by part. */
const fieldTexts = () =>
  script<PartTexts>(
    `const r = document.querySelector('birthday-editor').shadowRoot; return Object.fromEntries(['day', 'month', 'year'].map((p) => [p, r.querySelector('[part="' + p + '"]').value]))`,
  )

/** Starts the policy watch and the editor's event and message records in this document. */
async function record(): Promise<void> {
  await script(`
    const seen = { events: [], messages: [], violations: window.__violations || [] }
    window.__record = seen
    window.__violations = seen.violations
    if (!window.__watching) {
      window.__watching = true
      addEventListener('securitypolicyviolation', (e) => seen.violations.push(e.effectiveDirective + ' ' + (e.blockedURI || 'inline')), true)
    }
    const editor = document.querySelector('birthday-editor')
    for (const type of ['change', 'birthday-editor-saved', 'birthday-editor-error'])
      editor.addEventListener(type, (e) => seen.events.push(Object.fromEntries(Object.entries({ type, birthday: e.birthday, verified: e.verified, code: e.code }).filter(([, v]) => v !== undefined))))
    const status = editor.shadowRoot.querySelector('[role="status"]')
    new MutationObserver(() => {
      const t = status.textContent.trim()
      if (seen.messages.at(-1) !== t) seen.messages.push(t)
    }).observe(status, { childList: true, characterData: true, subtree: true })
  `)
}
const recorded = () =>
  script<{ events: Record<string, unknown>[]; messages: string[] }>('return window.__record')
const violations = () => script<string[]>('return window.__violations || []')

/** Claims of a fresh `getToken()` from ClerkJS in the page. */
async function tokenClaims(): Promise<Record<string, unknown>> {
  const jwt = await driver.executeAsyncScript<string>(
    'const done = arguments[arguments.length - 1]; window.Clerk.session.getToken().then(done, () => done(""))',
  )
  return decodeJwt(jwt).payload
}

/**
 * Types an ISO date into the three fields, each in the page's order: the field is focused and its
 * text selected, then the driver types over it, as a user does (the element commits on Enter or when focus leaves
 * the fields).
 */
async function typeDate(date: string): Promise<void> {
  const texts = isoTexts(date)
  const fields = await script<WebElement[]>(
    `return [...document.querySelector('birthday-editor').shadowRoot.querySelectorAll('[part="fields"] input:not([hidden])')]`,
  )
  for (const field of fields) {
    const name = (await field.getAttribute('part')) as DatePart
    await script('arguments[0].focus(); arguments[0].select()', field)
    await field.sendKeys(texts[name])
  }
}

async function press(key: string): Promise<void> {
  await driver.actions().sendKeys(key).perform()
}

async function signIn(): Promise<void> {
  await driver.get(`${demo.origin}/`)
  await driver.wait(
    () => script<boolean>('return !document.getElementById("sign-in").hidden'),
    10_000,
  )
  for (const [name, value] of [
    ['identifier', user.email],
    ['password', user.password],
  ] as const) {
    const field = await driver.findElement(By.css(`#sign-in input[name="${name}"]`))
    await field.clear()
    await field.sendKeys(value)
  }
  await driver.findElement(By.css('#sign-in button[type="submit"]')).click()
  await eventually(
    () => script('return document.getElementById("who").textContent'),
    user.email,
    'who',
  )
  await eventually(
    () => script('return document.querySelector("birthday-editor").status'),
    'idle',
    'status',
  )
  await record()
}

async function saveWithEnter(): Promise<void> {
  await script('arguments[0].focus()', await part('save-button'))
  await press(Key.ENTER)
}

const handlerSince = (from: number) =>
  handlerLog.slice(from).filter((entry) => entry.path === HANDLER_PATH)

describe('WebKit: the element on the built demo', () => {
  it('shows the birthday from the session token, with no request of its own', async () => {
    await signIn()
    await eventually(() => text('current-value'), 'Saved: December 10, 1990', 'display')
    expect(await fieldTexts()).toEqual(isoTexts(INITIAL_BIRTHDAY))
    expect(wireOf(await requestLog()).me).toBe(0)
  })

  for (const strategy of ['token', 'user'] as const) {
    it(`saves with refresh="${strategy}", verified, and the next token carries it`, async () => {
      await signIn()
      await driver.findElement(By.css(`input[name="refresh"][value="${strategy}"]`)).click()
      await eventually(
        () => script('return document.querySelector("birthday-editor").refresh'),
        strategy,
        'refresh',
      )
      await emulator().control('DELETE', 'requests')
      const from = handlerLog.length
      await typeDate('1991-01-02')
      await eventually(fieldTexts, isoTexts('1991-01-02'), 'typed value')
      await saveWithEnter()
      await eventually(message, 'Saved.', 'message')
      expect(await text('current-value')).toBe('Saved: January 2, 1991')
      const { events, messages } = await recorded()
      expect(events).toEqual([
        { type: 'change' },
        { type: 'birthday-editor-saved', birthday: '1991-01-02', verified: true },
      ])
      expect(messages.slice(-3)).toEqual(['Saving…', 'Syncing…', 'Saved.'])
      expect(handlerSince(from).map((entry) => `${entry.method} ${entry.status}`)).toEqual([
        'POST 200',
      ])
      expect(wireOf(await requestLog())).toEqual(
        strategy === 'token' ? { metadata: 1, mint: 1, me: 0 } : { metadata: 1, mint: 0, me: 1 },
      )
      expect((await tokenClaims()).birthday).toBe('1991-01-02')
    })
  }

  it('the cross-origin page: WebKit sends its own preflight, the handler answers it, the save is verified', async () => {
    await signIn()
    await driver.get(`${demo.origin}/demo/page/cross-origin.html`)
    await eventually(() => text('current-value'), 'Saved: December 10, 1990', 'display')
    await record()
    const from = handlerLog.length
    await typeDate('1991-01-02')
    await saveWithEnter()
    await eventually(message, 'Saved.', 'message')
    expect(handlerSince(from).map((entry) => `${entry.method} ${entry.status}`)).toEqual([
      'OPTIONS 204',
      'POST 200',
    ])
    expect((await recorded()).events.at(-1)).toEqual({
      type: 'birthday-editor-saved',
      birthday: '1991-01-02',
      verified: true,
    })
    expect((await tokenClaims()).birthday).toBe('1991-01-02')
  })

  it('the connection fails: "Could not reach the server", the value stays, a retry saves', async () => {
    await signIn()
    // The endpoint moves to a same-origin path that the emulator's control surface drops.
    const endpoint = await script<string>(
      'return document.querySelector("birthday-editor").getAttribute("endpoint")',
    )
    await emulator().control('POST', 'faults', { path: '/v1/unreachable', drop: true, times: 1 })
    await script(
      'document.querySelector("birthday-editor").setAttribute("endpoint", "/__clerk/v1/unreachable")',
    )
    await typeDate('1991-01-02')
    await saveWithEnter()
    await eventually(message, 'Could not reach the server. Try again.', 'message')
    expect(await fieldTexts()).toEqual(isoTexts('1991-01-02'))
    expect(await text('current-value')).toBe('Saved: December 10, 1990')
    await script(
      `document.querySelector("birthday-editor").setAttribute("endpoint", ${JSON.stringify(endpoint)})`,
    )
    await saveWithEnter()
    await eventually(message, 'Saved.', 'message after the retry')
    expect((await tokenClaims()).birthday).toBe('1991-01-02')
  })

  it('the handler refuses an expired token (401) twice: the user is told, nothing is written, and it saves later', async () => {
    await signIn()
    // Tokens minted two minutes in the past: the handler (real clock) refuses them, also the retry.
    // ClerkJS's cache is refilled with one, so the first POST carries an expired token too.
    await emulator().control('PATCH', 'settings', { clockOffsetMs: -120_000 })
    await driver.executeAsyncScript(
      'const done = arguments[arguments.length - 1]; window.Clerk.session.getToken({ skipCache: true }).then(() => done(), () => done())',
    )
    const from = handlerLog.length
    await typeDate('1991-01-02')
    await saveWithEnter()
    await eventually(
      async () => (await recorded()).events.some((event) => event.type === 'birthday-editor-error'),
      true,
      'an error event',
    )
    const posts = handlerSince(from).filter((entry) => entry.method === 'POST')
    expect(posts.map((entry) => entry.status)).toEqual([401, 401])
    expect((await recorded()).events.at(-1)).toMatchObject({ code: 'unauthenticated' })
    expect(await message()).toBe('Please sign in again.')
    expect(await fieldTexts()).toEqual(isoTexts('1991-01-02'))
    expect(wireOf(await requestLog()).metadata).toBe(0)
    await emulator().control('PATCH', 'settings', { clockOffsetMs: 0 })
    await saveWithEnter()
    await eventually(message, 'Saved.', 'message after the retry')
  })

  it('the keyboard: Enter on an invalid date keeps the focus on the field, with the reason', async () => {
    await signIn()
    const from = handlerLog.length
    // The element checks the fields on Enter (its commit), as it does when focus leaves them.
    await typeDate('2999-01-01')
    await press(Key.ENTER)
    await eventually(message, 'Birthday must be in the past.', 'the reason')
    // The whole date is at fault: all three fields are marked, and the first has focus.
    expect(
      await script(
        'return [...document.querySelector("birthday-editor").shadowRoot.querySelectorAll("[part=fields] input:not([hidden])")].map((f) => f.getAttribute("aria-invalid"))',
      ),
    ).toEqual(['true', 'true', 'true'])
    expect(
      await script(
        'const r = document.querySelector("birthday-editor").shadowRoot; return document.activeElement.localName === "birthday-editor" && r.activeElement === r.querySelector("[part=fields] input:not([hidden])")',
      ),
    ).toBe(true)
    expect(handlerSince(from)).toEqual([])
    expect((await recorded()).events).toEqual([])
    expect(await text('current-value')).toBe('Saved: December 10, 1990')
  })

  it('the policy watch sees a violation (its positive control)', async () => {
    await signIn()
    await script(
      `document.head.append(Object.assign(document.createElement('style'), { textContent: 'p { color: red }' }))`,
    )
    await eventually(async () => (await violations()).length > 0, true, 'a violation')
    expect((await violations()).join('\n')).toMatch(/style-src/)
    await script('window.__violations.length = 0')
  })

  it('the demo page, at 1280 and 390 px, saved as pictures', async () => {
    await signIn()
    mkdirSync(PICTURES, { recursive: true })
    for (const width of [1280, 390]) {
      await driver.manage().window().setRect({ width, height: 900 })
      // MiniBrowser's window has a minimum width: a 390 px request gets a wider viewport (447
      // CSS px here), which the picture's name does not hide.
      const viewport = await script<number>('return innerWidth')
      const png = await driver.takeScreenshot()
      console.log(`webkit demo picture: asked ${width} px, viewport ${viewport} px`)
      writeFileSync(`${PICTURES}/demo-${width}.png`, Buffer.from(png, 'base64'))
      expect(png.length).toBeGreaterThan(1000)
    }
    await driver.manage().window().setRect({ width: 1280, height: 900 })
  })
})

/** The native-form page (`test/support/form-pages.ts`), signed in, both editors idle. */
async function openNativeForm(): Promise<void> {
  await signIn()
  await driver.get(`${demo.origin}/journey/native-form.html`)
  await eventually(
    () => script('return [...document.querySelectorAll("birthday-editor")].map((e) => e.status)'),
    ['idle', 'idle'],
    'both editors',
  )
  await record()
}

/** The form's first editor (`#bday`): its status, its three fields, and the form's `FormData`. */
const formState = () =>
  script<Record<string, unknown>>(`
    const editor = document.getElementById('bday')
    const field = (part) => editor.shadowRoot.querySelector('[part="' + part + '"]')
    return {
      status: editor.status,
      day: field('day').value,
      month: field('month').value,
      year: field('year').value,
      invalid: field('day').getAttribute('aria-invalid'),
      data: Object.fromEntries(new FormData(document.getElementById('outer'))),
    }`)

/** The part of `#bday`'s field that has focus (`''`: none). */
const focusedPart = () =>
  script<string>(
    `return document.getElementById('bday').shadowRoot.activeElement?.getAttribute('part') ?? ''`,
  )

/** Types over `#bday`'s fields, each focused and its text selected first. */
async function typeInto(texts: Partial<PartTexts>): Promise<void> {
  for (const [name, value] of Object.entries(texts)) {
    const field = await script<WebElement>(
      `return document.getElementById('bday').shadowRoot.querySelector('[part="${name}"]')`,
    )
    await script('arguments[0].focus(); arguments[0].select()', field)
    await field.sendKeys(value)
  }
}

const STORED = { day: '10', month: '12', year: '1990' }

describe('WebKit: the element as a form control, on the form journeys’ page', () => {
  it('typed with the keyboard alone (Tab between the fields), Enter submits the page’s form with the value in FormData', async () => {
    await openNativeForm()
    await script(`
      window.__submitted = []
      const form = document.getElementById('outer')
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        window.__submitted.push(Object.fromEntries(new FormData(form)))
      })
      document.getElementById('bday').shadowRoot.querySelector('[part="fields"] input:not([hidden])').focus()`)
    const texts = isoTexts('1991-01-02')
    const order: string[] = []
    for (let field = 0; field < 3; field++) {
      if (field) await press(Key.TAB)
      const part = (await focusedPart()) as DatePart
      order.push(part)
      await driver.actions().keyDown(Key.CONTROL).sendKeys('a').keyUp(Key.CONTROL).perform()
      await press(texts[part])
    }
    // The page's language is English (US): month, day, year.
    expect(order).toEqual(['month', 'day', 'year'])
    await press(Key.ENTER)
    await eventually(
      () => script('return window.__submitted'),
      [{ birthday: '1991-01-02', other: INITIAL_BIRTHDAY }],
      'the submitted FormData',
    )
  })

  it('an impossible date: reportValidity() names it and focuses the day; Reset, clicked, brings the stored birthday back; a disabled fieldset disables it', async () => {
    await openNativeForm()
    await typeInto({ day: '31', month: '2' })
    expect(
      await script(`
        const editor = document.getElementById('bday')
        return [editor.reportValidity(), editor.validity.badInput, editor.validationMessage]`),
    ).toEqual([false, true, 'Birthday must be a real date.'])
    expect(await focusedPart()).toBe('day')
    expect((await formState()).data).toEqual({ birthday: '', other: INITIAL_BIRTHDAY })
    // A real click from the driver: mousedown leaves the fields (the error shows), mouseup on Reset.
    await driver.findElement(By.css('#outer button[type="reset"]')).click()
    await eventually(
      formState,
      {
        status: 'idle',
        ...STORED,
        invalid: 'false',
        data: { birthday: INITIAL_BIRTHDAY, other: INITIAL_BIRTHDAY },
      },
      'after Reset',
    )
    await script(`document.getElementById('group').disabled = true`)
    await eventually(
      () =>
        script(
          `return [...document.getElementById('bday').shadowRoot.querySelectorAll('[part="fields"] input:not([hidden])')].map((f) => f.disabled)`,
        ),
      [true, true, true],
      'fields disabled',
    )
    expect((await formState()).data).toEqual({ other: INITIAL_BIRTHDAY })
  })

  /** Types 3 February, leaves by the link, comes back: whether the same document came back. */
  async function typeLeaveAndReturn(): Promise<{ same: boolean; navigation: string }> {
    await openNativeForm()
    await typeInto({ day: '3', month: 'Feb' })
    await script('window.__sameDocument = true')
    await driver.findElement(By.linkText('Elsewhere')).click()
    await eventually(() => script('return location.pathname'), '/journey/elsewhere.html', 'away')
    await driver.navigate().back()
    await eventually(() => script('return location.pathname'), '/journey/native-form.html', 'back')
    await eventually(
      async () => {
        const { status, day, month } = await formState()
        return { status, day, month }
      },
      { status: 'idle', day: '3', month: 'Feb' },
      'what was typed',
    )
    return {
      same: await script<boolean>('return window.__sameDocument === true'),
      navigation: await script<string>(`return performance.getEntriesByType('navigation')[0].type`),
    }
  }

  it('back/forward: WebKit keeps the page in its back/forward cache, and what the user had typed is there', async () => {
    // The same document comes back (its navigation entry is the first load's): nothing to restore.
    expect(await typeLeaveAndReturn()).toEqual({ same: true, navigation: 'navigate' })
  })

  it('back/forward with the page loaded again (page cache off): formStateRestoreCallback brings back what the user had typed', async () => {
    // WebKit keeps pages with an `unload` listener in its cache too (Chromium and Firefox do not):
    // a session with MiniBrowser's page cache turned off loads the page again instead.
    const main = driver
    const uncached = await startWebKit(1280, ['--enable-page-cache=false'])
    driver = uncached.driver
    try {
      // A new document: 3 February can only come from the restored form state (the stored
      // birthday is 10 December 1990).
      expect(await typeLeaveAndReturn()).toEqual({ same: false, navigation: 'back_forward' })
      expect(await violations()).toEqual([])
    } finally {
      driver = main
      await uncached.close()
    }
  })
})
