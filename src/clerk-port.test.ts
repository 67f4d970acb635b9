// @vitest-environment happy-dom
import type { Clerk } from '@clerk/clerk-js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type * as ClerkPortModule from './clerk-port.ts'
import type { ClerkPort } from './clerk-port.ts'
import { FakeClerk } from './testing/fake-clerk.ts'

// A real Clerk instance satisfies the port (checked by `tsc`; the import is type-only).
const realClerkFits: Clerk extends ClerkPort ? true : false = true

type Port = typeof ClerkPortModule
const KEY = 'pk_test_' + btoa('clerk.example.test$').replace(/=+$/, '')
let port: Port
let appended: HTMLScriptElement[]

beforeEach(async () => {
  // `loadClerk` keeps one load per page: each test gets a fresh module, so a fresh page state.
  vi.resetModules()
  port = await import('./clerk-port.ts')
  appended = []
  vi.spyOn(document.head, 'append').mockImplementation((...nodes) => {
    appended.push(...(nodes as HTMLScriptElement[]))
  })
})
afterEach(() => {
  document.body.replaceChildren()
  delete (window as { Clerk?: unknown }).Clerk
})

const setGlobal = (clerk: unknown) => ((window as { Clerk?: unknown }).Clerk = clerk)

describe('clerkScriptUrl', () => {
  it.each([
    [KEY, null, 'https://clerk.example.test/npm/@clerk/clerk-js@6/dist/clerk.browser.js'],
    [
      'pk_live_' + btoa('clerk.example.com$'),
      undefined,
      'https://clerk.example.com/npm/@clerk/clerk-js@6/dist/clerk.browser.js',
    ],
    [
      KEY,
      'http://localhost:4010',
      'http://localhost:4010/npm/@clerk/clerk-js@6/dist/clerk.browser.js',
    ],
    [
      KEY,
      'http://localhost:4010/__clerk/',
      'http://localhost:4010/__clerk/npm/@clerk/clerk-js@6/dist/clerk.browser.js',
    ],
    [KEY, '/__clerk', '/__clerk/npm/@clerk/clerk-js@6/dist/clerk.browser.js'],
  ])('%s with proxy %s → %s', (key, proxy, url) => {
    expect(realClerkFits).toBe(true)
    expect(port.clerkScriptUrl(key, proxy)).toBe(url)
  })
})

describe('loadClerk', () => {
  it('loads Clerk’s browser bundle by script tag, the way Clerk’s loaders do, then load()s it', async () => {
    const loading = port.loadClerk(KEY, 'http://localhost:4010/__clerk')
    expect(appended).toHaveLength(1)
    const script = appended[0]!
    expect(script.src).toBe(
      'http://localhost:4010/__clerk/npm/@clerk/clerk-js@6/dist/clerk.browser.js',
    )
    expect(script.getAttribute('data-clerk-publishable-key')).toBe(KEY)
    expect(script.getAttribute('data-clerk-proxy-url')).toBe('http://localhost:4010/__clerk')
    expect(script.getAttribute('crossorigin')).toBe('anonymous')
    const clerk = new FakeClerk()
    setGlobal(clerk) // what clerk.browser.js does when it runs
    script.dispatchEvent(new Event('load'))
    expect(await loading).toBe(clerk)
    expect(clerk.load).toHaveBeenCalledTimes(1)
    expect(clerk.loaded).toBe(true)
  })

  it('takes the script URL from clerk-js-url, and sets no proxy attribute without a proxy', () => {
    void port.loadClerk(KEY, null, '/vendor/clerk.browser.js')
    expect(new URL(appended[0]!.src).pathname).toBe('/vendor/clerk.browser.js')
    expect(appended[0]!.hasAttribute('data-clerk-proxy-url')).toBe(false)
  })

  it('shares one script and one load between all callers', async () => {
    const first = port.loadClerk(KEY)
    const second = port.loadClerk(KEY)
    expect(appended).toHaveLength(1)
    const clerk = new FakeClerk()
    setGlobal(clerk)
    appended[0]!.dispatchEvent(new Event('load'))
    expect(await first).toBe(await second)
    expect(await port.loadClerk(KEY)).toBe(clerk)
    expect(clerk.load).toHaveBeenCalledTimes(1)
  })

  it('leaves a Clerk the page has to the page: no script, no load()', async () => {
    const clerk = new FakeClerk()
    setGlobal(clerk)
    expect(await port.loadClerk(KEY)).toBeNull()
    expect(appended).toHaveLength(0)
    expect(clerk.load).not.toHaveBeenCalled()
  })

  it.each([
    ['Clerk’s own tag', KEY],
    ['a framework SDK’s injected tag', 'pk_test_other'],
  ])('leaves %s to the page, even before it has run', async (_, key) => {
    const tag = document.createElement('script')
    tag.setAttribute('data-clerk-publishable-key', key)
    document.body.append(tag)
    expect(await port.loadClerk(KEY)).toBeNull()
    expect(appended).toHaveLength(0)
  })

  it('rejects when the script fails, and tries again on the next call', async () => {
    const failed = port.loadClerk(KEY)
    appended[0]!.dispatchEvent(new Event('error'))
    const error: unknown = await failed.catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(Event)
    expect((error as Event).type).toBe('error')
    expect((error as Event).target).toBe(appended[0])
    const retry = port.loadClerk(KEY)
    expect(appended).toHaveLength(2)
    const clerk = new FakeClerk()
    setGlobal(clerk)
    appended[1]!.dispatchEvent(new Event('load'))
    await expect(retry).resolves.toBe(clerk)
  })

  it('rejects when the script loads but sets no window.Clerk, or for a key with no host', async () => {
    const loading = port.loadClerk(KEY)
    appended[0]!.dispatchEvent(new Event('load'))
    await expect(loading).rejects.toThrow('no window.Clerk')
    const error: unknown = await port.loadClerk('pk_test_%%%').catch((reason: unknown) => reason)
    // The key's host is not base64: atob's own error, and no script tag.
    expect((error as DOMException).name).toBe('InvalidCharacterError')
    expect(appended).toHaveLength(1)
  })

  it('rejects when Clerk’s load() fails', async () => {
    const loading = port.loadClerk(KEY)
    const clerk = new FakeClerk()
    clerk.load.mockRejectedValue(new Error('FAPI down'))
    setGlobal(clerk)
    appended[0]!.dispatchEvent(new Event('load'))
    await expect(loading).rejects.toThrow('FAPI down')
  })
})

