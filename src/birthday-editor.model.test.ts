// @vitest-environment happy-dom
/**
 * Model-based test of the element (fast-check `commands`): random sequences of what users, the
 * network, Clerk and other tabs do, with the fake Clerk and a fake server whose answers the commands
 * choose. After every step: the typed value is never lost, at most one request is in flight, a
 * disabled button never acts, busy means both buttons are off, and after settling the displayed
 * saved value equals the server's. No unhandled rejection anywhere.
 *
 * Failures it found are kept as plain tests at the end, with their seeds.
 */
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BirthdayEditorElement } from './birthday-editor.ts'
import './define.ts'
import { isoTexts, PARTS, readEntry } from './memorable-date.ts'
import type { DatePart } from './memorable-date.ts'
import { FakeClerk, respond } from './testing/fake-clerk.ts'
import { warned } from './warn.ts'

const DATES = ['1990-12-10', '1991-02-03', '1975-03-04', '2000-02-29'] as const
const FIRST = DATES[0]

const formatted = (iso: string | null) =>
  iso === null
    ? 'None saved.'
    : 'Saved: ' +
      new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: 'UTC' }).format(
        new Date(iso),
      )

interface Pending {
  birthday: string | null | undefined
  answer(reply: Response | Error): void
}

/** The world: the element, the fake Clerk, and the server whose answers the commands give. */
class World {
  readonly clerk = new FakeClerk()
  readonly pending: Pending[] = []
  /** The server's stored birthday. */
  stored: string | null = FIRST
  online = true
  el!: BirthdayEditorElement
  requests = 0
  other = new BroadcastChannel('birthday-editor')

  async mount() {
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => this.online })
    vi.stubGlobal('fetch', (_url: string, init?: RequestInit) => {
      this.requests++
      return new Promise<Response>((resolve, reject) => {
        const body = init?.body
          ? (JSON.parse(String(init.body)) as { birthday: string | null })
          : undefined
        const entry: Pending = {
          birthday: body?.birthday,
          answer: (reply) => {
            this.pending.splice(this.pending.indexOf(entry), 1)
            if (reply instanceof Error) return reject(reply)
            if (reply.ok && body) this.store(body.birthday)
            resolve(reply)
          },
        }
        this.pending.push(entry)
        init?.signal?.addEventListener('abort', () => {
          if (this.pending.includes(entry)) this.pending.splice(this.pending.indexOf(entry), 1)
          reject(new DOMException('aborted', 'AbortError'))
        })
      })
    })
    this.clerk.signIn('user_1', this.stored)
    this.el = document.createElement('birthday-editor')
    this.el.timeout = 600_000
    this.el.clerk = this.clerk
    document.body.append(this.el)
    await this.flush()
  }

  store(birthday: string | null) {
    this.stored = birthday
    this.clerk.birthday = birthday
  }

  part<T extends HTMLElement = HTMLElement>(name: string) {
    return this.el.shadowRoot!.querySelector<T>(`[part="${name}"]`)!
  }
  field(part: DatePart) {
    return this.part<HTMLInputElement>(part)
  }
  /** The three fields' texts, day/month/year. */
  get texts() {
    return PARTS.map((part) => this.field(part).value).join('/')
  }
  /** The date the fields hold (`''`: empty), or `undefined` while they hold a partial one. */
  get iso() {
    const [day = '', month = '', year = ''] = this.texts.split('/')
    return readEntry({ day, month, year }, 'en').iso
  }
  get locked() {
    return this.field('day').disabled || this.field('day').readOnly
  }
  get saveButton() {
    return this.part<HTMLButtonElement>('save-button')
  }
  get removeButton() {
    return this.part<HTMLButtonElement>('remove-button')
  }
  get current() {
    return this.part('current-value').textContent
  }

  flush() {
    return vi.advanceTimersByTimeAsync(0)
  }
}

/** What the test knows and expects. */
interface Model {
  signedIn: boolean
  /**
   * What the user put in the fields (their texts, day/month/year) and the date it means (`null`
   * after Remove, `undefined` while partial), when it differed from the saved value shown then: it
   * must stay until the user changes it.
   */
  typed: { texts: string; iso: string | null | undefined } | null
}

