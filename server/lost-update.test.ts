/**
 * Integration: no late write ever lands over a newer save. `@clerk/backend` cannot cancel a request,
 * so a metadata write that outlives the handler's deadline (504) is abandoned and still lands later.
 * Driven through the emulator's faults (a write delayed past the deadline), over real HTTP, with
 * the handler served by `node.ts`: a single user, a retry's second attempt, the wait bound (409),
 * 8 users at once (the sequence every store's test runs, `server/testing/lost-update.ts`), and 40
 * users at concurrency 16. The stored value must always be the last one each client was
 * answered 200 for. A control run with a store that does not order writes shows the fault is real.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../emulator/node/start.ts'
import { createBirthdayHandler, type BirthdayHandlerOptions } from './handler.ts'
import { startServer, type StartedServer } from './node/start.ts'
import { control } from '../emulator/testing/control.ts'
import { counters, type EmulatorSession } from './testing/emulator-client.ts'
import {
  DEADLINE_MS,
  expectLateWritesNeverWin,
  LATE_MS,
  METADATA,
  storedBirthday,
} from './testing/lost-update.ts'
import { saveRequest } from './testing/save-request.ts'
import { seededUsers, signInSeeded } from './testing/seeded-users.ts'
import type { WriteOrderStore } from './write-order.ts'

const ORIGIN = 'http://app.test'
const PATH = '/api/update-user-metadata'
/** Under load the late writes land later, after their clients' newer saves have been answered. */
const LOAD_LATE_MS = 4_000
const USERS = 40
const CONCURRENCY = 16

let emu: StartedEmulator
const servers: StartedServer[] = []
let sessions: EmulatorSession[] = []

beforeAll(async () => {
  emu = await startEmulator({
    users: seededUsers(USERS),
    metadataWriteLimit: { max: 10_000, windowMs: 10_000 },
  })
  sessions = await signInSeeded(emu.config.proxyUrl, ORIGIN, USERS)
}, 60_000)

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
  await emu.close()
})

beforeEach(async () => {
  await control(emu.config.proxyUrl, 'DELETE', 'faults')
})

async function serve(overrides: Partial<BirthdayHandlerOptions> = {}): Promise<StartedServer> {
  const server = await startServer({
    handler: createBirthdayHandler({
      secretKey: emu.config.secretKey,
      jwtKey: emu.config.jwtKey,
      apiUrl: emu.config.apiUrl,
      allowedOrigins: [ORIGIN],
      rateLimit: { max: 10_000, windowMs: 10_000 },
      upstreamTimeoutMs: DEADLINE_MS,
      logger: () => undefined,
      ...overrides,
    }),
    port: 0,
  })
  servers.push(server)
  return server
}

async function fault(spec: Record<string, unknown>) {
  await control(emu.config.proxyUrl, 'POST', 'faults', { method: 'PATCH', path: METADATA, ...spec })
}

async function save(
  server: StartedServer,
  session: EmulatorSession,
  birthday: string,
  token?: string,
) {
  const response = await fetch(
    `${server.url}${PATH}`,
    await saveRequest(session, birthday, ORIGIN, token),
  )
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as unknown,
  }
}

async function read(server: StartedServer, session: EmulatorSession): Promise<unknown> {
  const response = await fetch(`${server.url}${PATH}`, {
    headers: { Authorization: `Bearer ${await session.mint()}`, Origin: ORIGIN },
  })
  return ((await response.json()) as { birthday: unknown }).birthday
}

/** What the Backend API itself has stored (not through the handler). */
const stored = (session: EmulatorSession) => storedBirthday(emu.config, session)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Orders nothing: every save writes at once (what the handler did before write ordering). */
const unordered: WriteOrderStore = {
  acquire: async () => ({ release: () => undefined }),
}

/**
 * 40 users, each a client saving in turn (at least three saves, then until one is answered 200),
 * at most 16 requests in flight in all; the first 12 writes land late. Returns, per user, the last
 * value answered 200 and the value stored once every late write has landed.
 */
async function saveUnderLoad(server: StartedServer) {
  const tokens = await Promise.all(sessions.map((session) => session.mint()))
  await fault({ delayMs: LOAD_LATE_MS, times: 12 })
  let free = CONCURRENCY
  const queue: (() => void)[] = []
  async function limited<T>(run: () => Promise<T>): Promise<T> {
    if (free === 0) await new Promise<void>((resolve) => queue.push(resolve))
    else free -= 1
    try {
      return await run()
    } finally {
      const next = queue.shift()
      if (next) next()
      else free += 1
    }
  }
  const statuses: number[] = []
  const lastOk = await Promise.all(
    sessions.map(async (session, user) => {
      let last: string | null = null
      for (let step = 0; step < 10; step += 1) {
        const day = String((user % 28) + 1).padStart(2, '0')
        const birthday = `20${String(step).padStart(2, '0')}-01-${day}`
        const answer = await limited(() => save(server, session, birthday, tokens[user]))
        statuses.push(answer.status)
        if (answer.status === 200) last = birthday
        if (step >= 2 && answer.status === 200) break
      }
      return last
    }),
  )
  // Every late write has landed by now.
  await sleep(LOAD_LATE_MS)
  const final = await Promise.all(sessions.map((session) => stored(session)))
  return { statuses, lastOk, final }
}

