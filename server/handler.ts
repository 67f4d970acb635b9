/**
 * The reference backend for `<birthday-editor>`: a framework-free `(Request) => Promise<Response>`
 * that reads and writes `publicMetadata.birthday` of the signed-in Clerk user. It runs unchanged on
 * Node (see `node/`), in Next.js route handlers, Bun, Deno and Cloudflare Workers.
 *
 * It may be created at module scope in any framework: an option left out is read from the
 * environment at the first request (`env.ts`), and nothing is checked or fetched before then, so a
 * build with no secret set still works; a missing secret then answers 500 `internal`, and the
 * request's log line names the variable. It answers at any path unless `path` is set.
 *
 * Every request goes through the same steps, in this order, and stops at the first failure (each
 * names its error code and status from `ERROR_STATUS`; scripts/error-contract.test.ts checks them):
 * origin (`origin_not_allowed` 403) → path (`not_found` 404) → method (`method_not_allowed` 405) →
 * session token (`unauthenticated` 401) → per-user limit (`rate_limited` 429) → Content-Type
 * (`unsupported_media_type` 415) → body size (`payload_too_large` 413) and deadline
 * (`request_timeout` 408) → JSON and schema (`invalid_body` 400) → the user's write slot
 * (`save_in_progress` 409) → Backend API (`upstream_error` 502, `upstream_unavailable` 503,
 * `upstream_timeout` 504, `rate_limited` 429). Anything unexpected, or a missing setting, is
 * `internal` 500.
 * No user or metadata call reaches the Backend API before the limiter has counted the request (a
 * JWKS fetch, without `jwtKey`, can come before it; it is cached and throttled). Token verification
 * is `@clerk/backend`'s `verifyToken` and every Backend API call goes through its `createClerkClient`
 * (see `clerk.ts` and `backend-api.ts`). At most one metadata write per user is in flight,
 * abandoned ones included, so a write that outlived its deadline can never land after a newer save
 * (see `write-order.ts`).
 */
import { createBirthdayBodyParser } from '../src/birthday.ts'
import { createBackendApi, type BackendApi, type UserMetadata } from './backend-api.ts'
import { readJsonBody, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_BODY_TIMEOUT_MS } from './body.ts'
import { createAuthenticator, type Session } from './clerk.ts'
import { createCors, createSameOriginCors, type Cors } from './cors.ts'
import { ENV, envSource, originList } from './env.ts'
import { ownOrigin } from './own-origin.ts'
import { emptyResponse, errorResponse, HttpError, jsonResponse, type ErrorCode } from './errors.ts'
import {
  DEFAULT_RATE_LIMIT,
  memoryLimiterStore,
  type LimiterStore,
  type RateLimit,
} from './limiter.ts'
import {
  DEFAULT_WRITE_WAIT_MS,
  memoryWriteOrderStore,
  type WriteOrderStore,
} from './write-order.ts'

export const DEFAULT_PATH = '/api/update-user-metadata'

/** One structured line per request. Never holds a token, a body or a header value. */
export interface LogEntry {
  at: string
  method: string
  path: string
  status: number
  ms: number
  code?: ErrorCode
  /** Why a request failed (e.g. `token-expired`, `bapi_503`), for operators only. */
  reason?: string
  userId?: string
}

export type Logger = (entry: LogEntry) => void

