/**
 * The handler's log: one structured line per request, written after the answer is made. It never
 * holds a token, a body or a header value, and a logger that throws never turns a good answer into
 * a failure.
 */
import type { ErrorCode, HttpError } from './errors.ts'

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

/** One JSON line per request on stdout. */
export const defaultLogger: Logger = (entry) => console.log(JSON.stringify(entry))

/** What the pipeline learnt of one request by the time it answered. */
export interface Outcome {
  request: Request
  pathname: string
  /** `performance.now()` when the handler got the request. */
  started: number
  response: Response
  /** The error the boundary answered, if any. */
  failure?: HttpError
  /** Set once the caller was authenticated. */
  userId?: string
}

/**
 * Logs `outcome` (method and path cut short, `ms` to two decimals); a logger or clock that throws
 * is ignored.
 */
export function logRequest(logger: Logger, clock: { now(): number }, outcome: Outcome): void {
  const { request, failure, userId } = outcome
  try {
    logger({
      at: new Date(clock.now()).toISOString(),
      method: request.method.slice(0, 16),
      path: outcome.pathname.slice(0, 200),
      status: outcome.response.status,
      ms: Math.round((performance.now() - outcome.started) * 100) / 100,
      ...(failure ? { code: failure.code, reason: failure.reason } : {}),
      ...(userId ? { userId } : {}),
    })
  } catch {
    // A broken logger must not turn a good answer into a failure.
  }
}
