/**
 * The handler under load, served over loopback HTTP: server CPU per valid save of the handler on
 * its Node adapter (`server/node/start.ts`, default logger included) against a bare `node:http` server
 * that does the same sequence with `@clerk/backend` alone (read the body, `verifyToken` with the
 * same `jwtKey` and authorized party, parse, `users.updateUserMetadata`, answer JSON), in
 * alternating slices of one run, at concurrency 1 and 16; and the handler's saves per CPU-second
 * against Clerk's Backend API production limit of 1000 requests per 10 s.
 *
 * Both servers run in one child process whose CPU (`process.cpuUsage`, user + system) is read over
 * IPC before and after each slice; this process generates the load (keep-alive, one socket per
 * concurrent client, 200 users with a token each, in turn) and answers the Backend API with a canned user over
 * loopback HTTP, so neither costs the measured process anything. Each target warms up before the
 * slices. Bounded: about 40 s and at most 200 000 requests. Printed, never asserted.
 * Run alone with `npx tsx bench/handler-load.ts`.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { Agent, createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { generateSigningKey, sessionClaims, signSessionToken } from '../server/testing/tokens.ts'

const ORIGIN = 'http://app.test'
const SECRET = 'sk_test_bench'
const USER = 'user_bench'
const PATH = '/api/update-user-metadata'
/** Distinct tokens of distinct users (a user's saves are written one at a time), used in turn. */
const TOKEN_POOL = 200
const CONCURRENCIES = [1, 16] as const
const WARMUP_MS = 3_000
const SLICE_MS = 1_500
/** Slices per target and concurrency, alternating handler and bare. */
const SLICES = 4
const MAX_REQUESTS = 200_000
/** Clerk's Backend API production rate limit: 1000 requests per 10 s. */
const CLERK_WRITES_PER_SECOND = 100

// ---------------------------------------------------------------------------------------------
// The measured process: both servers.

interface ServeSettings {
  jwtKey: string
  apiUrl: string
}

