/**
 * Test support: the Worker that `server/durable-object/stores.test.ts` runs in workerd. Each request
 * gets a fresh handler (as if every request reached a new isolate), so only the Durable Object can
 * remember anything: what the limiter and the write order promise must come from it.
 */
import { durableObjectWorker } from '../durable-object/stores.ts'

export { BirthdayStoreObject } from '../durable-object/store-object.ts'

export default {
  fetch(
    request: Request,
    env: Record<string, unknown>,
    ctx: { waitUntil(p: Promise<unknown>): void },
  ) {
    return durableObjectWorker({
      upstreamTimeoutMs: Number(env.UPSTREAM_TIMEOUT_MS) || undefined,
      logger: () => undefined,
    }).fetch(request, env, ctx)
  },
}
