/**
 * The handler's settings: `createBirthdayHandler`'s options resolved, apart from the request
 * pipeline. Two halves, resolved at two moments:
 *
 * - {@link resolveSettings}, at construction: the defaults of everything that has one, and a check
 *   of the Clerk options that were given (a typo throws a `TypeError` at once).
 * - {@link resolveClerkSettings}, at the first request that finds them all: the Clerk options the
 *   caller left out, read from the environment (`env.ts`), so a module-scope handler survives a
 *   build with no secret set. A missing or wrong one is a 500 `internal` to the caller, the reason
 *   in the log line.
 */
import { createCors, createSameOriginCors, type Cors } from './cors.ts'
import { ENV, envSource, originList } from './env.ts'
import { HttpError } from './errors.ts'
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_BODY_TIMEOUT_MS } from './body.ts'
import {
  DEFAULT_RATE_LIMIT,
  memoryLimiterStore,
  type LimiterStore,
  type RateLimit,
} from './limiter.ts'
import { defaultLogger, type Logger } from './log.ts'
import { ownOrigin } from './own-origin.ts'
import {
  DEFAULT_WRITE_WAIT_MS,
  memoryWriteOrderStore,
  type WriteOrderStore,
} from './write-order.ts'

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
  /** The one path answered (the Node server sets `DEFAULT_PATH`); default: any path. */
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

/** Every setting that has a default, resolved at construction. */
export interface Settings {
  path: string | undefined
  clock: { now(): number }
  logger: Logger
  limiterStore: LimiterStore
  rateLimit: RateLimit
  bodyLimitBytes: number
  bodyTimeoutMs: number
  writeOrderStore: WriteOrderStore
  writeWaitMs: number
}

/** The Clerk settings, resolved at the first request that finds them all. */
export interface ClerkSettings {
  secretKey: string
  jwtKey: string | undefined
  apiUrl: string | undefined
  upstreamTimeoutMs: number | undefined
  /** Who may call: the allowed origins' CORS, or the own origin's. */
  cors: Cors
  /** A token's `azp` must be one of these (the allowed origins, else the own origin). */
  authorizedParties: readonly string[] | ((request: Request) => readonly string[])
}

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
 * The defaults, and a check of the Clerk options given here (they throw a `TypeError` now; those
 * left out are read and checked at the first request).
 */
export function resolveSettings(options: BirthdayHandlerOptions): Settings {
  if (options.secretKey !== undefined) checkKeys(options.secretKey, options.publishableKey)
  if (options.allowedOrigins !== undefined) createCors(options.allowedOrigins)
  return {
    path: options.path,
    clock: options.clock ?? { now: () => Date.now() },
    logger: options.logger ?? defaultLogger,
    limiterStore: options.limiterStore ?? memoryLimiterStore(),
    rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    writeOrderStore: options.writeOrderStore ?? memoryWriteOrderStore(),
    writeWaitMs: options.writeWaitMs ?? DEFAULT_WRITE_WAIT_MS,
  }
}

/**
 * The Clerk settings from the options and, for what they leave out, the environment of this
 * request (`bindings` first, then `process.env`). Throws 500 `internal` naming what is missing or
 * wrong, for the log line.
 */
export function resolveClerkSettings(
  options: BirthdayHandlerOptions,
  bindings: unknown,
): ClerkSettings {
  const env = envSource(bindings)
  const secretKey = options.secretKey ?? env(ENV.secretKey)
  if (!secretKey) throw configError(`${ENV.secretKey} is not set`)
  const publishableKey = options.publishableKey ?? env(ENV.publishableKey)
  const allowedOrigins =
    options.allowedOrigins ?? originList(env(ENV.allowedOrigins) ?? env(ENV.authorizedParties))
  const trustForwarded =
    options.trustForwardedHeaders ?? /^(true|1)$/i.test(env(ENV.trustForwardedHeaders) ?? '')
  // No list: same-origin callers only, the token's `azp` being that same origin.
  const sameOrigin = allowedOrigins.length === 0
  let cors: Cors
  try {
    checkKeys(secretKey, publishableKey)
    cors = sameOrigin ? createSameOriginCors(trustForwarded) : createCors(allowedOrigins)
  } catch (error) {
    throw configError(error instanceof Error ? error.message : String(error))
  }
  return {
    secretKey,
    jwtKey: options.jwtKey ?? env(ENV.jwtKey),
    apiUrl: options.apiUrl ?? env(ENV.apiUrl),
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    cors,
    authorizedParties: sameOrigin
      ? (request) => [ownOrigin(request, trustForwarded)].filter((own) => own !== null)
      : allowedOrigins,
  }
}
