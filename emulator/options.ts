/**
 * The emulator's options, and the shared state they start it with (keys, settings, the store, the
 * fault list, the request log, where ClerkJS's files come from).
 */

import type { ClerkJsSource, EmulatorState } from './context.ts'
import { randomId } from './encoding.ts'
import { Faults } from './faults.ts'
import {
  generateSecretKey,
  generateSigningKey,
  importSigningKey,
  publishableKey,
  type InstanceType,
} from './keys.ts'
import { RequestLog } from './request-log.ts'
import {
  DEFAULT_SESSION_TOKEN_TEMPLATE,
  settingsSchema,
  templateProblem,
  type Settings,
} from './settings.ts'
import {
  hashPassword,
  parseSnapshot,
  Store,
  type EmulatorSnapshot,
  type UserRecord,
} from './store.ts'
import { Webhooks, type WebhookOptions } from './webhooks.ts'

export interface EmulatorOptions {
  /** '' (default; standalone) or e.g. '/__clerk' when mounted inside another server. */
  basePath?: string
  /** e.g. 'http://localhost:4010'; builds the config URLs. Absent: each request's URL origin. */
  publicOrigin?: string
  /** Host encoded in the publishable key and the tokens' `iss`; default 'clerk.emulator.localhost'. */
  keyHost?: string
  /** pk_test_ / pk_live_ (default development). */
  instanceType?: InstanceType
  /** Default: generated 'sk_test_emu_<random>' ('sk_live_emu_…' for production). */
  secretKey?: string
  /** PKCS#8 PEM RSA-2048; default: generated at start. */
  privateKeyPem?: string
  /** Default { birthday: '{{user.public_metadata.birthday}}' }. */
  sessionTokenTemplate?: Record<string, unknown>
  /** Default 60. */
  tokenLifetimeSeconds?: number
  /** Default 0; added to `now()`. */
  clockOffsetMs?: number
  /** Default Date.now. */
  now?: () => number
  /** Default: the demo user (`DEMO_USER`); [] for none. Ignored when `state` is given. */
  users?: SeedUser[]
  /**
   * Persisted state to start from (and to return to on reset): users with their metadata, and the
   * signed-in clients with their sessions (these need the same signing key to stay valid).
   */
  state?: EmulatorSnapshot
  /**
   * Called with the state (see `EmulatorSnapshot`) once at start and after every change to users,
   * metadata or sessions; awaited (at start by `createEmulator`, later before the response is sent).
   */
  onStateChange?: (snapshot: EmulatorSnapshot) => void | Promise<void>
  /** Per-user Backend API metadata write limit; default { max: 10, windowMs: 10_000 }. */
  metadataWriteLimit?: { max: number; windowMs: number }
  /** Where ClerkJS files come from; default: the installed package, read with node:fs. */
  clerkJsSource?: ClerkJsSource
  /**
   * Webhook endpoints, the signing secret (default: kept in `state` when it has one, else generated),
   * the retry schedule and the delivery timeout (see `webhooks.ts`).
   */
  webhooks?: WebhookOptions
  /** Where `@clerk/ui` files come from; default: the installed package (an optional peer), if any; null: none. */
  clerkUiSource?: ClerkJsSource | null
}

export interface SeedUser {
  email: string
  password: string
  firstName?: string
  publicMetadata?: Record<string, unknown>
  id?: string
}

export const DEMO_USER: SeedUser = {
  email: 'ada@example.test',
  password: 'lovelace-1815',
  firstName: 'Ada',
  publicMetadata: { birthday: '1990-12-10' },
}

