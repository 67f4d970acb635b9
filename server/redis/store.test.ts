/**
 * The Redis store's scripts and protocol against a real redis-server (server/testing/redis-server.ts):
 * the exact window and its expiry, clock skew between instances, the lease's owner-only release,
 * waiting on the release channel without polling, a timed-out lease command that leaves nothing
 * behind, and failing closed while Redis is down, then recovering on the same client.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { REDIS_MISSING, startRedisServer, type RedisServer } from '../testing/redis-server.ts'
import { TAKE } from './scripts.ts'
import { redisStores } from './store.ts'

const LIMIT = { max: 5, windowMs: 10_000 }
let redis: RedisServer
let client: ReturnType<typeof createClient>
const opened: { close(): void }[] = []

function stores(options: Parameters<typeof redisStores>[1] = {}) {
  const made = redisStores(client, options)
  opened.push(made)
  return made
}

async function connect(url: string) {
  const made = createClient({ url, socket: { reconnectStrategy: () => 100 } })
  made.on('error', () => undefined)
  await made.connect()
  return made
}

/** How many scripts Redis has been asked to run so far, by text or by SHA (INFO commandstats). */
async function evalCount(): Promise<number> {
  const info = await client.info('commandstats')
  let calls = 0
  for (const [, count] of info.matchAll(/cmdstat_eval(?:sha)?:calls=(\d+)/g)) calls += Number(count)
  return calls
}

beforeAll(async () => {
  redis = await startRedisServer()
  client = await connect(redis.url)
})

afterAll(async () => {
  for (const made of opened) made.close()
  client?.destroy()
  await redis?.stop()
})

beforeEach(async () => {
  await client.flushAll()
})

describe('the test helper', () => {
  it('fails, saying how to install it, when redis-server is missing', async () => {
    const saved = process.env.REDIS_SERVER
    process.env.REDIS_SERVER = '/nonexistent/redis-server'
    try {
      await expect(startRedisServer()).rejects.toThrow(REDIS_MISSING)
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER
      else process.env.REDIS_SERVER = saved
    }
    expect(REDIS_MISSING).toContain('apt-get install redis-server')
  })
})

describe('the limiter script', () => {
  it('admits exactly max per window and says when the next one fits', async () => {
    const { limiterStore } = stores()
    const answers = []
    for (let i = 0; i < 7; i += 1) answers.push(await limiterStore.hit('birthday:a', 0, LIMIT))
    expect(answers.map((answer) => answer.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ])
    expect(answers[5]?.retryAfterMs).toBeGreaterThan(9_000)
    expect(answers[5]?.retryAfterMs).toBeLessThanOrEqual(10_000)
    // Another user has a window of their own.
    expect((await limiterStore.hit('birthday:b', 0, LIMIT)).allowed).toBe(true)
  })

  it('expires the window (and the key) by Redis time', async () => {
    const { limiterStore } = stores()
    const short = { max: 2, windowMs: 300 }
    expect((await limiterStore.hit('birthday:a', 0, short)).allowed).toBe(true)
    expect((await limiterStore.hit('birthday:a', 0, short)).allowed).toBe(true)
    expect((await limiterStore.hit('birthday:a', 0, short)).allowed).toBe(false)
    const pttl = await client.pTTL('birthday-editor:{birthday:a}:hits')
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(300)
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect(await client.exists('birthday-editor:{birthday:a}:hits')).toBe(0)
    expect((await limiterStore.hit('birthday:a', 0, short)).allowed).toBe(true)
  })

  it('is exact across instances whose clocks disagree by hours (it reads Redis time)', async () => {
    const east = stores()
    const west = stores()
    const hour = 3_600_000
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? east : west).limiterStore.hit(
          'birthday:a',
          Date.now() + (i % 2 ? hour : -hour),
          LIMIT,
        ),
      ),
    )
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(5)
  })

  it('takes the write lease in the same round trip for a save, and never when refused', async () => {
    const { limiterStore } = stores()
    const before = await evalCount()
    const first = await limiterStore.hit('birthday:a', 0, LIMIT, { takeWriteSlot: true })
    expect(first.writeSlot).toBeTruthy()
    expect(await evalCount()).toBe(before + 1)
    const second = await limiterStore.hit('birthday:a', 0, LIMIT, { takeWriteSlot: true })
    expect(second.writeSlot).toBeNull()
    await first.writeSlot?.release()
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(0)
    const read = await limiterStore.hit('birthday:a', 0, LIMIT)
    expect(read.writeSlot).toBeUndefined()
    for (let i = 0; i < 2; i += 1) await limiterStore.hit('birthday:a', 0, LIMIT)
    const refused = await limiterStore.hit('birthday:a', 0, LIMIT, { takeWriteSlot: true })
    expect(refused.allowed).toBe(false)
    expect(refused.writeSlot).toBeUndefined()
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(0)
  })
})

