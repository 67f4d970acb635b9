/**
 * Three handler processes on one real redis-server, through the emulator and its faults, over real
 * HTTP: the limiter is exact across them (through `birthday-editor server --redis`), no late write
 * lands over a newer save made through another process, Redis going away is a 503 with nothing
 * written until it is back, and a bounded chaos run keeps every promise. The handler processes are
 * `server/testing/redis-instance.ts` (the CLI's parts with the test's deadline and limit). The
 * emulator looks up the user's lease in Redis as each metadata write reaches it: no write without one.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createClient } from 'redis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { control } from '../../emulator/testing/control.ts'
import { counters, type EmulatorSession } from '../testing/emulator-client.ts'
import {
  DEADLINE_MS,
  expectLateWritesNeverWin,
  LATE_MS,
  METADATA,
  storedBirthday,
} from '../testing/lost-update.ts'
import { saveRequest } from '../testing/save-request.ts'
import { seededUsers, signInSeeded } from '../testing/seeded-users.ts'
import { startRedisServer, type RedisServer } from '../testing/redis-server.ts'

const ORIGIN = 'http://app.test'
const PATH = '/api/update-user-metadata'
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href
const USERS = 10

interface Instance {
  url: string
  child: ChildProcess
  logs: Record<string, unknown>[]
}

let redis: RedisServer
let emu: StartedEmulator
/** A connection of the test's own, to look at the leases. */
let observer: ReturnType<typeof createClient>
/**
 * Every metadata write as it reached the emulator: was its user's lease in Redis at that moment?
 * (`unchecked` while Redis is down.) A write is sent only by a save holding the lease, which is
 * given back only after the write settled, so `false` would be a write made without a lease.
 */
