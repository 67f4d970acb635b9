/**
 * The Node server's Redis: from `REDIS_URL` (or `--redis URL`), a node-redis client tuned to fail
 * fast while Redis is away (no offline queue: a command sent while disconnected is refused at once,
 * so the save is a 503 in milliseconds, not at the command timeout) and to reconnect by itself,
 * turned into the handler's two stores. `redis` is an optional peer dependency: it is imported only
 * when a URL is given, and its absence is one clear line.
 */
import type * as Redis from 'redis'
import { raceDeadline, TIMED_OUT } from '../deadline.ts'
import { redisStores, type RedisStores, type RedisStoresOptions } from '../redis/store.ts'

type RedisModule = typeof Redis

export const REDIS_URL_VARIABLE = 'REDIS_URL'

export interface ConnectedRedis {
  stores: RedisStores
  /** The URL without its credentials, for the start banner. */
  where: string
  close(): Promise<void>
}

/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`: never print a password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(an unparsable URL)'
  }
}

/**
 * Connects to `url` (within `connectTimeoutMs`, else throws naming the URL without credentials)
 * and returns both stores on it. Outages after that are not fatal: saves answer 503 until the
 * client has reconnected; `warn` gets one line when Redis goes away and one when it is back.
 */
export async function connectRedis(
  url: string,
  options: RedisStoresOptions & { connectTimeoutMs?: number; warn?: (line: string) => void } = {},
): Promise<ConnectedRedis> {
  const where = redactRedisUrl(url)
  if (!/^rediss?:\/\//.test(url)) {
    throw new Error(`${REDIS_URL_VARIABLE} must be a redis:// or rediss:// URL, not ${where}`)
  }
  let redis: RedisModule
  try {
    redis = await import('redis')
  } catch {
    throw new Error(
      `${REDIS_URL_VARIABLE} is set, but the redis package is not installed: npm install redis`,
    )
  }
  const warn = options.warn ?? (() => undefined)
  const client = redis.createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      // At the start, a few quick tries then give up (a wrong URL is said at once); once up,
      // keep reconnecting, so saves succeed again by themselves when Redis is back.
      reconnectStrategy: (retries: number, cause: Error) =>
        started ? Math.min(50 * 2 ** retries, 1_000) : retries < 3 ? 100 : cause,
    },
  })
  let started = false
  let down = false
  client.on('error', (error: unknown) => {
    if (!started || down) return
    down = true
    warn(
      `Redis at ${where} is unreachable (${error instanceof Error ? error.message || error.name : String(error)}): saves answer 503 until it is back`,
    )
  })
  client.on('ready', () => {
    if (!down) return
    down = false
    warn(`Redis at ${where} is back`)
  })
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000
  try {
    const connected = await raceDeadline(client.connect(), connectTimeoutMs)
    if (connected === TIMED_OUT) {
      throw new Error(`cannot reach Redis at ${where} (${connectTimeoutMs} ms)`)
    }
  } catch (error) {
    try {
      client.destroy()
    } catch {
      // Already closed by the failed connect.
    }
    throw error instanceof Error && error.message.startsWith('cannot reach')
      ? error
      : new Error(`cannot reach Redis at ${where}: ${(error as Error).message}`)
  }
  started = true
  down = false
  const stores = redisStores(client, options)
  return {
    stores,
    where,
    async close() {
      stores.close()
      client.destroy()
    },
  }
}