describe('the write lease', () => {
  it('is held until released, and a release by anyone but its owner changes nothing', async () => {
    const { writeOrderStore } = stores({ maxHoldMs: 200 })
    const first = await writeOrderStore.acquire('birthday:a', 0)
    expect(first).not.toBeNull()
    expect(await writeOrderStore.acquire('birthday:a', 0)).toBeNull()
    // The first lease outlives its ttl (presumed lost): the next save takes over…
    await new Promise((resolve) => setTimeout(resolve, 250))
    const second = await writeOrderStore.acquire('birthday:a', 0)
    expect(second).not.toBeNull()
    // …and the late release of the first owner leaves the second's lease alone.
    await first?.release()
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(1)
    expect(await writeOrderStore.acquire('birthday:a', 0)).toBeNull()
    await second?.release()
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(0)
  })

  it('sets the ttl from maxHoldMs (330 s by default)', async () => {
    const { writeOrderStore } = stores()
    const slot = await writeOrderStore.acquire('birthday:a', 0)
    const pttl = await client.pTTL('birthday-editor:{birthday:a}:lease')
    expect(pttl).toBeGreaterThan(329_000)
    expect(pttl).toBeLessThanOrEqual(330_000)
    await slot?.release()
  })

  it('a waiter on another instance gets the lease at its release, without polling', async () => {
    const a = stores()
    const b = stores()
    const held = await a.writeOrderStore.acquire('birthday:a', 0)
    const started = Date.now()
    const waiting = b.writeOrderStore.acquire('birthday:a', 5_000)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const duringWait = await evalCount()
    await new Promise((resolve) => setTimeout(resolve, 700))
    // No script ran while it waited.
    expect(await evalCount()).toBe(duringWait)
    await held?.release()
    const got = await waiting
    expect(got).not.toBeNull()
    expect(Date.now() - started).toBeLessThan(2_000)
    await got?.release()
  })

  it('a wait that runs out is null and leaves the holder alone', async () => {
    const a = stores()
    const b = stores()
    const held = await a.writeOrderStore.acquire('birthday:a', 0)
    const started = Date.now()
    expect(await b.writeOrderStore.acquire('birthday:a', 300)).toBeNull()
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(1)
    await held?.release()
  })

  it('a lease command that timed out leaves no lease once Redis catches up', async () => {
    const { writeOrderStore } = stores({ commandTimeoutMs: 100 })
    const other = await connect(redis.url)
    try {
      await other.sendCommand(['CLIENT', 'PAUSE', '400', 'WRITE'])
      await expect(writeOrderStore.acquire('birthday:a', 0)).rejects.toThrow(/no answer in 100 ms/)
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(0)
    } finally {
      other.destroy()
    }
  })
})

