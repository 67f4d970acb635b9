// @vitest-environment happy-dom
/**
 * A Clerk the element cannot use: a Vue `ref()`/`reactive()` Proxy of a Clerk with private fields
 * (as ClerkJS's are), a foreign object, one that breaks after it was found. The element never throws
 * out of a timer or a listener, leaves no listener behind, shows the "not available" message, fires
 * `clerk`, and warns once naming the cause and the fix. The page's own Clerk keeps working.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { markRaw, reactive, ref, shallowRef } from 'vue'
import type { BirthdayEditorElement } from './birthday-editor.ts'
import type { ClerkPort, ClerkSession } from './clerk-port.ts'
import { clerkProblem } from './clerk-port.ts'
import './define.ts'
import type { BirthdayEditorErrorEvent } from './events.ts'
import { fakeJwt } from './testing/fake-clerk.ts'
import { warned } from './warn.ts'

const USER_MESSAGE = 'Sign-in is not available right now. Reload the page to try again.'

/**
 * Shaped as ClerkJS 6 is: state in private fields read by getters, `addListener` an arrow field
 * (so it works through a Proxy, where the getters do not), listeners called in turn by a plain loop
 * (one that throws stops the ones after it), an initial call when a client is already there.
 */
class PrivateClerk implements ClerkPort {
  #status = 'loading'
  #session: ClerkSession | null = null
  #listeners: Array<() => void> = []
  #statusHandlers: Array<() => void> = []
  get loaded() {
    return this.#status === 'ready'
  }
  get status() {
    return this.#status
  }
  get session() {
    return this.#session
  }
  get user() {
    return this.#session ? { reload: async () => null } : null
  }
  get listenerCount() {
    return this.#listeners.length + this.#statusHandlers.length
  }
  addListener = (listener: () => void) => {
    this.#listeners.push(listener)
    if (this.#status === 'ready') listener()
    return () => void (this.#listeners = this.#listeners.filter((l) => l !== listener))
  }
  on = (_event: 'status', handler: () => void) => void this.#statusHandlers.push(handler)
  off = (_event: 'status', handler: () => void) =>
    void (this.#statusHandlers = this.#statusHandlers.filter((h) => h !== handler))
  load = async () => {
    this.#status = 'ready'
    this.#emit()
  }
  signIn(birthday = '1990-12-10') {
    const jwt = fakeJwt({ sub: 'user_1', iat: 1, exp: 2e9, birthday })
    this.#session = {
      lastActiveToken: { getRawString: () => jwt },
      getToken: async () => jwt,
    }
    this.#emit()
  }
  #emit() {
    for (const listener of this.#listeners) listener()
    for (const handler of this.#statusHandlers) handler()
  }
}

let warn: ReturnType<typeof vi.spyOn>
let uncaught: unknown[]
const onError = (event: ErrorEvent) => uncaught.push(event.error)

function editor(clerk?: unknown) {
  const el = document.createElement('birthday-editor')
  const errors: BirthdayEditorErrorEvent[] = []
  el.addEventListener('birthday-editor-error', (event) => errors.push(event))
  if (clerk !== undefined) el.clerk = clerk as ClerkPort
  document.body.append(el)
  return { el, errors }
}
const message = (el: BirthdayEditorElement) =>
  el.shadowRoot!.querySelector('[part="message"]')!.textContent

/**
 * An editor given `clerk` (none: `window.Clerk`) that refuses it: after the 10 s wait, an error
 * status, one `clerk` error event, a warning containing `warning`, and nothing uncaught.
 */
async function expectRefused(clerk: unknown, warning: string) {
  const { el, errors } = editor(clerk)
  await vi.advanceTimersByTimeAsync(10_000)
  expect(el.status).toBe('error')
  expect(errors).toMatchObject([{ code: 'clerk' }])
  expect((warn.mock.calls[0] as [string])[0]).toContain(warning)
  expect(uncaught).toEqual([])
  return el
}

/** What the page does with its own Clerk: follows it with a listener of its own. */
function pageFollows(clerk: PrivateClerk) {
  const seen: Array<ClerkSession | null> = []
  clerk.addListener(() => seen.push(clerk.session))
  return seen
}

beforeEach(() => {
  vi.useFakeTimers()
  warned.clear()
  uncaught = []
  window.addEventListener('error', onError)
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => {
  window.removeEventListener('error', onError)
  document.body.replaceChildren()
  vi.useRealTimers()
  delete (window as { Clerk?: unknown }).Clerk
})

describe.each([
  ['ref()', (clerk: PrivateClerk) => ref(clerk).value],
  ['reactive()', (clerk: PrivateClerk) => reactive(clerk)],
])('a Clerk kept in Vue’s %s', (_name, wrap) => {
  it('is refused at once, with the message, the clerk event and one warning naming the fix', async () => {
    const clerk = new PrivateClerk()
    const { el, errors } = editor(wrap(clerk))
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('error')
    expect(message(el)).toBe(USER_MESSAGE)
    expect(errors).toMatchObject([{ code: 'clerk', message: USER_MESSAGE }])
    expect(warn).toHaveBeenCalledTimes(1)
    const text = (warn.mock.calls[0] as [string])[0]
    expect(text).toContain('Vue reactive Proxy')
    expect(text).toContain('private')
    expect(text).toContain('shallowRef()')
    expect(text).toContain('markRaw()')
    expect(text).toContain('window.Clerk')
  })

  it('leaves no listener on Clerk, throws nothing later, and the page’s Clerk keeps updating', async () => {
    const clerk = new PrivateClerk()
    const { el, errors } = editor(wrap(clerk))
    await vi.advanceTimersByTimeAsync(0)
    expect(clerk.listenerCount).toBe(0)
    const seen = pageFollows(clerk)
    await clerk.load()
    clerk.signIn()
    await vi.advanceTimersByTimeAsync(15_000)
    expect(seen.at(-1)).toBe(clerk.session)
    expect(seen.at(-1)).not.toBeNull()
    expect(uncaught).toEqual([])
    expect(errors).toHaveLength(1)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(el.status).toBe('error')
  })

  it('recovers when given the same Clerk through shallowRef() or markRaw()', async () => {
    const clerk = new PrivateClerk()
    await clerk.load()
    clerk.signIn('1985-01-02')
    const { el } = editor(wrap(clerk))
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('error')
    el.clerk = shallowRef(clerk).value
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    expect(el.value).toBe('1985-01-02')
    el.clerk = markRaw(clerk)
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    expect(clerk.listenerCount).toBe(2)
  })
})

describe('a Clerk that serves', () => {
  it('through shallowRef(): followed through loading and sign-in, one listener each', async () => {
    const clerk = new PrivateClerk()
    const { el, errors } = editor(shallowRef(clerk).value)
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('loading')
    const seen = pageFollows(clerk)
    await clerk.load()
    clerk.signIn('2000-02-29')
    await vi.advanceTimersByTimeAsync(15_000)
    expect(el.status).toBe('idle')
    expect(el.value).toBe('2000-02-29')
    expect(seen.at(-1)).toBe(clerk.session)
    expect(errors).toEqual([])
    expect(warn).not.toHaveBeenCalled()
  })

  it('as a reactive() Proxy of a plain object (no private fields): usable', async () => {
    const plain = new PrivateClerk()
    await plain.load()
    plain.signIn()
    const clerk = reactive({
      loaded: true,
      status: 'ready',
      session: plain.session,
      user: null,
      addListener: plain.addListener,
    })
    expect(clerkProblem(clerk)).toBe('')
  })
})

describe('a window.Clerk kept in a Vue reactive Proxy', () => {
  it('is refused with the same warning, and nothing registered', async () => {
    const clerk = new PrivateClerk()
    ;(window as { Clerk?: unknown }).Clerk = reactive(clerk)
    await expectRefused(undefined, 'shallowRef()')
    expect(clerk.listenerCount).toBe(0)
  })
})

describe('a foreign object', () => {
  it.each([
    ['a plain object', {}],
    ['an addListener that is not a function', { loaded: true, addListener: 'yes' }],
    ['a string', 'Clerk'],
    ['a class rather than an instance', PrivateClerk],
  ])('%s: refused as not a Clerk', async (_name, clerk) => {
    const el = await expectRefused(clerk, 'it is not a Clerk (no addListener())')
    expect(message(el)).toBe(USER_MESSAGE)
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('a Proxy that throws on every read: refused, naming what it threw', async () => {
    const clerk = new Proxy(
      {},
      {
        get() {
          throw new TypeError('no reads here')
        },
      },
    )
    await expectRefused(clerk, 'reading it threw (TypeError: no reads here)')
  })

  it('an addListener that throws: refused, with nothing left registered', async () => {
    const clerk = new PrivateClerk()
    await clerk.load()
    clerk.addListener = () => {
      throw new Error('listeners are closed')
    }
    await expectRefused(clerk, 'it threw (Error: listeners are closed)')
    expect(clerk.listenerCount).toBe(0)
  })
})

describe('a Clerk that breaks after it was found', () => {
  it('a getter that starts throwing: the element lets go, and the page’s listener after it still runs', async () => {
    const clerk = new PrivateClerk()
    await clerk.load()
    clerk.signIn()
    const { el, errors } = editor(clerk)
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    let pageCalls = 0
    clerk.addListener(() => pageCalls++)
    const broken = new Error('half-loaded')
    Object.defineProperty(clerk, 'session', {
      get() {
        throw broken
      },
    })
    // Clerk's next round of listeners: ours meets the throw and lets go; the page's still runs.
    await clerk.load()
    expect(pageCalls).toBe(2)
    expect(el.status).toBe('error')
    expect(errors).toMatchObject([{ code: 'clerk' }])
    expect((warn.mock.calls[0] as [string])[0]).toContain('it threw (Error: half-loaded)')
    expect(clerk.listenerCount).toBe(1) // the page's only
    expect(uncaught).toEqual([])
  })

  it('a session that throws when the user saves: no uncaught error, the clerk message, let go', async () => {
    const clerk = new PrivateClerk()
    await clerk.load()
    clerk.signIn()
    const { el, errors } = editor(clerk)
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('idle')
    Object.defineProperty(clerk, 'session', {
      get() {
        throw new Error('gone')
      },
    })
    el.value = '1991-01-02'
    await expect(el.save()).resolves.toBeNull()
    el.shadowRoot!.querySelector('form')!.requestSubmit()
    await vi.advanceTimersByTimeAsync(0)
    expect(el.status).toBe('error')
    expect(message(el)).toBe(USER_MESSAGE)
    expect(errors).toMatchObject([{ code: 'clerk' }])
    expect((warn.mock.calls[0] as [string])[0]).toContain('it threw (Error: gone)')
    expect(clerk.listenerCount).toBe(0)
    expect(uncaught).toEqual([])
  })
})
