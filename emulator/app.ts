/**
 * An offline stand-in for the slice of Clerk's HTTP APIs that the unmodified `@clerk/clerk-js` 6 and
 * `@clerk/backend` 3 use: the Frontend API, the Backend API, the ClerkJS script files, and a control
 * surface for tests. It is a web-standard `(Request) => Promise<Response>` app with its routes as one
 * table.
 *
 * It imports nothing of the project's: it imitates a third party.
 */

import { applyCors, preflightResponse } from './cors.ts'
import { randomId } from './encoding.ts'
import { ClerkError, errorResponse, jsonResponse, notImplemented } from './errors.ts'
import { Faults, HANG_LIMIT_MS, sleep, type Fault } from './faults.ts'
import {
  generateSecretKey,
  generateSigningKey,
  importSigningKey,
  publishableKey,
  type InstanceType,
} from './keys.ts'
import { RequestLog, type Api } from './request-log.ts'
import * as backend from './routes/backend.ts'
import * as control from './routes/control.ts'
import * as frontend from './routes/frontend.ts'
import * as jwtTemplates from './routes/jwt-templates.ts'
import * as handshake from './routes/handshake.ts'
import * as script from './routes/script.ts'
import * as signUp from './routes/sign-up.ts'
import * as accountPortal from './routes/account-portal.ts'
import { compilePattern, matchPattern, type CompiledPattern } from './router.ts'
import type {
  ClerkJsSource,
  Context,
  EmulatorConfig,
  EmulatorState,
  Handler,
  Settings,
} from './state.ts'
import {
  hashPassword,
  parseSnapshot,
  Store,
  type EmulatorSnapshot,
  type UserRecord,
} from './store.ts'

export type { ClerkJsSource, EmulatorConfig, EmulatorSnapshot, Settings }
export type { RequestLogEntry, Counters } from './request-log.ts'
export type { FaultSpec, Fault } from './faults.ts'
export { isEmulatorKey } from './keys.ts'

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

export interface Emulator {
  /** Web-standard; the whole app. */
  fetch(request: Request): Promise<Response>
  /** The configuration for clients at `origin` (default: `publicOrigin`). */
  config(origin?: string): EmulatorConfig
}

export const DEMO_USER: SeedUser = {
  email: 'ada@example.test',
  password: 'lovelace-1815',
  firstName: 'Ada',
  publicMetadata: { birthday: '1990-12-10' },
}

export const DEFAULT_SESSION_TOKEN_TEMPLATE = { birthday: '{{user.public_metadata.birthday}}' }

/** The response header that tells the Node adapter to destroy the connection (the "drop" fault). */
export const DROP_HEADER = 'x-emulator-drop'

interface Route {
  method: string
  pattern: string
  handle: Handler
  compiled: CompiledPattern
}

const route = (method: string, pattern: string, handle: Handler): Route => ({
  method,
  pattern,
  handle,
  compiled: compilePattern(pattern),
})

/**
 * Every emulated endpoint, below `basePath`. First match wins. Which API a path belongs to is its
 * prefix (`classify`), since an unmatched path has one too.
 */