describe('failing closed', () => {
  it('rejects within the command timeout while Redis is down, and works again once it is back', async () => {
    const own = await connect(redis.url)
    const { limiterStore, writeOrderStore, close } = redisStores(own, { commandTimeoutMs: 200 })
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    try {
      expect((await limiterStore.hit('birthday:a', 0, LIMIT)).allowed).toBe(true)
      await redis.stop({ abruptly: true })
      const started = Date.now()
      await expect(
        limiterStore.hit('birthday:a', 0, LIMIT, { takeWriteSlot: true }),
      ).rejects.toThrow(/^redis: admit/)
      await expect(writeOrderStore.acquire('birthday:a', 0)).rejects.toThrow(/^redis: take lease/)
      expect(Date.now() - started).toBeLessThan(1_000)
      await redis.start()
      await expect
        .poll(async () => (await limiterStore.hit('birthday:a', 0, LIMIT)).allowed, {
          timeout: 5_000,
        })
        .toBe(true)
      const slot = await writeOrderStore.acquire('birthday:a', 0)
      expect(slot).not.toBeNull()
      await slot?.release()
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(rejections).toEqual([])
    } finally {
      process.off('unhandledRejection', onRejection)
      close()
      own.destroy()
      client.destroy()
      client = await connect(redis.url)
    }
  })
})

describe('scripts by SHA', () => {
  type Options = { keys: string[]; arguments: string[] }
  /** The real client, with each script call recorded; `holdNext(ms)` delays the next EVALSHA. */
  function recording() {
    const calls: string[] = []
    let delayMs = 0
    const wrapped = {
      eval: (script: string, options: Options) => {
        calls.push(script === TAKE ? 'eval TAKE' : 'eval')
        return client.eval(script, options)
      },
      evalSha: async (sha1: string, options: Options) => {
        calls.push('evalSha')
        const delay = delayMs
        delayMs = 0
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
        return client.evalSha(sha1, options)
      },
      duplicate: () => client.duplicate(),
    }
    return { calls, wrapped, holdNext: (ms: number) => (delayMs = ms) }
  }

  it('runs by SHA, and by text again after Redis forgot its scripts (NOSCRIPT)', async () => {
    const { calls, wrapped } = recording()
    const made = redisStores(wrapped)
    opened.push(made)
    await made.limiterStore.hit('birthday:a', 0, LIMIT) // the digest is ready after this one
    await new Promise((resolve) => setTimeout(resolve, 50))
    calls.length = 0
    await made.limiterStore.hit('birthday:a', 0, LIMIT)
    expect(calls).toEqual(['evalSha'])
    await client.scriptFlush()
    const decision = await made.limiterStore.hit('birthday:a', 0, LIMIT, { takeWriteSlot: true })
    expect(decision.allowed).toBe(true)
    expect(decision.writeSlot).toBeTruthy()
    expect(calls).toEqual(['evalSha', 'evalSha', 'eval'])
    expect(await client.zCard('birthday-editor:{birthday:a}:hits')).toBe(3)
    await client.scriptFlush()
    await decision.writeSlot?.release()
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(0)
    // EVAL loaded the script again: the next call goes by SHA.
    calls.length = 0
    await made.limiterStore.hit('birthday:a', 0, LIMIT)
    await made.limiterStore.hit('birthday:a', 0, LIMIT)
    expect(calls).toEqual(['evalSha', 'eval', 'evalSha'])
  })

  it('sends no script by text after a timed-out lease command was released', async () => {
    const { calls, wrapped, holdNext } = recording()
    const made = redisStores(wrapped, { commandTimeoutMs: 50 })
    opened.push(made)
    await made.writeOrderStore.acquire('birthday:warm', 0).then((slot) => slot?.release())
    await new Promise((resolve) => setTimeout(resolve, 50))
    await client.scriptFlush()
    calls.length = 0
    holdNext(150)
    // The first EVALSHA reaches Redis after the timeout (and after the release): NOSCRIPT.
    const acquiring = made.writeOrderStore.acquire('birthday:a', 0)
    await expect(acquiring).rejects.toThrow(/no answer in 50 ms/)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(calls).not.toContain('eval TAKE')
    expect(await client.exists('birthday-editor:{birthday:a}:lease')).toBe(0)
  })
})