export interface BirthdayHandlerOptions {
  /**
   * Clerk secret key: authorizes the Backend API calls (and the JWKS without `jwtKey`). Default:
   * `CLERK_SECRET_KEY`, read at the first request.
   */
  secretKey?: string
  /**
   * Clerk publishable key, checked against the secret key's instance type. Default:
   * `CLERK_PUBLISHABLE_KEY` if set.
   */
  publishableKey?: string
  /**
   * PEM public key: networkless token verification. Without it, the JWKS is fetched and cached.
   * Default: `CLERK_JWT_KEY` if set.
   */
  jwtKey?: string
  /** Backend API base URL. Default: `CLERK_API_URL`, else `https://api.clerk.com`. */
  apiUrl?: string
  /**
   * Exact origins allowed to call, e.g. `['https://app.example']`; also the `authorizedParties`.
   * Default: `ALLOWED_ORIGINS`, else `CLERK_AUTHORIZED_PARTIES` (comma-separated). With neither,
   * only the handler's own origin may call (the origin of `request.url`; see `own-origin.ts`).
   */
  allowedOrigins?: readonly string[]
  /**
   * With no allowed origins, take the own origin from `X-Forwarded-Proto` and `X-Forwarded-Host`
   * (only behind a proxy that sets them: any client can send them). Default:
   * `TRUST_FORWARDED_HEADERS` is `true` or `1`.
   */
  trustForwardedHeaders?: boolean
  /** The one path answered (the Node server sets {@link DEFAULT_PATH}); default: any path. */
  path?: string
  /** Where the per-user limiter keeps its counts; default in memory (per process or isolate). */
  limiterStore?: LimiterStore
  /** Default 5 requests per 10 s per user. */
  rateLimit?: RateLimit
  clock?: { now(): number }
  /** Default: one JSON line per request on stdout. */
  logger?: Logger
  /** Deadline of one Backend API call including its single retry (default 5000 ms). */
  upstreamTimeoutMs?: number
  /** Largest accepted body (default 1024 bytes). */
  bodyLimitBytes?: number
  /** Time the whole body has to arrive in, from when the handler got the request (default 5000 ms). */
  bodyTimeoutMs?: number
  /**
   * Where the per-user write slots live (one Backend API write per user in flight, abandoned ones
   * included); default in memory (per process or isolate). See `write-order.ts`.
   */
  writeOrderStore?: WriteOrderStore
  /** How long a save waits for an earlier write of the same user before a 409 (default 4000 ms). */
  writeWaitMs?: number
}

/**
 * The handler. `env`, when the runtime passes an object (a Worker's bindings, Hono's `c.env`), is
 * where the settings left out of the options are read first, before `process.env`.
 */
export type BirthdayHandler = (request: Request, env?: unknown) => Promise<Response>

/** What depends on the Clerk settings: built at the first request. */
interface ClerkSide {
  cors: Cors
  backendApi: BackendApi
  authenticate: ReturnType<typeof createAuthenticator>
}

interface Context {
  request: Request
  pathname: string
  /** `performance.now()` when the handler got the request. */
  started: number
  clerk: ClerkSide
  /** Set once the caller is authenticated, for the log line. */
  userId?: string
}

type Route = {
  method: 'GET' | 'POST' | 'OPTIONS'
  handle: (context: Context) => Promise<Response>
}

/** The methods the handler answers (its `Allow` header). */
export const ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'] as const
const CORS_METHODS = ['GET', 'POST'] as const

const defaultLogger: Logger = (entry) => console.log(JSON.stringify(entry))

/** Retry-After of a 409: an earlier write of the user is still unsettled. */
const SAVE_IN_PROGRESS_RETRY_AFTER_SECONDS = 2

/** `pk_test_`/`pk_live_` and `sk_test_`/`sk_live_` must name the same kind of instance. */
function checkKeys(secretKey: string, publishableKey: string | undefined): void {
  if (typeof secretKey !== 'string' || secretKey === '') {
    throw new TypeError('secretKey is required')
  }
  if (publishableKey === undefined) return
  const kind = /^pk_(test|live)_[A-Za-z0-9+/]+=*$/.exec(publishableKey)?.[1]
  if (!kind) throw new TypeError('publishableKey is not a Clerk publishable key')
  const secretKind = /^sk_(test|live)_/.exec(secretKey)?.[1]
  if (secretKind && secretKind !== kind) {
    throw new TypeError(`publishableKey is pk_${kind}_ but secretKey is sk_${secretKind}_`)
  }
}

/** A setting that is missing or wrong: 500 `internal` to the caller, the reason in the log line. */
function configError(problem: string): HttpError {
  return new HttpError('internal', 'internal error', { reason: `config: ${problem}` })
}

