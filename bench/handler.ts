/**
 * Benchmark of the reference handler: valid saves per server CPU-second (`process.cpuUsage`, user +
 * system) with the Backend API answered in-process by a canned answer, against the floor measured in
 * the same run — an RS256 signature check (WebCrypto, key imported once) plus the JSON parsing of
 * token and body, which any correct handler must do. Also `@clerk/backend`'s `verifyToken` alone,
 * which bounds what a handler built on it can reach.
 *
 * The handler calls the Backend API through `@clerk/backend`, which takes no `fetch` and binds the
 * global one when it is first imported: so the canned answer replaces `globalThis.fetch` before the
 * handler (and with it the SDK) is imported, dynamically. The saves, the floor and `verifyToken`
 * cycle through a pool of distinct tokens minted up front, so no cache of any kind can flatter a
 * figure. Each phase is measured warm: on the reference machine a save keeps getting cheaper for
 * 3–10 s of repetitions (about 1150 µs at first, 590 µs after 2000 saves, 380 µs after 10 s: V8's
 * optimising tiers, undici, zod, the SDK), so each phase warms up for 6 s (at most 40 000
 * operations) before its 1 s measurement (at most 50 000). Bounded: about 21 s in all. Printed, never
 * asserted. Run alone with `npx tsx bench/handler.ts`.
 */
import { generateSigningKey, sessionClaims, signSessionToken } from '../server/testing/tokens.ts'

export const ORIGIN = 'http://app.test'
export const SECRET = 'sk_test_bench'
export const API_URL = 'http://bapi.bench'
const USER = 'user_bench'
/** Distinct tokens, used in turn. */
const TOKEN_POOL = 200
const PHASE_MS = 1_000
/** Saves reach a steady rate only after several seconds of repetitions (see the module comment). */
const WARMUP_MS = 6_000
const MAX_WARMUP_OPS = 40_000
const MAX_OPS = 50_000

/** Warms up, then runs `op` for `PHASE_MS` of wall time (at most `MAX_OPS`): ops per CPU-second. */
async function perCpuSecond(op: () => Promise<void>): Promise<{ rate: number; ops: number }> {
  const warmup = performance.now()
  for (let i = 0; i < MAX_WARMUP_OPS && performance.now() - warmup < WARMUP_MS; i += 1) await op()
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

/** A Backend API user as Clerk sends it (what the SDK deserializes into its `User`). */
function storedUser(): string {
  return JSON.stringify({
    object: 'user',
    id: USER,
    external_id: null,
    username: null,
    first_name: 'Bench',
    last_name: null,
    image_url: '',
    has_image: false,
    primary_email_address_id: 'idn_bench',
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: true,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: [
      {
        object: 'email_address',
        id: 'idn_bench',
        email_address: 'bench@example.test',
        verification: {
          status: 'verified',
          strategy: 'email_code',
          attempts: null,
          expire_at: null,
        },
        linked_to: [],
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    public_metadata: { birthday: '1990-12-10' },
    private_metadata: {},
    unsafe_metadata: {},
    banned: false,
    locked: false,
    last_sign_in_at: 1761000000000,
    last_active_at: 1761000000000,
    created_at: 1760000000000,
    updated_at: 1761000000000,
  })
}

/**
 * Makes `globalThis.fetch` answer every Backend API call under {@link API_URL} with the stored user
 * and pass anything else to the real `fetch`. It stays installed: the SDK keeps a bound copy anyway.
 */
export function installCannedBackendApi() {
  const counts = { calls: 0, writes: 0 }
  const realFetch = globalThis.fetch
  const stored = storedUser()
  const canned: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (!url.startsWith(`${API_URL}/`)) return realFetch(input, init)
    counts.calls += 1
    if (init?.method === 'PATCH') counts.writes += 1
    return new Response(stored, { headers: { 'Content-Type': 'application/json' } })
  }
  globalThis.fetch = canned
  return counts
}

export async function benchHandler(): Promise<Record<string, string | number>> {
  // Before the first import of `@clerk/backend`: it binds the global `fetch` at import.
  const bapi = installCannedBackendApi()
  const { createBirthdayHandler } = await import('../server/handler.ts')
  const { verifyToken } = await import('@clerk/backend')

  const key = await generateSigningKey('ins_bench')
  const handler = createBirthdayHandler({
    secretKey: SECRET,
    jwtKey: key.publicKeyPem,
    apiUrl: API_URL,
    allowedOrigins: [ORIGIN],
    // One user saving thousands of times a second would be refused after five; the limiter's own
    // cost (a ≤ 5-entry array per user) is negligible, so the bench lets everything through.
    limiterStore: { hit: () => ({ allowed: true, retryAfterMs: 0 }) },
    logger: () => undefined,
  })
  const now = Date.now()
  const tokens = await Promise.all(
    Array.from({ length: TOKEN_POOL }, (_, i) =>
      signSessionToken(
        key,
        sessionClaims(USER, ORIGIN, now, {
          exp: Math.floor(now / 1000) + 600,
          jti: `jti_bench_${i}`,
          sid: `sess_bench_${i}`,
        }),
      ),
    ),
  )
  let next = 0
  const nextToken = () => tokens[next++ % TOKEN_POOL] ?? ''
  const body = JSON.stringify({ birthday: '1990-12-10' })

  let failures = 0
  let saveOps = 0
  const saves = await perCpuSecond(async () => {
    saveOps += 1
    const response = await handler(
      new Request('http://handler.bench/api/update-user-metadata', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${nextToken()}`,
          'Content-Type': 'application/json',
          Origin: ORIGIN,
        },
        body,
      }),
    )
    if (response.status !== 200) failures += 1
    await response.arrayBuffer()
  })
  if (bapi.writes !== saveOps) {
    throw new Error(
      `the canned Backend API answered ${bapi.writes} of ${saveOps} saves: ` +
        '@clerk/backend was imported before the bench replaced globalThis.fetch',
    )
  }

  const publicKey = await crypto.subtle.importKey(
    'jwk',
    key.publicJwk,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  const floor = await perCpuSecond(async () => {
    const [header = '', payload = '', signature = ''] = nextToken().split('.')
    JSON.parse(new TextDecoder().decode(base64urlBytes(header)))
    JSON.parse(new TextDecoder().decode(base64urlBytes(payload)))
    const ok = await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      publicKey,
      base64urlBytes(signature),
      new TextEncoder().encode(`${header}.${payload}`),
    )
    if (!ok) failures += 1
    JSON.parse(body)
  })

  const sdkVerify = await perCpuSecond(async () => {
    await verifyToken(nextToken(), { jwtKey: key.publicKeyPem, authorizedParties: [ORIGIN] })
  })

  return {
    'valid saves / CPU-s': Math.round(saves.rate),
    'floor (RS256 verify + JSON parse) / CPU-s': Math.round(floor.rate),
    'ratio saves / floor (goal ≥ 0.8)': Number((saves.rate / floor.rate).toFixed(2)),
    'verifyToken alone / CPU-s': Math.round(sdkVerify.rate),
    'ratio verifyToken / floor (ceiling on top of the SDK)': Number(
      (sdkVerify.rate / floor.rate).toFixed(2),
    ),
    'distinct tokens (cycled)': TOKEN_POOL,
    'saves measured': saves.ops,
    'Backend API writes (warm-up included)': bapi.writes,
    failures,
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const result = await benchHandler()
  const width = Math.max(...Object.keys(result).map((name) => name.length))
  for (const [name, value] of Object.entries(result)) console.log(`${name.padEnd(width)}  ${value}`)
}
