/**
 * Benchmark of the reference handler: valid saves per server CPU-second (`process.cpuUsage`, user +
 * system) with the Backend API answered in-process by a canned answer (the handler's injected
 * `fetch`, so its cost is next to nothing), against the floor measured in the same run — an RS256
 * signature check (WebCrypto, key imported once) plus the JSON parsing of token and body, which any
 * correct handler must do. Also `@clerk/backend`'s `verifyToken` alone, which bounds what a handler
 * built on it can reach. The handler keeps no verification cache, so reusing one token flatters
 * nothing. Bounded: three phases of ~1 s warm-up and ~1 s measurement (at most 50 000 operations each). Printed, never asserted.
 * Run alone with `npx tsx bench/handler.ts`.
 */
import { verifyToken } from '@clerk/backend'
import { createBirthdayHandler } from '../server/handler.ts'
import { generateSigningKey, sessionClaims, signSessionToken } from '../server/testing/tokens.ts'

const ORIGIN = 'http://app.test'
const SECRET = 'sk_test_bench'
const USER = 'user_bench'
const PHASE_MS = 1_000
/** The JIT needs about a second of saves before they reach a steady rate (undici, streams, zod). */
const WARMUP_MS = 1_000
const MAX_OPS = 50_000

/** Warms up, then runs `op` for `PHASE_MS` of wall time (at most `MAX_OPS`): ops per CPU-second. */
async function perCpuSecond(op: () => Promise<void>): Promise<{ rate: number; ops: number }> {
  const warmup = performance.now()
  for (let i = 0; i < MAX_OPS && performance.now() - warmup < WARMUP_MS; i += 1) await op()
  const cpu = process.cpuUsage()
  const started = performance.now()
  let ops = 0
  while (ops < MAX_OPS && performance.now() - started < PHASE_MS) {
    await op()
    ops += 1
  }
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return { rate: ops / cpuSeconds, ops }
}

function base64urlBytes(part: string): Uint8Array<ArrayBuffer> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  )
}

export async function benchHandler(): Promise<Record<string, string | number>> {
  const key = await generateSigningKey('ins_bench')
  const stored = JSON.stringify({
    object: 'user',
    id: USER,
    public_metadata: { birthday: '1990-12-10' },
  })
  const bapi = { calls: 0, writes: 0 }
  const answer: typeof fetch = async (_input, init) => {
    bapi.calls += 1
    if (init?.method === 'PATCH') bapi.writes += 1
    return new Response(stored, { headers: { 'Content-Type': 'application/json' } })
  }
  const handler = createBirthdayHandler({
    secretKey: SECRET,
    jwtKey: key.publicKeyPem,
    apiUrl: 'http://bapi.bench',
    allowedOrigins: [ORIGIN],
    fetch: answer,
    // One user saving thousands of times a second would be refused after five; the limiter's own
    // cost (a ≤ 5-entry array per user) is negligible, so the bench lets everything through.
    limiterStore: { hit: () => ({ allowed: true, retryAfterMs: 0 }) },
    logger: () => undefined,
  })
  // Valid for 60 s, far longer than the run; verification is not cached, so reuse costs nothing.
  const token = await signSessionToken(key, sessionClaims(USER, ORIGIN))
  const body = JSON.stringify({ birthday: '1990-12-10' })

  let failures = 0
  const saves = await perCpuSecond(async () => {
    const response = await handler(
      new Request('http://handler.bench/api/update-user-metadata', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Origin: ORIGIN,
        },
        body,
      }),
    )
    if (response.status !== 200) failures += 1
    await response.arrayBuffer()
  })

  const publicKey = await crypto.subtle.importKey(
    'jwk',
    key.publicJwk,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  const [header = '', payload = '', signature = ''] = token.split('.')
  const signed = new TextEncoder().encode(`${header}.${payload}`)
  const floor = await perCpuSecond(async () => {
    JSON.parse(new TextDecoder().decode(base64urlBytes(header)))
    JSON.parse(new TextDecoder().decode(base64urlBytes(payload)))
    const ok = await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      publicKey,
      base64urlBytes(signature),
      signed,
    )
    if (!ok) failures += 1
    JSON.parse(body)
  })

  const sdkVerify = await perCpuSecond(async () => {
    await verifyToken(token, { jwtKey: key.publicKeyPem, authorizedParties: [ORIGIN] })
  })

  return {
    'valid saves / CPU-s': Math.round(saves.rate),
    'floor (RS256 verify + JSON parse) / CPU-s': Math.round(floor.rate),
    'ratio saves / floor (goal ≥ 0.8)': Number((saves.rate / floor.rate).toFixed(2)),
    'verifyToken alone / CPU-s': Math.round(sdkVerify.rate),
    'ratio verifyToken / floor (ceiling on top of the SDK)': Number(
      (sdkVerify.rate / floor.rate).toFixed(2),
    ),
    'saves measured': saves.ops,
    'Backend API writes': bapi.writes,
    failures,
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const result = await benchHandler()
  const width = Math.max(...Object.keys(result).map((name) => name.length))
  for (const [name, value] of Object.entries(result)) console.log(`${name.padEnd(width)}  ${value}`)
}