describe('a write that outlives its deadline never lands over a newer save', () => {
  it('control: without ordering, the late write wins (the fault reproduces)', async () => {
    const server = await serve({ writeOrderStore: unordered })
    const [user] = sessions as [EmulatorSession]
    await fault({ delayMs: LATE_MS })
    expect((await save(server, user, '1981-01-01')).status).toBe(504)
    expect((await save(server, user, '1982-02-02')).status).toBe(200)
    await sleep(LATE_MS)
    expect(await stored(user)).toBe('1981-01-01')
  }, 15_000)

  it('single user: 504, then a newer save waits for the late write and wins', async () => {
    const server = await serve()
    const user = sessions[1] as EmulatorSession
    await fault({ delayMs: LATE_MS })
    const started = Date.now()
    const first = await save(server, user, '1981-01-01')
    expect(first.status).toBe(504)
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000)
    const second = await save(server, user, '1982-02-02')
    expect(second).toMatchObject({ status: 200, body: { birthday: '1982-02-02' } })
    // The newer save was written after the late one had landed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(LATE_MS)
    expect(await read(server, user)).toBe('1982-02-02')
    await sleep(LATE_MS)
    expect(await read(server, user)).toBe('1982-02-02')
    expect(await stored(user)).toBe('1982-02-02')
  }, 15_000)

  it("a retry's second attempt that outlives the deadline is waited for too", async () => {
    const server = await serve()
    const user = sessions[2] as EmulatorSession
    // The first attempt fails (retried), the second is delayed past the deadline.
    await fault({ status: 500 })
    await fault({ delayMs: LATE_MS })
    const patches = async () =>
      (await counters(emu.config.proxyUrl)).routes['PATCH /api/v1/users/:id/metadata'] ?? 0
    const patchesBefore = await patches()
    expect((await save(server, user, '1983-03-03')).status).toBe(504)
    expect((await save(server, user, '1984-04-04')).status).toBe(200)
    await sleep(LATE_MS)
    expect(await stored(user)).toBe('1984-04-04')
    // Two attempts of the first save (the 500 and the late one), then one of the second.
    expect((await patches()) - patchesBefore).toBe(3)
  }, 15_000)

  it('past the wait bound: 409 save_in_progress with Retry-After, nothing written', async () => {
    const server = await serve({ writeWaitMs: 300 })
    const user = sessions[3] as EmulatorSession
    await fault({ delayMs: LATE_MS })
    const writesBefore = (await counters(emu.config.proxyUrl)).bapiWrites
    expect((await save(server, user, '1985-05-05')).status).toBe(504)
    const busy = await save(server, user, '1986-06-06')
    expect(busy.status).toBe(409)
    expect(busy.headers.get('retry-after')).toBe('2')
    expect(busy.body).toEqual({
      error: { code: 'save_in_progress', message: 'still saving the previous change' },
    })
    await sleep(LATE_MS)
    // Only the late write was made: the refused save wrote nothing.
    expect(await stored(user)).toBe('1985-05-05')
    expect((await counters(emu.config.proxyUrl)).bapiWrites - writesBefore).toBe(1)
    // The late write has landed: the next save goes straight through and stays.
    expect((await save(server, user, '1987-07-07')).status).toBe(200)
    expect(await stored(user)).toBe('1987-07-07')
  }, 15_000)

  it('8 users at once, the memory store: a write answered 504 never lands over the newer 200', async () => {
    const server = await serve()
    await expectLateWritesNeverWin(emu.config, sessions.slice(4, 12), (user, birthday) =>
      save(server, user, birthday),
    )
  }, 30_000)

  it('control, 40 users at concurrency 16: without ordering, late writes win', async () => {
    const { statuses, lastOk, final } = await saveUnderLoad(
      await serve({ writeOrderStore: unordered }),
    )
    expect(statuses.filter((status) => status === 504)).toHaveLength(12)
    expect(final.filter((value, user) => value !== lastOk[user]).length).toBeGreaterThan(0)
  }, 60_000)

  it('40 users at concurrency 16: each stored value is the last 200 its client saw', async () => {
    const { statuses, lastOk, final } = await saveUnderLoad(await serve())
    expect(statuses.filter((status) => status === 504)).toHaveLength(12)
    expect(statuses.every((status) => [200, 504, 409].includes(status))).toBe(true)
    expect(lastOk.every((value) => value !== null)).toBe(true)
    expect(final).toEqual(lastOk)
  }, 60_000)
})