const writesSeen: { userId: string; leased: boolean | 'unchecked' }[] = []
let sessions: EmulatorSession[] = []
const children: ChildProcess[] = []

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Starts a process and resolves with the URL it prints (20 s at most). */
function launch(args: string[], env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', TSX, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const logs: Record<string, unknown>[] = []
  let output = ''
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no URL from ${args[0]}:\n${output}`)), 20_000)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    let pending = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('log ')) logs.push(JSON.parse(line.slice(4)) as Record<string, unknown>)
        const url = /listening on (http:\/\/\S+)/.exec(line)?.[1]
        if (url) {
          clearTimeout(timer)
          done({ url, child, logs })
        }
      }
    })
    child.once('exit', (code) => fail(new Error(`${args[0]} exited ${code}:\n${output}`)))
  })
}

function clerkEnv(): Record<string, string> {
  return {
    CLERK_SECRET_KEY: emu.config.secretKey,
    CLERK_JWT_KEY: emu.config.jwtKey ?? '',
    CLERK_API_URL: emu.config.apiUrl,
    ALLOWED_ORIGINS: ORIGIN,
    REDIS_URL: redis.url,
  }
}

/** Three handler processes with the test's deadline (1 s) and a limit that stays out of the way. */
async function three(extra: Record<string, string> = {}): Promise<Instance[]> {
  return Promise.all(
    [0, 1, 2].map(() =>
      launch(['server/testing/redis-instance.ts'], {
        ...clerkEnv(),
        UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS),
        RATE_MAX: '10000',
        ...extra,
      }),
    ),
  )
}

async function stopAll(instances: Instance[]) {
  await Promise.all(
    instances.map(
      (instance) =>
        new Promise<void>((done) => {
          if (instance.child.exitCode !== null) return done()
          instance.child.once('exit', () => done())
          instance.child.kill('SIGTERM')
        }),
    ),
  )
}

async function save(instance: Instance, session: EmulatorSession, birthday: string) {
  const started = Date.now()
  const response = await fetch(
    `${instance.url}${PATH}`,
    await saveRequest(session, birthday, ORIGIN),
  )
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { birthday?: string; error?: { code: string } },
    ms: Date.now() - started,
  }
}

const stored = (session: EmulatorSession) => storedBirthday(emu.config, session)

async function fault(spec: Record<string, unknown>) {
  await control(emu.config.proxyUrl, 'POST', 'faults', { method: 'PATCH', path: METADATA, ...spec })
}

const writes = async () => (await counters(emu.config.proxyUrl)).bapiWrites

beforeAll(async () => {
  redis = await startRedisServer()
  observer = createClient({ url: redis.url, disableOfflineQueue: true })
  observer.on('error', () => undefined)
  await observer.connect()
  emu = await startEmulator({
    wrapFetch: (fetch) => async (request) => {
      const userId = /\/v1\/users\/([^/]+)\/metadata$/.exec(new URL(request.url).pathname)?.[1]
      if (request.method === 'PATCH' && userId) {
        const key = `birthday-editor:{birthday:${userId}}:lease`
        const leased = await Promise.race([
          observer.exists(key).then((count) => count === 1),
          sleep(200).then(() => 'unchecked' as const),
        ]).catch(() => 'unchecked' as const)
        writesSeen.push({ userId, leased })
      }
      return fetch(request)
    },
    users: seededUsers(USERS),
    // Clerk's own per-user write limit stays out of the way: only ours is under test.
    metadataWriteLimit: { max: 10_000, windowMs: 10_000 },
  })
  sessions = await signInSeeded(emu.config.proxyUrl, ORIGIN, USERS)
}, 60_000)

afterAll(async () => {
  observer?.destroy()
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await emu?.close()
  await redis?.stop()
})

beforeEach(async () => {
  await control(emu.config.proxyUrl, 'DELETE', 'faults')
})

describe('three processes on one Redis', () => {
  it('birthday-editor server --redis: one user, 12 saves in 10 s across the three → exactly 5 × 200', async () => {
    const servers = await Promise.all(
      [0, 1, 2].map(() =>
        launch(['bin/birthday-editor.ts', 'server', '--port', '0', '--redis', redis.url], {
          ...clerkEnv(),
          REDIS_URL: '',
        }),
      ),
    )
    try {
      const user = sessions[0] as EmulatorSession
      const before = await writes()
      const statuses: number[] = []
      for (let i = 0; i < 12; i += 1) {
        const day = String(i + 1).padStart(2, '0')
        statuses.push((await save(servers[i % 3] as Instance, user, `2000-01-${day}`)).status)
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(5)
      expect(statuses.filter((status) => status === 429)).toHaveLength(7)
      expect((await writes()) - before).toBe(5)
    } finally {
      await stopAll(servers)
    }
  }, 60_000)

  it('8 users at once: a write answered 504 through A never lands over the newer 200 through B', async () => {
    const instances = await three()
    try {
      const users = sessions.slice(1, 9)
      writesSeen.length = 0
      // The first write of each user lands late, past the 1 s deadline: A answers 504, B 200.
      await expectLateWritesNeverWin(emu.config, users, (user, birthday, i, attempt) =>
        save(instances[(i + attempt) % 3] as Instance, user, birthday),
      )
      expect(writesSeen).toHaveLength(16)
      expect(writesSeen.every((write) => write.leased === true)).toBe(true)
    } finally {
      await stopAll(instances)
    }
  }, 60_000)

  it('Redis stopped: 503 + Retry-After within the deadline, nothing written; restarted: 200 from every instance', async () => {
    const instances = await three()
    const user = sessions[9] as EmulatorSession
    try {
      expect((await save(instances[0] as Instance, user, '1990-01-02')).status).toBe(200)
      await redis.stop({ abruptly: true })
      const before = await writes()
      for (const [i, instance] of instances.entries()) {
        const answer = await save(instance, user, `1991-01-0${i + 1}`)
        expect(answer.status).toBe(503)
        expect(answer.retryAfter).toBe('2')
        expect(answer.body.error?.code).toBe('upstream_unavailable')
        expect(answer.ms).toBeLessThan(DEADLINE_MS)
      }
      expect((await writes()) - before).toBe(0)
      expect(await stored(user)).toBe('1990-01-02')
      for (const instance of instances) {
        expect(instance.logs.at(-1)).toMatchObject({
          status: 503,
          reason: expect.stringMatching(/^store: redis: /),
        })
      }
      await redis.start()
      for (const [i, instance] of instances.entries()) {
        const birthday = `1992-01-0${i + 1}`
        await expect
          .poll(async () => (await save(instance, user, birthday)).status, {
            timeout: 10_000,
            interval: 250,
          })
          .toBe(200)
        expect(await stored(user)).toBe(birthday)
      }
      // None of them crashed.
      expect(instances.every((instance) => instance.child.exitCode === null)).toBe(true)
    } finally {
      await stopAll(instances)
    }
  }, 60_000)

  it('chaos: 240 saves from 10 users, random instance, random faults, one Redis restart', async () => {
    const instances = await three()
    // A seeded generator: a failure names its seed, and the run can be repeated.
    let seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31)
    const seedUsed = seed
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647
      return seed / 2_147_483_647
    }
    writesSeen.length = 0
    const SAVES_PER_USER = 24
    const FAULTS = [{ status: 500 }, { delayMs: LATE_MS }, { delayMs: 300 }, { drop: true }]
    const statuses: number[] = []
    const wrongBodies: unknown[] = []
    let done = 0
    let restart: Promise<{ writesWhileDown: number }> | undefined

    /** Stops Redis for longer than any write can stay in flight, then starts it again, empty. */
    async function restartRedis() {
      await redis.stop({ abruptly: true })
      // Writes begun before the stop settle within LATE_MS; after that, nothing may be written.
      await sleep(LATE_MS + 300)
      const settled = await writes()
      await sleep(700)
      const writesWhileDown = (await writes()) - settled
      await redis.start()
      return { writesWhileDown }
    }

    try {
      const lastOk = await Promise.all(
        sessions.map(async (user, u) => {
          let last: string | null = null
          let lastStatus = 0
          // Like the element: save in turn; after the budget, keep saving until one is a 200, so
          // the last answer a client holds is a 200 (an unanswered write may land, and is newest).
          for (let step = 0; step < SAVES_PER_USER + 20; step += 1) {
            if (step >= SAVES_PER_USER && last !== null && lastStatus === 200) break
            const birthday = `${1950 + step}-${String(u + 1).padStart(2, '0')}-15`
            if (random() < 0.3) {
              await fault(FAULTS[Math.floor(random() * FAULTS.length)] ?? {})
            }
            const instance = instances[Math.floor(random() * 3)] as Instance
            const answer = await save(instance, user, birthday)
            statuses.push(answer.status)
            lastStatus = answer.status
            if (answer.status === 200) {
              last = birthday
              if (answer.body.birthday !== birthday) wrongBodies.push(answer.body)
            }
            // A 503 or 409 says when to come back; a client waits a little before the next save.
            if (answer.status === 503 || answer.status === 409) await sleep(300)
            done += 1
            if (done === 80) restart = restartRedis()
          }
          return last
        }),
      )
      const { writesWhileDown } = await (restart ?? Promise.reject(new Error('no restart')))
      // Every late write has landed by now.
      await sleep(LATE_MS + 500)
      const final = await Promise.all(sessions.map((user) => stored(user)))
      const summary = { seed: seedUsed, statuses: tally(statuses) }
      expect(statuses.length, JSON.stringify(summary)).toBeGreaterThanOrEqual(
        USERS * SAVES_PER_USER,
      )
      expect(writesWhileDown, JSON.stringify(summary)).toBe(0)
      expect(wrongBodies, JSON.stringify(summary)).toEqual([])
      // Only the gateway family among 5xx, and the restart and the late writes did happen.
      const fiveHundreds = statuses.filter((status) => status >= 500)
      expect(
        fiveHundreds.every((status) => [502, 503, 504].includes(status)),
        JSON.stringify(summary),
      ).toBe(true)
      expect(
        statuses.every((status) => [200, 409, 502, 503, 504].includes(status)),
        JSON.stringify(summary),
      ).toBe(true)
      expect(statuses).toContain(503)
      expect(statuses).toContain(504)
      // Every write that reached Clerk while Redis could be asked was made under its user's lease.
      expect(writesSeen.filter((write) => write.leased === false)).toEqual([])
      expect(writesSeen.filter((write) => write.leased === true).length).toBeGreaterThan(100)
      // Each user's stored value is the last one answered 200.
      expect(
        final.filter((value, u) => lastOk[u] !== null && value !== lastOk[u]),
        JSON.stringify({ ...summary, final, lastOk }),
      ).toEqual([])
      expect(lastOk.every((value) => value !== null)).toBe(true)
    } finally {
      await stopAll(instances)
    }
  }, 120_000)
})

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
  return counts
}
