/**
 * The handler's error contract: a small fixed set of codes, one JSON shape
 * `{ "error": { "code", "message" } }`, and the single boundary that turns anything thrown into a
 * Response. Bodies never carry a token, a stack trace or an echo of the input; every response is
 * `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`.
 */

/** The fixed error codes and their statuses (the element maps the codes, so they never change). */
export const ERROR_STATUS = {
  invalid_body: 400,
  unauthenticated: 401,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  save_in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  upstream_error: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** An expected failure: thrown anywhere below the boundary, answered as `{ error: { code, message } }`. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly status: number
  readonly code: ErrorCode
  /** Extra response headers, e.g. `Allow` or `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>
  /** Why, for the log line only (never sent to the client). */
  readonly reason: string | undefined

  constructor(
    code: ErrorCode,
    message: string,
    init: { headers?: Record<string, string>; reason?: string } = {},
  ) {
    super(message)
    this.status = ERROR_STATUS[code]
    this.code = code
    this.headers = init.headers ?? {}
    this.reason = init.reason
  }
}

/** The one 401 body: every authentication failure looks the same from outside. */
export function unauthenticated(reason: string): HttpError {
  return new HttpError('unauthenticated', 'a valid session token is required', {
    headers: { 'WWW-Authenticate': 'Bearer' },
    reason,
  })
}

/** Retry-After of a 503 when a shared store (limiter, write slots) cannot answer. */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2

/**
 * A shared store (Redis, a Durable Object) that failed or did not answer in time: the handler fails
 * closed, a 503 with `Retry-After` and no Backend API write; the log line says why.
 */
export function storeUnavailable(error: unknown): HttpError {
  const why = error instanceof Error ? error.message : String(error)
  return new HttpError('upstream_unavailable', 'the service is briefly unavailable, try again', {
    headers: { 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
    reason: `store: ${why}`.slice(0, 200),
  })
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
} as const

/** A JSON response with the headers every answer of the handler carries. */
export function jsonResponse(status: number, body: unknown, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers)
  merged.set('Content-Type', 'application/json; charset=utf-8')
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) merged.set(name, value)
  return new Response(JSON.stringify(body), { status, headers: merged })
}

/** An empty response (preflight) with the same security headers. */
export function emptyResponse(status: number, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers)
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) merged.set(name, value)
  return new Response(null, { status, headers: merged })
}

/**
 * The single error boundary. An {@link HttpError} becomes its status, code and message; anything
 * else is a bug and becomes a generic 500 whose details go to the log only.
 */
export function errorResponse(error: unknown): { response: Response; error: HttpError } {
  const known =
    error instanceof HttpError
      ? error
      : new HttpError('internal', 'internal error', { reason: describeUnexpected(error) })
  const body = { error: { code: known.code, message: known.message } }
  return { response: jsonResponse(known.status, body, known.headers), error: known }
}

/**
 * Runs `step`, answering what it throws through {@link errorResponse}; `noteFailure` is told the
 * error answered (for the log line).
 */
export async function answerErrors(
  step: () => Promise<Response>,
  noteFailure: (failure: HttpError) => void,
): Promise<Response> {
  try {
    return await step()
  } catch (error) {
    const { response, error: failure } = errorResponse(error)
    noteFailure(failure)
    return response
  }
}

/** Name and message of an unexpected error for the log: no stack, no request data. */
function describeUnexpected(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200)
  return typeof error
}
