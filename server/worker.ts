/**
 * The handler as a Cloudflare Worker (module syntax): the handler reads its settings from the
 * Worker's bindings, which workerd passes as `fetch`'s second argument (`CLERK_SECRET_KEY`,
 * `CLERK_JWT_KEY`, `CLERK_API_URL`, `CLERK_PUBLISHABLE_KEY`, `ALLOWED_ORIGINS` or
 * `CLERK_AUTHORIZED_PARTIES`), at the first request. The handler is built once per isolate. Its
 * in-memory rate limiter is then per isolate too; pass a shared `limiterStore` (e.g. a Durable
 * Object) for a global limit.
 *
 * `@clerk/backend` (token verification and its Backend API client) runs in workerd without the
 * `nodejs_compat` flag: with the `worker` export condition it uses WebCrypto and the global `fetch`,
 * and its `process.env.NODE_ENV` read is replaced at bundle time (esbuild and wrangler do that
 * for browser-like targets); `server/workerd.test.ts` checks the bundle has no Node built-in left.
 */
import { createBirthdayHandler } from './handler.ts'

export interface WorkerEnv {
  CLERK_SECRET_KEY: string
  CLERK_PUBLISHABLE_KEY?: string
  CLERK_JWT_KEY?: string
  CLERK_API_URL?: string
  /** Comma-separated exact origins. */
  ALLOWED_ORIGINS: string
}

export default { fetch: createBirthdayHandler() }
