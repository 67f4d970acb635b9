/**
 * Public exports of the reference backend. Runtime-neutral: nothing here imports Node; the Node
 * server lives in `node/`.
 */
export {
  createBirthdayHandler,
  DEFAULT_PATH,
  type BirthdayHandler,
  type BirthdayHandlerOptions,
  type LogEntry,
  type Logger,
} from './handler.ts'
export { ERROR_STATUS, HttpError, type ErrorCode } from './errors.ts'
export {
  DEFAULT_RATE_LIMIT,
  memoryLimiterStore,
  type LimiterStore,
  type MemoryLimiterStore,
  type RateDecision,
  type RateLimit,
} from './limiter.ts'
export { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_BODY_TIMEOUT_MS } from './body.ts'
export {
  DEFAULT_WRITE_WAIT_MS,
  memoryWriteOrderStore,
  type WriteOrderStore,
  type WriteSlot,
} from './write-order.ts'
export { PREFLIGHT_MAX_AGE_SECONDS } from './cors.ts'