/** A user's event on a field: `input` as they type, `change` as they leave it. */
const fire = (field: HTMLElement, type: string) =>
  field.dispatchEvent(new Event(type, { bubbles: true }))

type Command = fc.AsyncCommand<Model, World>

/**
 * The user enters a date: field by field (leading zeros or not, a month by name), or pasted whole
 * into one field.
 */
class TypeDate implements Command {
  readonly date: string
  readonly how: 'fields' | 'zeros' | 'name' | 'paste'
  constructor(date: string, how: TypeDate['how'] = 'fields') {
    this.date = date
    this.how = how
  }
  check = () => true
  async run(model: Model, world: World) {
    if (world.locked || !model.signedIn) return
    // While saving, the current value shows the value being saved, not a saved one.
    const shown = world.el.status === 'saving' ? undefined : world.current
    const texts = isoTexts(this.date)
    if (this.how === 'paste') {
      const paste = new Event('paste', { bubbles: true, cancelable: true })
      Object.assign(paste, { clipboardData: { getData: () => this.date } })
      world.field('month').dispatchEvent(paste)
      // Not pasted (an element that ignored it): the browser would put the text in the field.
      if (!paste.defaultPrevented) world.field('month').value = this.date
    } else {
      if (this.how === 'zeros') texts.day = texts.day.padStart(2, '0')
      if (this.how === 'name')
        texts.month = new Intl.DateTimeFormat('en', { month: 'short', timeZone: 'UTC' }).format(
          new Date(this.date),
        )
      for (const part of PARTS) {
        world.field(part).value = texts[part]
        fire(world.field(part), 'input')
        fire(world.field(part), 'change')
      }
      // Leaving the fields commits what they hold.
      world
        .field('year')
        .dispatchEvent(new FocusEvent('focusout', { bubbles: true, relatedTarget: null }))
    }
    await world.flush()
    model.typed = formatted(this.date) === shown ? null : { texts: world.texts, iso: this.date }
  }
  toString = () => `type(${this.date}, ${this.how})`
}

/** The user empties one field and leaves the group: the date is partial, and says so. */
class ClearField implements Command {
  readonly part: DatePart
  constructor(part: DatePart) {
    this.part = part
  }
  check = () => true
  async run(model: Model, world: World) {
    const field = world.field(this.part)
    if (world.locked || !model.signedIn || !field.value) return
    field.value = ''
    fire(field, 'input')
    fire(field, 'change')
    field.dispatchEvent(new FocusEvent('focusout', { bubbles: true, relatedTarget: null }))
    await world.flush()
    const iso = world.iso
    model.typed = { texts: world.texts, iso: iso === '' ? null : iso }
  }
  toString = () => `clear(${this.part})`
}

class Click implements Command {
  readonly button: 'save' | 'remove'
  constructor(button: 'save' | 'remove') {
    this.button = button
  }
  check = () => true
  async run(model: Model, world: World) {
    const button = this.button === 'save' ? world.saveButton : world.removeButton
    const before = world.requests
    const status = world.el.status
    const disabled = button.disabled || !model.signedIn
    // `click()` on the form's submit button submits the form, as a user's click does.
    button.click()
    await world.flush()
    if (disabled) {
      expect(world.requests, 'a disabled button acted').toBe(before)
      expect(world.el.status).toBe(status)
    } else if (this.button === 'remove') model.typed = { texts: '//', iso: null } // "no birthday"
  }
  toString = () => `click(${this.button})`
}

class Answer implements Command {
  readonly reply: 'ok' | 'server' | 'rate-limited' | 'busy' | 'network'
  constructor(reply: 'ok' | 'server' | 'rate-limited' | 'busy' | 'network') {
    this.reply = reply
  }
  check = () => true
  async run(_model: Model, world: World) {
    const request = world.pending[0]
    if (!request) return
    request.answer(
      this.reply === 'ok'
        ? respond(200, { birthday: request.birthday ?? world.stored })
        : this.reply === 'server'
          ? respond(500)
          : this.reply === 'rate-limited'
            ? respond(429, {}, { 'retry-after': '2' })
            : this.reply === 'busy'
              ? respond(409, {}, { 'retry-after': '1' })
              : new TypeError('fetch failed'),
    )
    await world.flush()
  }
  toString = () => `answer(${this.reply})`
}