const ROUTES: readonly Route[] = [
  // Frontend API: clerk-js through `proxyUrl` (non-GET verbs arrive as POST + `_method`).
  route('GET', '/v1/environment', frontend.environment),
  route('PATCH', '/v1/environment', frontend.environment),
  route('POST', '/v1/dev_browser', frontend.devBrowser),
  route('GET', '/v1/client', frontend.getClient),
  route('POST', '/v1/client/sign_ins', frontend.createSignIn),
  route('POST', '/v1/client/sign_ins/:id/attempt_first_factor', frontend.attemptFirstFactor),
  route('POST', '/v1/client/sign_ups', signUp.create),
  route('GET', '/v1/client/sign_ups/:id', signUp.get),
  route('PATCH', '/v1/client/sign_ups/:id', signUp.update),
  route('POST', '/v1/client/sign_ups/:id/prepare_verification', signUp.prepareVerification),
  route('POST', '/v1/client/sign_ups/:id/attempt_verification', signUp.attemptVerification),
  route('POST', '/v1/client/sessions/:id/touch', frontend.touchSession),
  route('POST', '/v1/client/sessions/:id/tokens', frontend.createToken),
  route('POST', '/v1/client/sessions/:id/tokens/:template', jwtTemplates.mint),
  route('POST', '/v1/client/sessions/:id/remove', frontend.removeSession),
  route('DELETE', '/v1/client/sessions', frontend.endAllSessions),
  route('GET', '/v1/me', frontend.me),
  route('GET', '/v1/client/handshake', handshake.clientHandshake),

  // Backend API: @clerk/backend through `apiUrl` (Bearer secret key).
  route('GET', '/api/v1/jwks', backend.jwks),
  route('POST', '/api/v1/users', backend.createUser),
  route('GET', '/api/v1/users', backend.listUsers),
  route('GET', '/api/v1/users/count', backend.countUsers),
  route('GET', '/api/v1/users/:id', backend.getUser),
  route('PATCH', '/api/v1/users/:id/metadata', backend.updateMetadata),
  route('POST', '/api/v1/testing_tokens', backend.createTestingToken),
  route('GET', '/api/v1/jwt_templates', jwtTemplates.list),
  route('POST', '/api/v1/jwt_templates', jwtTemplates.create),
  route('GET', '/api/v1/jwt_templates/:id', jwtTemplates.get),
  route('PATCH', '/api/v1/jwt_templates/:id', jwtTemplates.update),
  route('DELETE', '/api/v1/jwt_templates/:id', jwtTemplates.remove),
  route('GET', '/api/v1/clients/handshake_payload', handshake.handshakePayload),

  // ClerkJS files from the installed package.
  route('GET', '/npm/@clerk/clerk-js@:version/dist/:file', script.clerkJsFile),
  route('GET', '/npm/@clerk/ui@:version/dist/:file', script.clerkUiFile),

  // Account Portal: the hosted sign-in and sign-up pages of a development instance.
  route('GET', '/sign-in', accountPortal.signInPage),
  route('GET', '/sign-up', accountPortal.signUpPage),

  // Control surface for tests.
  route('GET', '/__emulator/config', control.config),
  route('POST', '/__emulator/reset', control.reset),
  route('GET', '/__emulator/faults', control.listFaults),
  route('POST', '/__emulator/faults', control.addFault),
  route('DELETE', '/__emulator/faults', control.clearFaults),
  route('GET', '/__emulator/requests', control.requests),
  route('DELETE', '/__emulator/requests', control.clearRequests),
  route('GET', '/__emulator/counters', control.counters),
  route('GET', '/__emulator/settings', control.getSettings),
  route('PATCH', '/__emulator/settings', control.patchSettings),
  route('GET', '/__emulator/verification_codes', signUp.sentCodes),
]

/**
 * Creates an emulator.
 *
 * @example
 * const emulator = await createEmulator({ publicOrigin: 'http://localhost:4010' })
 * const response = await emulator.fetch(new Request('http://localhost:4010/__emulator/config'))
 * // clerk-js: new Clerk(config.publishableKey, { proxyUrl: config.proxyUrl })
 * // @clerk/backend: createClerkClient({ secretKey: config.secretKey, apiUrl: config.apiUrl })
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = await createState(options)
  await state.persist()
  return {
    fetch: (request) => dispatch(state, request),
    config(origin) {
      const base = origin ?? options.publicOrigin
      if (!base) throw new Error('config() needs an origin when publicOrigin is not set')
      return state.config(base)
    },
  }
}

async function createState(options: EmulatorOptions): Promise<EmulatorState> {
  const basePath = normalizeBasePath(options.basePath ?? '')
  const publicOrigin = options.publicOrigin ? new URL(options.publicOrigin).origin : null
  const keyHost = options.keyHost ?? 'clerk.emulator.localhost'
  const instanceType = options.instanceType ?? 'development'
  const pk = publishableKey(keyHost, instanceType)
  const secretKey = options.secretKey ?? generateSecretKey(instanceType)
  if (secretKey.trim() === '') throw new Error('secretKey must not be empty')
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
  const settingsCheck = control.settingsSchema.safeParse(initialSettings)
  const templateProblem = control.templateProblem(initialSettings.sessionTokenTemplate)
  if (!settingsCheck.success || templateProblem) {
    throw new Error(
      `invalid emulator options: ${templateProblem ?? 'tokenLifetimeSeconds must be an integer from 1 to 86400 and clockOffsetMs an integer'}`,
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
  const store = new Store(initial)

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
    // Named after the signing key: the same key file keeps the browsers' cookies valid across a
    // restart, and two emulators on one host (cookies ignore the port) do not share one.
    clientCookie: `__client_${key.kid.slice(-8)}`,
    now: clock,
    async persist() {
      await options.onStateChange?.(store.snapshot())
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

/** The API of a path below `basePath`, matched or not: it decides `_method`, auth, faults and the log. */
function classify(path: string): Api {
  if (path === '/api' || path.startsWith('/api/')) return 'bapi'
  if (path.startsWith('/__emulator/')) return 'control'
  if (path.startsWith('/npm/')) return 'script'
  if (path === '/sign-in' || path === '/sign-up') return 'portal'
  return 'fapi'
}

