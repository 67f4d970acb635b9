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
 * `upstream_timeout` 504, `rate_limited` 429). A shared store (limiter, write slots) that cannot
 * answer is `upstream_unavailable` 503 with `Retry-After`, and nothing is written (fail closed).
 * Anything unexpected, or a missing setting, is `internal` 500.
 * No user or metadata call reaches the Backend API before the limiter has counted the request (a
 * JWKS fetch, without `jwtKey`, can come before it; it is cached and throttled). Token verification
 * is `@clerk/backend`'s `verifyToken` and every Backend API call goes through its `createClerkClient`
 * (see `clerk.ts` and `backend-api.ts`). At most one metadata write per user is in flight,
 * abandoned ones included, so a write that outlived its deadline can never land after a newer save
 * (see `write-order.ts`).
 *
 * In code, each step is a named function or module, in this order: settings (`settings.ts`) →
 * `withCors` (`cors.ts`: origin, preflight, headers) → `route` (path, method) → `verify`
 * (`clerk.ts`) → `limit` (`limiter.ts`) → `validate` (`body.ts`, `src/birthday.ts`) →
 * `orderAndWrite` (`write-order.ts`, `backend-api.ts`) → `answer`. `answerErrors` (`errors.ts`) is
 * the one error boundary, and `logRequest` (`log.ts`) writes the request's log line.
 */
import { createBirthdayBodyParser } from '../src/birthday.ts'
import { createBackendApi, type BackendApi, type UserMetadata } from './backend-api.ts'
import { readJsonBody } from './body.ts'
import { createAuthenticator, type Authenticator } from './clerk.ts'
import { withCors, type Cors } from './cors.ts'
import { answerErrors, emptyResponse, HttpError, jsonResponse } from './errors.ts'
import { admit, type HitOptions } from './limiter.ts'
import { logRequest, type Outcome } from './log.ts'
import {
  resolveClerkSettings,
  resolveSettings,
  type BirthdayHandlerOptions,
  type Settings,
} from './settings.ts'
import { giveBack, withWriteSlot, type WriteSlot } from './write-order.ts'

export type { BirthdayHandlerOptions } from './settings.ts'
export type { LogEntry, Logger } from './log.ts'

export const DEFAULT_PATH = '/api/update-user-metadata'

/**
 * The handler. `env`, when the runtime passes an object (a Worker's bindings, Hono's `c.env`), is
 * where the settings left out of the options are read first, before `process.env`.
 */
export type BirthdayHandler = (request: Request, env?: unknown) => Promise<Response>

/** The methods the handler answers (its `Allow` header). */
export const ALLOWED_METHODS = ['GET', 'POST', 'OPTIONS'] as const
const CORS_METHODS = ['GET', 'POST'] as const

/** What depends on the Clerk settings: built at the first request that finds them. */
interface ClerkSide {
  cors: Cors
  backendApi: BackendApi
  authenticate: Authenticator
}

/** One request on its way through the steps. */
interface Context {
  settings: Settings
  clerk: ClerkSide
  /** What the log line will say, but for the response; the steps add the user id. */
  outcome: Omit<Outcome, 'response'>
  parseBody: ReturnType<typeof createBirthdayBodyParser>
}

interface Route {
  method: (typeof ALLOWED_METHODS)[number]
  handle: (context: Context) => Promise<Response>
}

/** Verify: the caller's session token (401), its user id noted for the log line. */
async function verify(context: Context): Promise<string> {
  const { userId } = await context.clerk.authenticate(context.outcome.request)
  context.outcome.userId = userId
  return userId
}

/** Limit: counts the request against the user's limit (429; 503 when the store cannot answer). */
function limit(context: Context, userId: string, hitOptions: HitOptions = {}) {
  const { limiterStore, clock, rateLimit } = context.settings
  return admit(limiterStore, `birthday:${userId}`, clock.now(), rateLimit, hitOptions)
}

/**
 * Validate: the body (415, 413, 408) and its schema (400). A write slot the limiter's store
 * already took is given back when the body fails.
 */
async function validate(
  context: Context,
  writeSlot: WriteSlot | null | undefined,
): Promise<string | null> {
  const { bodyLimitBytes, bodyTimeoutMs } = context.settings
  try {
    const body = await readJsonBody(context.outcome.request, {
      limitBytes: bodyLimitBytes,
      deadline: context.outcome.started + bodyTimeoutMs,
    })
    const parsed = context.parseBody(body)
    if (!parsed.ok) throw new HttpError('invalid_body', parsed.message, { reason: 'schema' })
    return parsed.value.birthday
  } catch (error) {
    giveBack(writeSlot)
    throw error
  }
}