/**
 * Creates the handler. Options given here are checked now (a typo fails at once); options left
 * out are read from the environment at the first request.
 *
 * @example
 * // CLERK_SECRET_KEY, CLERK_JWT_KEY, CLERK_API_URL, ALLOWED_ORIGINS from the environment:
 * const handler = createBirthdayHandler()
 * // Next.js (app/api/update-user-metadata/route.ts):
 * export { handler as GET, handler as POST, handler as OPTIONS }
 * // Cloudflare Workers, Bun, Deno: export default { fetch: handler }
 */
export function createBirthdayHandler(options: BirthdayHandlerOptions = {}): BirthdayHandler {
  if (options.secretKey !== undefined) checkKeys(options.secretKey, options.publishableKey)
  if (options.allowedOrigins !== undefined) createCors(options.allowedOrigins)
  const path = options.path
  const clock = options.clock ?? { now: () => Date.now() }
  const logger = options.logger ?? defaultLogger
  const limiterStore = options.limiterStore ?? memoryLimiterStore()
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS
  const writeOrder = options.writeOrderStore ?? memoryWriteOrderStore()
  const writeWaitMs = options.writeWaitMs ?? DEFAULT_WRITE_WAIT_MS
  // Built once; the latest allowed date still follows the clock (today at UTC+14).
  const parseBody = createBirthdayBodyParser({ now: () => clock.now() })
  let clerk: ClerkSide | undefined

  /**
   * The Clerk side, from the options and, for what they leave out, the environment of the first
   * request that finds everything set; until then each request answers 500 naming what is missing.
   */
  function clerkSide(bindings: unknown): ClerkSide {
    if (clerk) return clerk
    const env = envSource(bindings)
    const secretKey = options.secretKey ?? env(ENV.secretKey)
    if (!secretKey) throw configError(`${ENV.secretKey} is not set`)
    const publishableKey = options.publishableKey ?? env(ENV.publishableKey)
    const allowedOrigins =
      options.allowedOrigins ?? originList(env(ENV.allowedOrigins) ?? env(ENV.authorizedParties))
    // No list: same-origin callers only, the token's `azp` being that same origin.
    const trustForwarded =
      options.trustForwardedHeaders ?? /^(true|1)$/i.test(env(ENV.trustForwardedHeaders) ?? '')
    const sameOrigin = allowedOrigins.length === 0
    let cors: Cors
    try {
      checkKeys(secretKey, publishableKey)
      cors = sameOrigin ? createSameOriginCors(trustForwarded) : createCors(allowedOrigins)
    } catch (error) {
      throw configError(error instanceof Error ? error.message : String(error))
    }
    // The Backend API through `@clerk/backend`'s client (`createClerkClient`), one per handler.
    const backendApi: BackendApi = createBackendApi({
      secretKey,
      apiUrl: options.apiUrl ?? env(ENV.apiUrl),
      timeoutMs: options.upstreamTimeoutMs,
    })
    const authenticate = createAuthenticator({
      authorizedParties: sameOrigin
        ? (request) => [ownOrigin(request, trustForwarded)].filter((own) => own !== null)
        : allowedOrigins,
      jwtKey: options.jwtKey ?? env(ENV.jwtKey),
      backendApi,
      now: () => clock.now(),
    })
    clerk = { cors, backendApi, authenticate }
    return clerk
  }

  /** Authenticates, then counts the request against the caller's limit. */
  async function authorize(context: Context): Promise<Session> {
    const session = await context.clerk.authenticate(context.request)
    context.userId = session.userId
    const decision = await limiterStore.hit(`birthday:${session.userId}`, clock.now(), rateLimit)
    if (!decision.allowed) {
      throw new HttpError('rate_limited', 'too many requests, try again later', {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
        reason: 'limiter',
      })
    }
    return session
  }

  /**
   * Runs `write` holding the user's write slot, and gives the slot back only once every attempt
   * it started has settled: an attempt abandoned at the deadline keeps the slot until it lands or
   * fails, so no older value can land after a newer save's 200. A 409 when the slot stays taken.
   */
  async function writeInOrder<T>(
    userId: string,
    write: (onAttempt: (settled: Promise<void>) => void) => Promise<T>,
  ): Promise<T> {
    const slot = await writeOrder.acquire(`birthday:${userId}`, writeWaitMs)
    if (!slot) {
      throw new HttpError('save_in_progress', 'still saving the previous change', {
        headers: { 'Retry-After': String(SAVE_IN_PROGRESS_RETRY_AFTER_SECONDS) },
        reason: 'write_in_flight',
      })
    }
    const attempts: Promise<void>[] = []
    try {
      return await write((settled) => attempts.push(settled))
    } finally {
      void Promise.all(attempts)
        .then(() => slot.release())
        .catch(() => undefined)
    }
  }

  /** The value as stored, read from the SDK's `User` that the Backend API answered. */
  function birthdayOf(user: UserMetadata): { birthday: string | null } {
    const stored = user.publicMetadata.birthday
    return { birthday: typeof stored === 'string' ? stored : null }
  }

  const routes: readonly Route[] = [
    {
      method: 'GET',
      async handle(context) {
        const { userId } = await authorize(context)
        return jsonResponse(200, birthdayOf(await context.clerk.backendApi.users.getUser(userId)))
      },
    },
    {
      method: 'POST',
      async handle(context) {
        const { userId } = await authorize(context)
        const body = await readJsonBody(context.request, {
          limitBytes: bodyLimit,
          deadline: context.started + bodyTimeoutMs,
        })
        const parsed = parseBody(body)
        if (!parsed.ok) throw new HttpError('invalid_body', parsed.message, { reason: 'schema' })
        const user = await writeInOrder(userId, (onAttempt) =>
          context.clerk.backendApi.users.updateUserMetadata(
            userId,
            { publicMetadata: { birthday: parsed.value.birthday } },
            onAttempt,
          ),
        )
        return jsonResponse(200, birthdayOf(user))
      },
    },
    {
      method: 'OPTIONS',
      async handle({ request, clerk }) {
        const headers = clerk.cors.preflightHeaders(request, CORS_METHODS)
        return emptyResponse(204, { ...headers, Allow: ALLOWED_METHODS.join(', ') })
      },
    },
  ]

  async function route(context: Context): Promise<Response> {
    if (path !== undefined && context.pathname !== path) {
      throw new HttpError('not_found', 'no such endpoint', { reason: 'path' })
    }
    const match = routes.find((candidate) => candidate.method === context.request.method)
    if (!match) {
      throw new HttpError('method_not_allowed', 'method not allowed', {
        headers: { Allow: ALLOWED_METHODS.join(', ') },
        reason: 'method',
      })
    }
    return match.handle(context)
  }

  return async function handleBirthday(request, env) {
    const started = performance.now()
    const pathname = new URL(request.url).pathname
    let context: Context | undefined
    let corsHeaders: Record<string, string> = {}
    let response: Response
    let failure: HttpError | undefined
    try {
      const side = clerkSide(env)
      corsHeaders = side.cors.headersFor(request)
      context = { request, pathname, started, clerk: side }
      response = await route(context)
    } catch (error) {
      ;({ response, error: failure } = errorResponse(error))
    }
    for (const [name, value] of Object.entries(corsHeaders)) {
      if (!response.headers.has(name)) response.headers.set(name, value)
    }
    log(() => ({
      at: new Date(clock.now()).toISOString(),
      method: request.method.slice(0, 16),
      path: pathname.slice(0, 200),
      status: response.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(failure ? { code: failure.code, reason: failure.reason } : {}),
      ...(context?.userId ? { userId: context.userId } : {}),
    }))
    return response
  }

  function log(entry: () => LogEntry): void {
    try {
      logger(entry())
    } catch {
      // A broken logger must not turn a good answer into a failure.
    }
  }
}