export async function createState(options: EmulatorOptions): Promise<EmulatorState> {
  const basePath = normalizeBasePath(options.basePath ?? '')
  const publicOrigin = options.publicOrigin ? new URL(options.publicOrigin).origin : null
  const keyHost = options.keyHost ?? 'clerk.emulator.localhost'
  const instanceType = options.instanceType ?? 'development'
  const pk = publishableKey(keyHost, instanceType)
  const key = options.privateKeyPem
    ? await importSigningKey(options.privateKeyPem)
    : await generateSigningKey()
  const initialSettings: Settings = {
    sessionTokenTemplate: structuredClone(
      options.sessionTokenTemplate ?? DEFAULT_SESSION_TOKEN_TEMPLATE,
    ),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 60,
    clockOffsetMs: options.clockOffsetMs ?? 0,
  }
  const settingsCheck = settingsSchema.safeParse(initialSettings)
  const problem = templateProblem(initialSettings.sessionTokenTemplate)
  if (!settingsCheck.success || problem) {
    throw new Error(
      `invalid emulator options: ${problem ?? 'tokenLifetimeSeconds must be an integer from 1 to 86400 and clockOffsetMs an integer'}`,
    )
  }
  const metadataWriteLimit = options.metadataWriteLimit ?? { max: 10, windowMs: 10_000 }
  if (!(metadataWriteLimit.max >= 1 && metadataWriteLimit.windowMs >= 1)) {
    throw new Error('metadataWriteLimit needs max >= 1 and windowMs >= 1')
  }
  const now = options.now ?? Date.now
  const clock = () => now() + state.settings.clockOffsetMs

  let initial: EmulatorSnapshot
  if (options.state) {
    const parsed = parseSnapshot(options.state)
    if (!parsed.ok) throw new Error(`invalid emulator state: ${parsed.message}`)
    initial = parsed.value
  } else {
    const createdAt = now() + initialSettings.clockOffsetMs
    initial = { version: 2, users: await seedUsers(options.users ?? [DEMO_USER], createdAt) }
  }
  // A kept key of the other instance type is not reused: its prefix names the type.
  const keptKey = initial.secretKey?.startsWith(
    instanceType === 'production' ? 'sk_live_' : 'sk_test_',
  )
    ? initial.secretKey
    : undefined
  const secretKey = options.secretKey ?? keptKey ?? generateSecretKey(instanceType)
  if (secretKey.trim() === '') throw new Error('secretKey must not be empty')
  const store = new Store(initial)
  const webhooks = new Webhooks(
    {
      ...options.webhooks,
      secret: options.webhooks?.secret ?? initial.webhookSecret,
    },
    () => state.now(),
  )

  let clerkJs: Promise<ClerkJsSource | null> | null = options.clerkJsSource
    ? Promise.resolve(options.clerkJsSource)
    : null
  let clerkUi: Promise<ClerkJsSource | null> | null =
    options.clerkUiSource !== undefined ? Promise.resolve(options.clerkUiSource) : null

  const state: EmulatorState = {
    basePath,
    keyHost,
    instanceType,
    publishableKey: pk,
    secretKey,
    key,
    metadataWriteLimit,
    initialSettings,
    settings: structuredClone(initialSettings),
    store,
    faults: new Faults(),
    log: new RequestLog(),
    webhooks,
    // Named after the signing key: the same key file keeps the browsers' cookies valid across a
    // restart, and two emulators on one host (cookies ignore the port) do not share one.
    clientCookie: `__client_${key.kid.slice(-8)}`,
    now: clock,
    async persist() {
      await options.onStateChange?.({
        ...store.snapshot(),
        webhookSecret: webhooks.secret,
        secretKey,
      })
    },
    clerkJs() {
      clerkJs ??= installedPackage('installedClerkJs')
      return clerkJs
    },
    clerkUi() {
      clerkUi ??= installedPackage('installedClerkUi')
      return clerkUi
    },
    config(origin) {
      const proxyUrl = (publicOrigin ?? origin) + basePath
      const apiUrl = `${proxyUrl}/api`
      return {
        publishableKey: pk,
        secretKey,
        proxyUrl,
        apiUrl,
        jwtKey: key.publicKeyPem,
        jwksUrl: `${apiUrl}/v1/jwks`,
        webhookSigningSecret: webhooks.secret,
      }
    },
  }
  return state
}

/**
 * The default ClerkJS and `@clerk/ui` sources: the installed packages, read by the Node layer. The one
 * import of `node/` from the runtime-neutral app, loaded on first use so that the app has no static
 * Node import; null outside Node or when the package is not installed (the script route then answers
 * 501 naming it).
 */
function installedPackage(
  reader: 'installedClerkJs' | 'installedClerkUi',
): Promise<ClerkJsSource | null> {
  // eslint-disable-next-line no-restricted-syntax -- optional and lazy: see above
  return import('./node/clerk-js-source.ts').then(
    (module) => module[reader]().catch(() => null),
    () => null,
  )
}

async function seedUsers(seeds: SeedUser[], createdAt: number): Promise<UserRecord[]> {
  const emails = new Set<string>()
  return Promise.all(
    seeds.map(async (seed) => {
      const email = seed.email.trim().toLowerCase()
      if (!email.includes('@') || emails.has(email)) {
        throw new Error(`invalid or duplicate seed user email: ${seed.email}`)
      }
      emails.add(email)
      return {
        id: seed.id ?? randomId('user'),
        emailAddressId: randomId('idn'),
        emailAddress: seed.email.trim(),
        passwordDigest: await hashPassword(seed.password),
        firstName: seed.firstName ?? null,
        lastName: null,
        externalId: null,
        publicMetadata: structuredClone(seed.publicMetadata ?? {}),
        privateMetadata: {},
        unsafeMetadata: {},
        createdAt,
        updatedAt: createdAt,
        lastSignInAt: null,
      }
    }),
  )
}

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '')
  if (trimmed !== '' && !/^\/[\w\-./~]*$/.test(trimmed)) {
    throw new Error(`basePath must be '' or start with '/' (got ${JSON.stringify(basePath)})`)
  }
  return trimmed
}
