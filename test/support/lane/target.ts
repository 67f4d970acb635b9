/**
 * Where the lane's journeys run: the built demo against real Clerk (the live lane, with real keys and
 * a test user from the environment), or the same demo against the emulator (the rehearsal that
 * proves the lane's code on every run). Either way the browser side goes through `@clerk/testing`
 * (`clerkSetup`, a testing token, `clerk.signIn`), and test users are handled with `@clerk/backend`
 * against the target's Backend API; nothing here talks to the emulator's control surface.
 */
import { createClerkClient, type ClerkClient } from '@clerk/backend'
import { clerkSetup } from '@clerk/testing/playwright'
import { test as base } from '@playwright/test'
import { startBuiltDemo, type BuiltDemo } from '../../../demo/server/serve-built.ts'
import { control } from '../../../emulator/testing/control.ts'
import { BUILT_DEMO, uniqueEmail } from '../demo-fixtures.ts'

/** Every journey starts from this saved birthday. */
export const LANE_BIRTHDAY = '1990-12-10'

/** The lane's saves come quickly, from one user: the handler's per-user limit is raised for it. */
const LANE_RATE_LIMIT = { max: 100, windowMs: 10_000 }

export interface LaneUser {
  id: string
  identifier: string
  password: string
}

export interface LaneTarget {
  /** What the demo page says it runs on (`#mode`). */
  mode: 'real Clerk' | 'offline emulator'
  demo: BuiltDemo
  admin: ClerkClient
  /** A user for one journey, with {@link LANE_BIRTHDAY} saved. */
  user(): Promise<LaneUser>
  close(): Promise<void>
}

/** The environment variables the live lane needs. */
export const LIVE_VARIABLES = [
  'CLERK_PUBLISHABLE_KEY',
  'CLERK_SECRET_KEY',
  'E2E_CLERK_USER_USERNAME',
  'E2E_CLERK_USER_PASSWORD',
] as const

export function missingLiveVariables(env = process.env): string[] {
  return LIVE_VARIABLES.filter((name) => !env[name])
}

async function findUser(admin: ClerkClient, identifier: string): Promise<string> {
  const query = identifier.includes('@')
    ? { emailAddress: [identifier] }
    : { username: [identifier] }
  const { data } = await admin.users.getUserList(query)
  const id = data[0]?.id
  if (!id)
    throw new Error(`The live lane's test user (${identifier}) does not exist in the instance`)
  return id
}

/**
 * Real Clerk: one test user (from the environment) for every journey; its birthday is set before
 * each journey and put back afterwards.
 */
export async function realClerkTarget(env = process.env): Promise<LaneTarget> {
  const secretKey = env.CLERK_SECRET_KEY ?? ''
  const apiUrl = env.CLERK_API_URL
  // clerkSetup reads CLERK_API_URL from the environment itself.
  await clerkSetup({ dotenv: false })
  const demo = await startBuiltDemo({
    port: 0,
    env,
    root: BUILT_DEMO,
    handlerOptions: { rateLimit: LANE_RATE_LIMIT },
  })
  const admin = createClerkClient({ secretKey, ...(apiUrl ? { apiUrl } : {}) })
  const identifier = env.E2E_CLERK_USER_USERNAME ?? ''
  const id = await findUser(admin, identifier)
  const original = (await admin.users.getUser(id)).publicMetadata.birthday ?? null
  return {
    mode: 'real Clerk',
    demo,
    admin,
    async user() {
      await admin.users.updateUserMetadata(id, { publicMetadata: { birthday: LANE_BIRTHDAY } })
      return { id, identifier, password: env.E2E_CLERK_USER_PASSWORD ?? '' }
    },
    async close() {
      await admin.users.updateUserMetadata(id, { publicMetadata: { birthday: original } })
      await demo.close()
    },
  }
}

/** The emulator, as the built demo embeds it: a fresh user for each journey. */
export async function emulatorTarget(): Promise<LaneTarget> {
  const demo = await startBuiltDemo({
    port: 0,
    root: BUILT_DEMO,
    handlerOptions: { rateLimit: LANE_RATE_LIMIT },
  })
  const { publishableKey, secretKey, apiUrl } = await control<Record<string, string>>(
    `${demo.origin}/__clerk`,
    'GET',
    'config',
  )
  // As with real Clerk: @clerk/testing fetches a testing token from the Backend API, which it finds
  // through CLERK_API_URL (its options type has no apiUrl).
  delete process.env.CLERK_TESTING_TOKEN
  const previousApiUrl = process.env.CLERK_API_URL
  process.env.CLERK_API_URL = apiUrl
  try {
    await clerkSetup({ dotenv: false, publishableKey, secretKey })
  } finally {
    if (previousApiUrl === undefined) delete process.env.CLERK_API_URL
    else process.env.CLERK_API_URL = previousApiUrl
  }
  const admin = createClerkClient({ secretKey: secretKey ?? '', apiUrl })
  return {
    mode: 'offline emulator',
    demo,
    admin,
    async user() {
      const password = 'lovelace-1815'
      const email = uniqueEmail()
      const user = await admin.users.createUser({
        emailAddress: [email],
        password,
        publicMetadata: { birthday: LANE_BIRTHDAY },
      })
      return { id: user.id, identifier: email, password }
    },
    close: () => demo.close(),
  }
}

/** Playwright's `test` with a worker-scoped `target` made by `makeTarget` and closed at the end. */
export function laneTest(makeTarget: () => Promise<LaneTarget>) {
  return base.extend<object, { target: LaneTarget }>({
    target: [
      // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
      async ({}, use) => {
        const target = await makeTarget()
        await use(target)
        await target.close()
      },
      { scope: 'worker' },
    ],
  })
}

export type LaneTest = ReturnType<typeof laneTest>
