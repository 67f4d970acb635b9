/**
 * Test support: the lost-update sequence, one helper for every store's test (the memory store in
 * one process, the Redis store across processes on a real redis-server, the Durable Object in
 * workerd). Several users at once; each user's first write is held by the emulator past the
 * handler's deadline, so the save is answered 504 and the write lands late; the user's next save,
 * sent at once, must be answered 200 and, once every late write has landed, be what Clerk stores.
 */
import { expect } from 'vitest'
import type { StartedEmulator } from '../../emulator/node/start.ts'
import { control } from '../../emulator/testing/control.ts'
import { backendUser, type EmulatorSession } from './emulator-client.ts'

/** The emulator's path for a user's metadata write (a fault glob: `*` is one segment). */
export const METADATA = '/api/v1/users/*/metadata'
/** The Backend API deadline the stores' tests give the handler. */
export const DEADLINE_MS = 1_000
/** How long the emulator holds a late write: well past the deadline. */
export const LATE_MS = 2_200

export interface SaveAnswer {
  status: number
  body: unknown
}

/**
 * One save, through whatever serves the handler: `attempt` 0 is the write that lands late, 1 the
 * newer save; `index` is the user's place in the list (to spread saves over instances).
 */
export type SaveThrough = (
  user: EmulatorSession,
  birthday: string,
  index: number,
  attempt: 0 | 1,
) => Promise<SaveAnswer>

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** What the Backend API itself has stored for the user (not through the handler). */
export async function storedBirthday(
  config: StartedEmulator['config'],
  session: EmulatorSession,
): Promise<unknown> {
  const user = await backendUser(config.apiUrl, config.secretKey, session.userId)
  return (user.public_metadata as { birthday?: unknown }).birthday
}

/**
 * The sequence for `users` at once: each one's first save answered 504, its second 200, and after
 * the late writes have landed, each one's second value stored. Asserts as it goes.
 */
export async function expectLateWritesNeverWin(
  config: StartedEmulator['config'],
  users: EmulatorSession[],
  save: SaveThrough,
): Promise<void> {
  await control(config.proxyUrl, 'POST', 'faults', {
    method: 'PATCH',
    path: METADATA,
    delayMs: LATE_MS,
    times: users.length,
  })
  const results = await Promise.all(
    users.map(async (user, i) => {
      const first = await save(user, `1981-01-${String(i + 1).padStart(2, '0')}`, i, 0)
      const second = await save(user, `1982-02-${String(i + 1).padStart(2, '0')}`, i, 1)
      return { first, second }
    }),
  )
  for (const { first, second } of results) {
    expect(first.status).toBe(504)
    expect(second.status).toBe(200)
  }
  await sleep(LATE_MS)
  const final = await Promise.all(users.map((user) => storedBirthday(config, user)))
  expect(final).toEqual(
    results.map(({ second }) => (second.body as { birthday?: unknown }).birthday),
  )
}