class Network implements Command {
  readonly online: boolean
  constructor(online: boolean) {
    this.online = online
  }
  check = () => true
  async run(_model: Model, world: World) {
    world.online = this.online
    window.dispatchEvent(new Event(this.online ? 'online' : 'offline'))
    await world.flush()
  }
  toString = () => (this.online ? 'online' : 'offline')
}

class Session implements Command {
  readonly signIn: boolean
  constructor(signIn: boolean) {
    this.signIn = signIn
  }
  check = (model: Readonly<Model>) => model.signedIn !== this.signIn
  async run(model: Model, world: World) {
    if (this.signIn) world.clerk.signIn('user_1', world.stored)
    else world.clerk.signOut()
    model.signedIn = this.signIn
    model.typed = null
    await world.flush()
  }
  toString = () => (this.signIn ? 'sign-in' : 'sign-out')
}

/** Clerk refreshes the session token (it does so every minute, or another tab made it). */
class TokenRefresh implements Command {
  check = (model: Readonly<Model>) => model.signedIn
  async run(_model: Model, world: World) {
    world.clerk.session?.hold(world.clerk.mint())
    await world.flush()
  }
  toString = () => 'token-refresh'
}

/** Another tab saves a date: the server stores it and that tab tells the others. */
class OtherTabSave implements Command {
  readonly date: string | null
  constructor(date: string | null) {
    this.date = date
  }
  check = () => true
  async run(_model: Model, world: World) {
    world.store(this.date)
    world.other.postMessage({ subject: 'user_1', birthday: this.date })
    await vi.advanceTimersByTimeAsync(1)
  }
  toString = () => `other-tab(${this.date})`
}

/** Time passes: 2 s (backoffs, Retry-After, the 5 s budget after some of these). */
class Wait implements Command {
  check = () => true
  async run(_model: Model, world: World) {
    await vi.advanceTimersByTimeAsync(2000)
    await world.flush()
  }
  toString = () => 'wait(2s)'
}

/**
 * Everything settles: back online, every request answered, time passes, Clerk refreshes the
 * token once; then the displayed saved value is the server's.
 */
class Settle implements Command {
  check = () => true
  async run(model: Model, world: World) {
    world.online = true
    window.dispatchEvent(new Event('online'))
    for (let round = 0; round < 20; round++) {
      await vi.advanceTimersByTimeAsync(3000)
      const request = world.pending[0]
      if (request) request.answer(respond(200, { birthday: request.birthday }))
    }
    if (model.signedIn) world.clerk.session?.hold(world.clerk.mint())
    await vi.advanceTimersByTimeAsync(6000)
    expect(world.pending).toEqual([])
    if (model.signedIn) {
      expect(['idle', 'saved', 'error']).toContain(world.el.status)
      expect(world.current, 'the displayed saved value is the server’s').toBe(
        formatted(world.stored),
      )
      if (model.typed === null || model.typed.iso === world.stored)
        expect(world.iso).toBe(world.stored ?? '')
    }
  }
  toString = () => 'settle'
}

/** What must hold after every step. */
function invariants(model: Model, world: World) {
  expect(world.pending.length, 'requests in flight').toBeLessThanOrEqual(1)
  if (model.signedIn && model.typed !== null)
    expect(world.texts, 'the typed value is lost').toBe(model.typed.texts)
  const status = world.el.status
  if (status === 'saving' || status === 'refreshing') {
    expect(world.saveButton.disabled).toBe(true)
    expect(world.removeButton.disabled).toBe(true)
  }
  if (model.signedIn && status !== 'loading' && status !== 'saving') {
    if (world.current === 'None saved.') expect(world.removeButton.disabled).toBe(true)
    const iso = world.iso
    if (iso !== undefined && formatted(iso || null) === world.current)
      expect(world.saveButton.disabled, 'save enabled for the saved value').toBe(true)
  }
}