/**
 * Order writes, then write: the Backend API's metadata merge (502, 503, 504, 429) made holding the
 * user's write slot (`write-order.ts`), each attempt tracked, so no older value lands after it.
 */
function orderAndWrite(
  context: Context,
  userId: string,
  birthday: string | null,
  writeSlot: WriteSlot | null | undefined,
): Promise<UserMetadata> {
  const { writeOrderStore, writeWaitMs } = context.settings
  const { users } = context.clerk.backendApi
  const slot = { waitMs: writeWaitMs, taken: writeSlot }
  return withWriteSlot(writeOrderStore, `birthday:${userId}`, slot, (track) =>
    users.updateUserMetadata(userId, { publicMetadata: { birthday } }, track),
  )
}

/** Answer: the value as stored, read from the SDK's `User` that the Backend API answered. */
function answer(user: UserMetadata): Response {
  const stored = user.publicMetadata.birthday
  return jsonResponse(200, { birthday: typeof stored === 'string' ? stored : null })
}

const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    async handle(context) {
      const userId = await verify(context)
      await limit(context, userId)
      return answer(await context.clerk.backendApi.users.getUser(userId))
    },
  },
  {
    method: 'POST',
    async handle(context) {
      const userId = await verify(context)
      const writeSlot = await limit(context, userId, { takeWriteSlot: true })
      const birthday = await validate(context, writeSlot)
      return answer(await orderAndWrite(context, userId, birthday, writeSlot))
    },
  },
  // Any OPTIONS that reaches here is accepted; `withCors` makes it a preflight.
  {
    method: 'OPTIONS',
    handle: async () => emptyResponse(204, { Allow: ALLOWED_METHODS.join(', ') }),
  },
]

/** Path (404) and method (405), then the route's steps. */
function route(context: Context): Promise<Response> {
  const { path } = context.settings
  if (path !== undefined && context.outcome.pathname !== path) {
    throw new HttpError('not_found', 'no such endpoint', { reason: 'path' })
  }
  const match = ROUTES.find((candidate) => candidate.method === context.outcome.request.method)
  if (!match) {
    throw new HttpError('method_not_allowed', 'method not allowed', {
      headers: { Allow: ALLOWED_METHODS.join(', ') },
      reason: 'method',
    })
  }
  return match.handle(context)
}

/** The Backend API client and the authenticator, built once from the Clerk settings. */
function connectClerk(
  options: BirthdayHandlerOptions,
  settings: Settings,
  bindings: unknown,
): ClerkSide {
  const clerk = resolveClerkSettings(options, bindings)
  // The Backend API through `@clerk/backend`'s client (`createClerkClient`), one per handler.
  const backendApi = createBackendApi({
    secretKey: clerk.secretKey,
    apiUrl: clerk.apiUrl,
    timeoutMs: clerk.upstreamTimeoutMs,
  })
  const authenticate = createAuthenticator({
    authorizedParties: clerk.authorizedParties,
    jwtKey: clerk.jwtKey,
    backendApi,
    now: () => settings.clock.now(),
  })
  return { cors: clerk.cors, backendApi, authenticate }
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
  const settings = resolveSettings(options)
  // Built once; the latest allowed date still follows the clock (today at UTC+14).
  const parseBody = createBirthdayBodyParser({ now: () => settings.clock.now() })
  let clerk: ClerkSide | undefined

  return async function handleBirthday(request, env) {
    const outcome: Context['outcome'] = {
      request,
      pathname: new URL(request.url).pathname,
      started: performance.now(),
    }
    const noteFailure = (failure: HttpError) => (outcome.failure = failure)
    // The one error boundary answers inside CORS, so that errors get its headers (as Hono answers
    // an error before its middleware's `next()` returns), and around it, for what CORS refuses and
    // a missing setting, which get none.
    const response = await answerErrors(() => {
      clerk ??= connectClerk(options, settings, env)
      const context: Context = { settings, clerk, outcome, parseBody }
      const inner = () => answerErrors(() => route(context), noteFailure)
      return withCors(clerk.cors, CORS_METHODS, inner)(request)
    }, noteFailure)
    logRequest(settings.logger, settings.clock, { ...outcome, response })
    return response
  }
}