describe('an editor with a publishable key', () => {
  async function editor(tag: string) {
    const { BirthdayEditorElement } = await import('./birthday-editor.ts')
    customElements.define(tag, class extends BirthdayEditorElement {})
    const el = document.createElement(tag) as InstanceType<typeof BirthdayEditorElement>
    el.setAttribute('publishable-key', KEY)
    el.setAttribute('proxy-url', '/__clerk')
    const errors: Event[] = []
    el.addEventListener('birthday-editor-error', (event) => errors.push(event))
    document.body.append(el)
    return { el, errors }
  }

  it('loads Clerk itself and then follows it', async () => {
    const { el } = await editor('birthday-editor-keyed')
    expect(el.status).toBe('loading')
    expect(appended[0]!.getAttribute('data-clerk-proxy-url')).toBe('/__clerk')
    const clerk = new FakeClerk()
    clerk.load.mockImplementation(async () => {
      clerk.signIn('user_1', '1990-12-10')
    })
    setGlobal(clerk)
    appended[0]!.dispatchEvent(new Event('load'))
    await vi.waitFor(() => expect(el.status).toBe('idle'))
    expect(el.value).toBe('1990-12-10')
    expect(el.clerk).toBe(clerk)
  })

  it('starts loading when publishable-key is set after connecting', async () => {
    const { BirthdayEditorElement } = await import('./birthday-editor.ts')
    customElements.define('birthday-editor-late', class extends BirthdayEditorElement {})
    const el = document.createElement('birthday-editor-late')
    document.body.append(el)
    expect(appended).toHaveLength(0)
    el.setAttribute('publishable-key', KEY)
    expect(appended).toHaveLength(1)
    expect(appended[0]!.src).toBe(
      'https://clerk.example.test/npm/@clerk/clerk-js@6/dist/clerk.browser.js',
    )
  })

  it('reports when Clerk cannot be loaded', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { el, errors } = await editor('birthday-editor-unloadable')
    appended[0]!.dispatchEvent(new Event('error'))
    await vi.waitFor(() => expect(el.status).toBe('error'))
    const message = 'Sign-in is not available right now. Reload the page to try again.'
    expect(errors).toMatchObject([{ code: 'clerk', message }])
    expect(warn.mock.calls).toEqual([
      [expect.stringContaining("no usable Clerk: its load failed. Clerk's own error says why")],
    ])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).toBe(message)
    for (const part of ['day', 'month', 'year'])
      expect(el.shadowRoot!.querySelector<HTMLInputElement>(`[part="${part}"]`)!.disabled).toBe(
        true,
      )
  })
})