/** The one entry point: routing, faults, authentication, the error boundary, CORS and the log. */
async function dispatch(state: EmulatorState, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const origin = request.headers.get('Origin')
  const path = pathBelowBase(state.basePath, url.pathname)
  const api = path === null ? 'fapi' : classify(path)
  const override = url.searchParams.get('_method')
  const method =
    request.method === 'POST' && override && (api === 'fapi' || api === 'control')
      ? override.toUpperCase()
      : request.method
  const matched = path === null ? null : findRoute(method, path)
  const routeName =
    request.method === 'OPTIONS'
      ? 'OPTIONS *'
      : matched && `${matched.route.method} ${matched.route.pattern}`

  let response: Response
  if (request.method === 'OPTIONS') {
    response = preflightResponse(request)
  } else {
    const ctx: Context = {
      request,
      url,
      path: path ?? url.pathname,
      method,
      params: matched?.params ?? {},
      origin,
      state,
      responseHeaders: new Headers(),
    }
    response = await handle(ctx, api, matched?.route ?? null)
  }

  const dropped = response.headers.get(DROP_HEADER) === '1'
  // A preflight already carries its CORS headers.
  if (!dropped && request.method !== 'OPTIONS') response = finish(response, request, origin)
  state.log.record({
    at: state.now(),
    method: request.method,
    path: path ?? url.pathname,
    query: url.search.slice(1),
    status: dropped ? 0 : response.status,
    api,
    route: routeName,
    origin,
  })
  return response
}

async function handle(ctx: Context, api: Api, matched: Route | null): Promise<Response> {
  let response: Response
  try {
    const fault =
      api === 'control' ? null : ctx.state.faults.take([ctx.request.method, ctx.method], ctx.path)
    const faulted = fault && (await applyFault(fault, ctx))
    if (faulted) return faulted
    if (!matched) {
      throw notImplemented(`${ctx.method} ${ctx.path}`, {
        method: ctx.method,
        path: ctx.path,
        pathname: ctx.url.pathname,
      })
    }
    if (api === 'bapi') authorize(ctx)
    response = await matched.handle(ctx)
  } catch (error) {
    if (error instanceof ClerkError) {
      response = errorResponse(error)
    } else {
      console.error('clerk emulator: unexpected error', error)
      response = errorResponse(
        new ClerkError(500, 'internal_clerk_error', 'Oops, an unexpected error occurred.'),
      )
    }
  }
  // Headers such as Set-Cookie stay even when the handler failed after creating the client.
  for (const [name, value] of ctx.responseHeaders) response.headers.append(name, value)
  return response
}

function authorize(ctx: Context): void {
  const header = ctx.request.headers.get('Authorization') ?? ''
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  if (!bearer) {
    throw new ClerkError(401, 'authentication_invalid', 'Invalid authentication', {
      longMessage: 'Backend API requests must carry `Authorization: Bearer <secret key>`.',
    })
  }
  if (bearer !== ctx.state.secretKey) {
    throw new ClerkError(401, 'clerk_key_invalid', 'Secret Key is invalid', {
      longMessage:
        'The provided Clerk Secret Key is invalid. Use the secretKey of this emulator (GET /__emulator/config).',
    })
  }
}

async function applyFault(fault: Fault, ctx: Context): Promise<Response | null> {
  const { signal } = ctx.request
  if (fault.delayMs > 0 && !(await sleep(fault.delayMs, signal))) return gone()
  if (fault.drop) return new Response(null, { status: 502, headers: { [DROP_HEADER]: '1' } })
  if (fault.hang) {
    if (!(await sleep(HANG_LIMIT_MS, signal))) return gone()
    return errorResponse(
      new ClerkError(504, 'emulator_hang_timeout', 'Injected hang timed out', {
        longMessage: `The request hung for ${HANG_LIMIT_MS} ms (injected fault) and was then answered.`,
      }),
    )
  }
  if (fault.status === null) return null
  if ([204, 205, 304].includes(fault.status)) return new Response(null, { status: fault.status })
  if (fault.status < 400) return jsonResponse({}, fault.status)
  return errorResponse(
    new ClerkError(
      fault.status,
      'emulator_injected_fault',
      `Injected fault: HTTP ${fault.status}`,
      {
        longMessage: `The emulator answered ${fault.status} because of an injected fault on ${fault.path}.`,
        headers: fault.status === 429 ? { 'Retry-After': '1' } : {},
      },
    ),
  )
}

/** What a request whose caller went away "answers" (nobody reads it; the log shows 499). */
function gone(): Response {
  return new Response(null, { status: 499 })
}

function finish(response: Response, request: Request, origin: string | null): Response {
  const headers = new Headers(response.headers)
  applyCors(headers, origin)
  const body = request.method === 'HEAD' ? null : response.body
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}

function pathBelowBase(basePath: string, pathname: string): string | null {
  if (basePath === '') return pathname
  if (pathname === basePath) return '/'
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : null
}

function findRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | null {
  const wanted = method === 'HEAD' ? 'GET' : method
  for (const candidate of ROUTES) {
    if (candidate.method !== wanted) continue
    const params = matchPattern(candidate.compiled, path)
    if (params) return { route: candidate, params }
  }
  return null
}