const commands = fc.commands(
  [
    fc
      .tuple(fc.constantFrom(...DATES), fc.constantFrom('fields', 'zeros', 'name', 'paste'))
      .map(([date, how]) => new TypeDate(date, how as TypeDate['how'])),
    fc.constantFrom(...PARTS).map((part) => new ClearField(part)),
    fc.constantFrom('save', 'remove').map((button) => new Click(button as 'save' | 'remove')),
    fc
      .constantFrom('ok', 'ok', 'server', 'rate-limited', 'busy', 'network')
      .map((reply) => new Answer(reply as Answer['reply'])),
    fc.boolean().map((online) => new Network(online)),
    fc.boolean().map((signIn) => new Session(signIn)),
    fc.constant(new TokenRefresh()),
    fc.constantFrom<string | null>(...DATES, null).map((date) => new OtherTabSave(date)),
    fc.constant(new Wait()),
    fc.constant(new Settle()),
  ],
  { maxCommands: 25 },
)

/** Runs one sequence against a fresh world; each step is followed by the invariants. */
async function runSequence(sequence: Iterable<Command>) {
  const world = new World()
  const rejections: unknown[] = []
  const onRejection = (reason: unknown) => rejections.push(reason)
  process.on('unhandledRejection', onRejection)
  try {
    await world.mount()
    const model: Model = { signedIn: true, typed: null }
    const checked = [...sequence].flatMap((command) => [command, new Invariants()])
    await fc.asyncModelRun(() => ({ model, real: world }), [...checked, new Settle()])
    await vi.advanceTimersByTimeAsync(0)
    expect(rejections, 'unhandled rejections').toEqual([])
  } finally {
    process.off('unhandledRejection', onRejection)
    world.other.close()
    world.el.remove()
  }
}

class Invariants implements Command {
  check = () => true
  async run(model: Model, world: World) {
    invariants(model, world)
    // Once the field holds the saved value, the element treats it as untouched (it follows saves
    // from elsewhere), and so does the model.
    const shown = world.el.status === 'saving' ? undefined : world.current
    const typed = model.typed
    if (typed && typed.iso !== undefined && formatted(typed.iso) === shown) model.typed = null
  }
  toString = () => '✓'
}

beforeEach(() => {
  vi.useFakeTimers()
  warned.clear()
  document.body.replaceChildren()
})
afterEach(() => {
  document.body.replaceChildren()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('the element under random sequences of actions', () => {
  // `MODEL_RUNS=3000` searches harder (seconds per thousand runs).
  it('keeps its screens consistent', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(commands, (sequence) => runSequence(sequence)),
      { numRuns: Number(process.env.MODEL_RUNS) || 150, verbose: 1 },
    )
  })
})

/**
 * Each found by `fc.assert` with the seed named, then fixed. The first, fifth and sixth fail on the
 * element as it was before this test existed; the second to fourth appeared once the first was fixed
 * (a save's own success no longer overwrites the field) and guard that fix's interplay with retries.
 */
describe('failures the model found (kept as plain tests; seeds from fast-check)', () => {
  it.each<[string, Command[]]>([
    [
      'seed 214630409: typing the old value during a Remove was undone when the Remove was stored',
      [new Click('remove'), new TypeDate('1990-12-10'), new Answer('ok')],
    ],
    [
      'seed 1559601869: a failed Remove was retried after Retry-After over the date typed since',
      [new Click('remove'), new TypeDate('1990-12-10'), new Answer('rate-limited')],
    ],
    [
      'seed -837182616: a Remove that failed on the network was retried over the date typed since',
      [
        new Click('remove'),
        new TypeDate('1990-12-10'),
        new Answer('network'),
        new OtherTabSave('1990-12-10'),
      ],
    ],
    [
      'seed -585089568: a Remove queued offline was sent after the field had followed another tab',
      [
        new Network(false),
        new Click('remove'),
        new OtherTabSave(null),
        new OtherTabSave('1990-12-10'),
      ],
    ],
    [
      'seed -1594712533: another tab’s save during a save that then failed was never shown',
      [
        new Click('remove'),
        new OtherTabSave('1991-02-03'),
        new TokenRefresh(),
        new Answer('server'),
      ],
    ],
    [
      'seed 1717933527: a save dropped by sign-out kept its request in flight beside the next one',
      [new Click('remove'), new Session(false), new Session(true), new Click('remove')],
    ],
    [
      'seed 1838826058: another tab’s save during a failed Remove overwrote the date typed since',
      [
        new Click('remove'),
        new TypeDate('1990-12-10'),
        new OtherTabSave('2000-02-29'),
        new Answer('server'),
      ],
    ],
  ])('%s', async (_, sequence) => {
    await runSequence(sequence)
  })
})
