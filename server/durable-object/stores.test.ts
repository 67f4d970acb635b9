/**
 * The Durable Object store in workerd (Miniflare 3), against the real emulator over loopback: a
 * Worker whose every request gets a fresh handler (`server/testing/durable-object-worker.ts`), so
 * only the Durable Object remembers; and the README's Worker snippet as written (its own Miniflare,
 * so its own objects). The limiter: 12 saves → exactly 5 × 200. The lost-update
 * sequence: a write answered 504 lands late, the newer save waits for it in the object and wins.
 */
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { control } from '../../emulator/testing/control.ts'
import { backendUser, counters, signIn, type EmulatorSession } from '../testing/emulator-client.ts'

const ORIGIN = 'http://app.test'
const URL_ = 'http://worker.test/api/update-user-metadata'
const DEADLINE_MS = 1_000
const LATE_MS = 2_200
const USERS = 9

let emu: StartedEmulator
let worker: Miniflare
/** The README's Worker snippet as written (a handler per isolate, both stores in the object). */
let snippet: Miniflare
let runtimeOutput = ''
let sessions: EmulatorSession[] = []
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

async function bundle(entry: string): Promise<string> {
  const bundled = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: { 'birthday-editor/server/durable-object': './server/durable-object/index.ts' },
  })
  return bundled.outputFiles[0]?.text ?? ''
}

function startWorker(script: string, extra: Record<string, string> = {}): Miniflare {
  return new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2024-09-23',
    durableObjects: { BIRTHDAY_STORE: 'BirthdayStoreObject' },
    // The snippet's handler logs a line per request: kept here, not printed.
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', (data: Buffer) => (runtimeOutput += data.toString()))
      stderr.on('data', (data: Buffer) => (runtimeOutput += data.toString()))
    },
    bindings: {
      CLERK_SECRET_KEY: emu.config.secretKey,
      CLERK_JWT_KEY: emu.config.jwtKey ?? '',
      CLERK_API_URL: emu.config.apiUrl,
      ALLOWED_ORIGINS: ORIGIN,
      ...extra,
    },
  })
}

beforeAll(async () => {
  emu = await startEmulator({
    users: Array.from({ length: USERS }, (_, i) => ({
      email: `user${i}@example.test`,
      password: `password-${i}-long-enough`,
      publicMetadata: { birthday: '1990-01-01' },
    })),
    metadataWriteLimit: { max: 10_000, windowMs: 10_000 },
  })
  worker = startWorker(await bundle('server/testing/durable-object-worker.ts'), {
    UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS),
  })
  snippet = startWorker(await bundle('server/snippets/worker-durable-object.ts'))
  await Promise.all([worker.ready, snippet.ready])
  sessions = []
  for (let i = 0; i < USERS; i += 1) {
    sessions.push(
      await signIn(emu.config.proxyUrl, ORIGIN, {
        email: `user${i}@example.test`,
        password: `password-${i}-long-enough`,
      }),
    )
  }
}, 60_000)

afterAll(async () => {
  await snippet?.dispose()
  await worker?.dispose()
  await emu?.close()
})

beforeEach(async () => {
  await control(emu.config.proxyUrl, 'DELETE', 'faults')
})

async function save(session: EmulatorSession, birthday: string, through = worker) {
  const response = await through.dispatchFetch(URL_, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${await session.mint()}`,
      'Content-Type': 'application/json',
      Origin: ORIGIN,
    },
    body: JSON.stringify({ birthday }),
  })
  return { status: response.status, body: (await response.json()) as { birthday?: string } }
}

async function stored(session: EmulatorSession): Promise<unknown> {
  const user = await backendUser(emu.config.apiUrl, emu.config.secretKey, session.userId)
  return (user.public_metadata as { birthday?: unknown }).birthday
}

describe('the Durable Object store in workerd, a fresh handler per request', () => {
  it('one user, 12 saves, each through a fresh handler → exactly 5 × 200, the rest 429, 5 writes', async () => {
    const user = sessions[0] as EmulatorSession
    const before = (await counters(emu.config.proxyUrl)).bapiWrites
    const statuses: number[] = []
    for (let i = 0; i < 12; i += 1) {
      statuses.push((await save(user, `2000-01-${String(i + 1).padStart(2, '0')}`)).status)
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(5)
    expect(statuses.filter((status) => status === 429)).toHaveLength(7)
    expect((await counters(emu.config.proxyUrl)).bapiWrites - before).toBe(5)
  }, 30_000)

  it("the README's Worker snippet: 12 saves → exactly 5 × 200", async () => {
    const user = sessions[0] as EmulatorSession
    const statuses: number[] = []
    for (let i = 0; i < 12; i += 1) {
      const birthday = `2001-01-${String(i + 1).padStart(2, '0')}`
      statuses.push((await save(user, birthday, snippet)).status)
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(5)
    expect(statuses.filter((status) => status === 429)).toHaveLength(7)
    expect(runtimeOutput).toContain('"status":429')
  }, 30_000)

  it('8 users at once: a write answered 504 never lands over the newer 200', async () => {
    const users = sessions.slice(1, 9)
    await control(emu.config.proxyUrl, 'POST', 'faults', {
      method: 'PATCH',
      path: '/api/v1/users/*/metadata',
      delayMs: LATE_MS,
      times: users.length,
    })
    const results = await Promise.all(
      users.map(async (user, i) => {
        const first = await save(user, `1981-01-${String(i + 1).padStart(2, '0')}`)
        const second = await save(user, `1982-02-${String(i + 1).padStart(2, '0')}`)
        return { first, second }
      }),
    )
    for (const { first, second } of results) {
      expect(first.status).toBe(504)
      expect(second.status).toBe(200)
    }
    await sleep(LATE_MS)
    const final = await Promise.all(users.map((user) => stored(user)))
    expect(final).toEqual(results.map(({ second }) => second.body.birthday))
  }, 30_000)
})