async function serve(settings: ServeSettings): Promise<void> {
  const { createBirthdayHandler } = await import('../server/handler.ts')
  const { startServer } = await import('../server/node/start.ts')
  const { createClerkClient, verifyToken } = await import('@clerk/backend')
  const handler = createBirthdayHandler({
    secretKey: SECRET,
    jwtKey: settings.jwtKey,
    apiUrl: settings.apiUrl,
    allowedOrigins: [ORIGIN],
    // One user saving thousands of times a second: the limiter would refuse all but five.
    limiterStore: { hit: () => ({ allowed: true, retryAfterMs: 0 }) },
  })
  const served = await startServer({ handler, port: 0 })

  const clerk = createClerkClient({
    secretKey: SECRET,
    apiUrl: settings.apiUrl,
    telemetry: { disabled: true },
  })
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= 1024) chunks.push(chunk)
    })
    req.on('end', () => {
      void (async () => {
        try {
          const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
          const claims = await verifyToken(token, {
            jwtKey: settings.jwtKey,
            authorizedParties: [ORIGIN],
          })
          const { birthday } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            birthday?: unknown
          }
          if (typeof birthday !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(birthday)) {
            res.writeHead(400).end()
            return
          }
          const user = await clerk.users.updateUserMetadata(claims.sub, {
            publicMetadata: { birthday },
          })
          res
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ birthday: user.publicMetadata.birthday }))
        } catch {
          res.writeHead(401).end()
        }
      })()
    })
  })
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve))
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`

  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage()
      process.send?.({ cpuMicros: user + system })
    }
  })
  process.send?.({ handlerUrl: served.url, bareUrl })
}

// ---------------------------------------------------------------------------------------------
// The driver: Backend API stand-in, load and figures.

function cannedUser(): string {
  return JSON.stringify({
    object: 'user',
    id: USER,
    first_name: 'Bench',
    email_addresses: [],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    public_metadata: { birthday: '1990-12-10' },
    private_metadata: {},
    unsafe_metadata: {},
    created_at: 1760000000000,
    updated_at: 1761000000000,
  })
}

async function startCannedBackendApi(): Promise<{ url: string; server: Server }> {
  const body = cannedUser()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

class Child {
  #waiting: ((message: Record<string, unknown>) => void)[] = []
  readonly process: ChildProcess
  constructor(child: ChildProcess) {
    this.process = child
    child.on('message', (message) => this.#waiting.shift()?.(message as Record<string, unknown>))
  }

  next(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  async cpuMicros(): Promise<number> {
    const answer = this.next()
    this.process.send('cpu')
    return Number((await answer).cpuMicros)
  }
}

let sent = 0

/** `concurrency` clients saving in a loop on `url` for `ms`: valid (200) saves and failures. */
async function load(
  url: string,
  concurrency: number,
  ms: number,
  tokens: readonly string[],
): Promise<{ ok: number; failed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const target = new URL(PATH, url)
  const body = JSON.stringify({ birthday: '1990-12-10' })
  const until = performance.now() + ms
  let ok = 0
  let failed = 0
  const one = (token: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            Origin: ORIGIN,
          },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < until && sent < MAX_REQUESTS; i += concurrency) {
        sent += 1
        const status = await one(tokens[i % tokens.length] ?? '').catch(() => 0)
        if (status === 200) ok += 1
        else failed += 1
      }
    }),
  )
  agent.destroy()
  return { ok, failed }
}

export async function benchHandlerLoad(): Promise<Record<string, string | number>> {
  const bapi = await startCannedBackendApi()
  const key = await generateSigningKey('ins_bench')
  const now = Date.now()
  const tokens = await Promise.all(
    Array.from({ length: TOKEN_POOL }, (_, i) =>
      signSessionToken(
        key,
        sessionClaims(`${USER}_${i}`, ORIGIN, now, {
          exp: Math.floor(now / 1000) + 600,
          jti: `jti_load_${i}`,
          sid: `sess_load_${i}`,
        }),
      ),
    ),
  )
  const settings: ServeSettings = { jwtKey: key.publicKeyPem, apiUrl: bapi.url }
  const child = new Child(
    fork(fileURLToPath(import.meta.url), ['serve', JSON.stringify(settings)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  )
  const result: Record<string, string | number> = {}
  try {
    const ready = await child.next()
    const targets = { handler: String(ready.handlerUrl), bare: String(ready.bareUrl) }
    let failures = 0
    let handlerSavesPerCpuSecond = Infinity
    for (const concurrency of CONCURRENCIES) {
      for (const url of Object.values(targets)) await load(url, concurrency, WARMUP_MS, tokens)
      const totals = { handler: { ok: 0, cpu: 0 }, bare: { ok: 0, cpu: 0 } }
      for (let slice = 0; slice < SLICES * 2; slice += 1) {
        // handler, bare, bare, handler, handler, bare…: each goes first equally often.
        const name = (
          slice % 4 === 0 || slice % 4 === 3 ? 'handler' : 'bare'
        ) as keyof typeof totals
        const before = await child.cpuMicros()
        const { ok, failed } = await load(targets[name], concurrency, SLICE_MS, tokens)
        totals[name].cpu += (await child.cpuMicros()) - before
        totals[name].ok += ok
        failures += failed
      }
      const perSave = {
        handler: totals.handler.cpu / totals.handler.ok,
        bare: totals.bare.cpu / totals.bare.ok,
      }
      result[`c=${concurrency}: handler, CPU µs per valid save`] = Math.round(perSave.handler)
      result[`c=${concurrency}: bare node:http + @clerk/backend, CPU µs per save`] = Math.round(
        perSave.bare,
      )
      result[`c=${concurrency}: handler / bare (goal ≤ 1.15)`] = Number(
        (perSave.handler / perSave.bare).toFixed(2),
      )
      result[`c=${concurrency}: handler valid saves per CPU-second`] = Math.round(
        1e6 / perSave.handler,
      )
      handlerSavesPerCpuSecond = Math.min(handlerSavesPerCpuSecond, 1e6 / perSave.handler)
      result[`c=${concurrency}: saves measured (handler / bare)`] =
        `${totals.handler.ok} / ${totals.bare.ok}`
    }
    result[
      'handler saves per CPU-second (lower of the two) / Clerk limit of 100 writes/s (goal ≥ 10)'
    ] = Number((handlerSavesPerCpuSecond / CLERK_WRITES_PER_SECOND).toFixed(1))
    result['non-200 answers'] = failures
  } finally {
    child.process.kill()
    await new Promise((resolve) => bapi.server.close(resolve))
  }
  return result
}

if (process.argv[2] === 'serve') {
  await serve(JSON.parse(process.argv[3] ?? '{}') as ServeSettings)
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const result = await benchHandlerLoad()
  const width = Math.max(...Object.keys(result).map((name) => name.length))
  for (const [name, value] of Object.entries(result)) console.log(`${name.padEnd(width)}  ${value}`)
}
