/**
 * Benchmark of the Redis store (`birthday-editor/server/redis`) against the memory stores, in one
 * run, on a real redis-server on loopback (started here, persistence off): Redis round trips and
 * commands per uncontended save (goal ≤ 2 round trips), the handler's CPU per save with Redis ÷ with
 * memory (this process's `process.cpuUsage`; goal ≤ 1.1), and the latency Redis adds per save, p50
 * and p99 (goal p50 ≤ 1 ms). The Backend API is answered in-process (as in `handler.ts`); saves
 * cycle through 200 users, so each finds its lease free. Alternating phases (2 × 2 s per store after
 * 3 s warm-up each), at most 20 000 saves per phase. Printed, never asserted. Run alone with
 * `npx tsx bench/handler-redis.ts`.
 */
import { createClient } from 'redis'
import { generateSigningKey, sessionClaims, signSessionToken } from '../server/testing/tokens.ts'
import { startRedisServer } from '../server/testing/redis-server.ts'
import { API_URL, installCannedBackendApi, ORIGIN, SECRET } from './handler.ts'

type ScriptOptions = { keys: string[]; arguments: string[] }

const USERS = 200
const WARMUP_MS = 3_000
const PHASE_MS = 2_000
const ROUNDS = 2
const MAX_OPS = 20_000

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN
}

export async function benchHandlerRedis(): Promise<Record<string, string | number>> {
  const bapi = installCannedBackendApi()
  const { createBirthdayHandler } = await import('../server/handler.ts')
  const { redisStores } = await import('../server/redis/index.ts')
  const redis = await startRedisServer()
  const client = createClient({ url: redis.url })
  client.on('error', () => undefined)
  await client.connect()
  let roundTrips = 0
  const counted = {
    eval: (script: string, options: ScriptOptions) => {
      roundTrips += 1
      return client.eval(script, options)
    },
    evalSha: (sha1: string, options: ScriptOptions) => {
      roundTrips += 1
      return client.evalSha(sha1, options)
    },
    duplicate: () => client.duplicate(),
  }
  const stores = redisStores(counted)
  try {
    const key = await generateSigningKey('ins_bench')
    const common = {
      secretKey: SECRET,
      jwtKey: key.publicKeyPem,
      apiUrl: API_URL,
      allowedOrigins: [ORIGIN],
      rateLimit: { max: 1_000_000, windowMs: 10_000 },
      logger: () => undefined,
    }
    const handlers = {
      memory: createBirthdayHandler(common),
      redis: createBirthdayHandler({
        ...common,
        limiterStore: stores.limiterStore,
        writeOrderStore: stores.writeOrderStore,
      }),
    }
    const now = Date.now()
    const tokens = await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        signSessionToken(
          key,
          sessionClaims(`user_bench_${i}`, ORIGIN, now, {
            exp: Math.floor(now / 1000) + 600,
            jti: `jti_bench_${i}`,
          }),
        ),
      ),
    )
    let next = 0
    const body = JSON.stringify({ birthday: '1990-12-10' })
    let failures = 0
    async function save(which: keyof typeof handlers): Promise<number> {
      const started = performance.now()
      const response = await handlers[which](
        new Request('http://handler.bench/api/update-user-metadata', {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${tokens[next++ % USERS] ?? ''}`,
            'Content-Type': 'application/json',
            Origin: ORIGIN,
          },
          body,
        }),
      )
      await response.arrayBuffer()
      if (response.status !== 200) failures += 1
      return performance.now() - started
    }

    const results = {
      memory: { cpuUs: 0, ops: 0, ms: [] as number[] },
      redis: { cpuUs: 0, ops: 0, ms: [] as number[] },
    }
    for (const which of ['memory', 'redis'] as const) {
      const warmup = performance.now()
      while (performance.now() - warmup < WARMUP_MS) await save(which)
    }
    // Round trips and commands of uncontended saves, the releases included.
    await new Promise((resolve) => setTimeout(resolve, 200))
    await client.configResetStat()
    const tripsBefore = roundTrips
    const COUNTED = 1_000
    for (let i = 0; i < COUNTED; i += 1) await save('redis')
    await new Promise((resolve) => setTimeout(resolve, 200))
    const trips = (roundTrips - tripsBefore) / COUNTED
    const stats = await client.info('commandstats')
    let commands = 0
    for (const [, name, calls] of stats.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) {
      if (name !== 'eval' && name !== 'evalsha' && name !== 'info' && name !== 'config|resetstat')
        commands += Number(calls)
    }

    for (let round = 0; round < ROUNDS; round += 1) {
      for (const which of ['memory', 'redis'] as const) {
        const result = results[which]
        const cpu = process.cpuUsage()
        const started = performance.now()
        let ops = 0
        while (ops < MAX_OPS && performance.now() - started < PHASE_MS) {
          result.ms.push(await save(which))
          ops += 1
        }
        const used = process.cpuUsage(cpu)
        result.cpuUs += used.user + used.system
        result.ops += ops
      }
    }
    const cpuPerSave = (which: keyof typeof results) => results[which].cpuUs / results[which].ops
    const sorted = (which: keyof typeof results) => [...results[which].ms].sort((a, b) => a - b)
    const memoryMs = sorted('memory')
    const redisMs = sorted('redis')
    return {
      'Redis round trips per uncontended save (goal ≤ 2)': Number(trips.toFixed(2)),
      'Redis commands per uncontended save (inside the scripts)': Number(
        (commands / COUNTED).toFixed(2),
      ),
      'handler CPU per save, memory stores (µs)': Math.round(cpuPerSave('memory')),
      'handler CPU per save, Redis store (µs)': Math.round(cpuPerSave('redis')),
      'CPU per save Redis ÷ memory (goal ≤ 1.1)': Number(
        (cpuPerSave('redis') / cpuPerSave('memory')).toFixed(2),
      ),
      'save latency p50 memory / Redis (ms)': `${percentile(memoryMs, 0.5).toFixed(3)} / ${percentile(redisMs, 0.5).toFixed(3)}`,
      'save latency p99 memory / Redis (ms)': `${percentile(memoryMs, 0.99).toFixed(3)} / ${percentile(redisMs, 0.99).toFixed(3)}`,
      'added by Redis p50 (goal ≤ 1 ms)': `${(percentile(redisMs, 0.5) - percentile(memoryMs, 0.5)).toFixed(3)} ms`,
      'added by Redis p99': `${(percentile(redisMs, 0.99) - percentile(memoryMs, 0.99)).toFixed(3)} ms`,
      'saves measured (memory / Redis)': `${results.memory.ops} / ${results.redis.ops}`,
      'Backend API writes (all phases)': bapi.writes,
      failures,
    }
  } finally {
    stores.close()
    client.destroy()
    await redis.stop()
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const result = await benchHandlerRedis()
  const width = Math.max(...Object.keys(result).map((name) => name.length))
  for (const [name, value] of Object.entries(result)) console.log(`${name.padEnd(width)}  ${value}`)
}
