/**
 * The Durable Object store in workerd (Miniflare 3), against the real emulator over loopback: a
 * Worker whose every request gets a fresh handler (`server/testing/durable-object-worker.ts`), so
 * only the Durable Object remembers; and the README's Worker snippet as written (its own Miniflare,
 * so its own objects). The limiter: 12 saves → exactly 5 × 200. The lost-update
 * sequence: a write answered 504 lands late, the newer save waits for it in the object and wins.
 */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { control } from '../../emulator/testing/control.ts'
import { counters, type EmulatorSession } from '../testing/emulator-client.ts'
import { DEADLINE_MS, expectLateWritesNeverWin } from '../testing/lost-update.ts'
import { saveRequest } from '../testing/save-request.ts'
import { seededUsers, signInSeeded } from '../testing/seeded-users.ts'
import { bundleForWorkerd } from '../testing/workerd-bundle.ts'

const ORIGIN = 'http://app.test'
const URL_ = 'http://worker.test/api/update-user-metadata'
const USERS = 9

let emu: StartedEmulator
let worker: Miniflare
/** The README's Worker snippet as written (a handler per isolate, both stores in the object). */
let snippet: Miniflare
let runtimeOutput = ''
let sessions: EmulatorSession[] = []

const bundle = (entry: string) =>
  bundleForWorkerd(entry, {
    'birthday-editor/server/durable-object': './server/durable-object/index.ts',
  })

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
    users: seededUsers(USERS),
    metadataWriteLimit: { max: 10_000, windowMs: 10_000 },
  })
  worker = startWorker(await bundle('server/testing/durable-object-worker.ts'), {
    UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS),
  })
  snippet = startWorker(await bundle('server/snippets/worker-durable-object.ts'))
  await Promise.all([worker.ready, snippet.ready])
  sessions = await signInSeeded(emu.config.proxyUrl, ORIGIN, USERS)
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
  const response = await through.dispatchFetch(URL_, await saveRequest(session, birthday, ORIGIN))
  return { status: response.status, body: (await response.json()) as { birthday?: string } }
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
    await expectLateWritesNeverWin(emu.config, sessions.slice(1, 9), (user, birthday) =>
      save(user, birthday),
    )
  }, 30_000)
})
