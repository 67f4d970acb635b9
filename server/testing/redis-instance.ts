/**
 * Test support: one handler process on Redis, as the multi-process tests start three of them. The
 * same parts as `birthday-editor server --redis` (`connectRedis`, `createBirthdayHandler`,
 * `startServer`), with the test's deadline, limit and wait from the environment, a free port, and
 * one JSON log line per request on stdout. Prints `listening on URL` once up.
 *
 * Environment: REDIS_URL, CLERK_SECRET_KEY, CLERK_JWT_KEY, CLERK_API_URL, ALLOWED_ORIGINS, and
 * optionally UPSTREAM_TIMEOUT_MS, RATE_MAX, WRITE_WAIT_MS, COMMAND_TIMEOUT_MS.
 */
import { createBirthdayHandler } from '../handler.ts'
import { connectRedis } from '../node/redis.ts'
import { startServer } from '../node/start.ts'

const env = process.env
const number = (name: string) => (env[name] ? Number(env[name]) : undefined)
const redis = await connectRedis(env.REDIS_URL ?? '', {
  commandTimeoutMs: number('COMMAND_TIMEOUT_MS'),
  warn: (line) => process.stderr.write(`${line}\n`),
})
const rateMax = number('RATE_MAX')
const handler = createBirthdayHandler({
  secretKey: env.CLERK_SECRET_KEY,
  jwtKey: env.CLERK_JWT_KEY,
  apiUrl: env.CLERK_API_URL,
  allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(','),
  upstreamTimeoutMs: number('UPSTREAM_TIMEOUT_MS'),
  writeWaitMs: number('WRITE_WAIT_MS'),
  ...(rateMax ? { rateLimit: { max: rateMax, windowMs: 10_000 } } : {}),
  limiterStore: redis.stores.limiterStore,
  writeOrderStore: redis.stores.writeOrderStore,
  logger: (entry) => process.stdout.write(`log ${JSON.stringify(entry)}\n`),
})
const server = await startServer({ handler, port: 0 })
process.stdout.write(`listening on ${server.url}\n`)
process.once('SIGTERM', () => {
  void Promise.all([server.close(), redis.close()]).then(() => process.exit(0))
})
