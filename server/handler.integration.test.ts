/**
 * Integration: the handler served by `node.ts` on loopback, calling the real emulator's Backend API
 * over HTTP, with session tokens minted by signing in through the emulator's Frontend API. Every bad
 * request in the table must get its status and cause zero Backend API writes (emulator counters).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../emulator/start.ts'
import { decodeJwt } from '../emulator/testing/jwt.ts'
import { latestToday } from '../src/birthday.ts'
import { createBirthdayHandler, type BirthdayHandlerOptions, type LogEntry } from './handler.ts'
import { startServer, type RunningServer } from './node.ts'
import {
  backendCall,
  backendUser,
  control,
  counters,
  signIn,
  type EmulatorSession,
} from './testing/emulator-client.ts'
import {
  encodeUnsigned,
  generateSigningKey,
  sessionClaims,
  signHs256,
  signSessionToken,
  tamperPayload,
  type SigningKey,
} from './testing/tokens.ts'

const ORIGIN = 'http://app.test'
const ORIGIN_2 = 'http://admin.app.test'
const PATH = '/api/update-user-metadata'
const GRACE = { email: 'grace@example.test', password: 'cobol-1959-hopper' }

let emu: StartedEmulator
let otherEmu: StartedEmulator
/** The emulator's own signing key (handed to it), so edge-case tokens can be signed exactly. */
let emuKey: SigningKey
let strangerKey: SigningKey
let ada: EmulatorSession
let servers: { jwtKey: RunningServer; jwks: RunningServer }
const logs: LogEntry[] = []

function handlerOptions(overrides: Partial<BirthdayHandlerOptions> = {}): BirthdayHandlerOptions {
  return {
    secretKey: emu.config.secretKey,
    publishableKey: emu.config.publishableKey,
    jwtKey: emu.config.jwtKey,
    apiUrl: emu.config.apiUrl,
    allowedOrigins: [ORIGIN, ORIGIN_2],
    path: PATH,
    rateLimit: { max: 10_000, windowMs: 10_000 },
    logger: (entry) => logs.push(entry),
    ...overrides,
  }
}

beforeAll(async () => {
  emuKey = await generateSigningKey('pending')
  strangerKey = await generateSigningKey('ins_stranger')
  emu = await startEmulator({
    privateKeyPem: emuKey.privateKeyPem,
    users: [
      {
        email: 'ada@example.test',
        password: 'lovelace-1815',
        firstName: 'Ada',
        publicMetadata: { birthday: '1990-12-10' },
      },
      {
        ...GRACE,
        firstName: 'Grace',
        publicMetadata: {
          birthday: '1906-12-09',
          theme: { color: 'navy', size: 2 },
          roles: ['admin'],
        },
      },
    ],
  })
  otherEmu = await startEmulator()
  const jwks = (await (
    await fetch(`${emu.config.apiUrl}/v1/jwks`, {
      headers: { Authorization: `Bearer ${emu.config.secretKey}` },
    })
  ).json()) as { keys: { kid: string }[] }
  emuKey = { ...emuKey, kid: jwks.keys[0]?.kid ?? 'missing' }
  servers = {
    jwtKey: await startServer({ handler: createBirthdayHandler(handlerOptions()), port: 0 }),
    jwks: await startServer({
      handler: createBirthdayHandler(handlerOptions({ jwtKey: undefined })),
      port: 0,
    }),
  }
  ada = await signIn(emu.config.proxyUrl, ORIGIN)
}, 30_000)

afterAll(async () => {
  await Promise.all([servers.jwtKey.close(), servers.jwks.close(), emu.close(), otherEmu.close()])
})

const seconds = () => Math.floor(Date.now() / 1000)

/** A token signed with the emulator's key: indistinguishable from one it minted. */
function emuToken(overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return signSessionToken(emuKey, sessionClaims(ada.userId, ORIGIN, Date.now(), overrides), header)
}

/** Mints with the emulator's clock shifted by `offsetMs`. */
async function mintAt(offsetMs: number): Promise<string> {
  await control(emu.config.proxyUrl, 'PATCH', 'settings', { clockOffsetMs: offsetMs })
  try {
    return await ada.mint()
  } finally {
    await control(emu.config.proxyUrl, 'PATCH', 'settings', { clockOffsetMs: 0 })
  }
}

interface Row {
  name: string
  status: number
  via?: 'jwks'
  method?: string
  path?: string
  /** Default ORIGIN; null sends none. */
  origin?: string | null
  /** The Authorization header; default a freshly minted token; null sends none. */
  auth?: () => Promise<string | null>
  headers?: Record<string, string> | (() => Promise<Record<string, string>>)
  /** Default application/json on POST; null sends none. */
  contentType?: string | null
  /** Default a valid save on POST. */
  body?: () => BodyInit | null
}

const bearer = (token: Promise<string> | string) => async () => `Bearer ${await token}`
const viaToken = (make: () => Promise<string>) => async () => `Bearer ${await make()}`
const post = (body: string | (() => BodyInit), extra: Partial<Row> = {}): Partial<Row> => ({
  method: 'POST',
  body: typeof body === 'string' ? () => body : body,
  ...extra,
})
const birthday = (value: unknown) => JSON.stringify({ birthday: value })

const AUTH_ROWS: Row[] = [
  { name: 'no Authorization header (GET)', status: 401, auth: async () => null },
  { name: 'no Authorization header (POST)', status: 401, method: 'POST', auth: async () => null },
  { name: 'Basic scheme', status: 401, auth: async () => `Basic ${btoa('ada:lovelace-1815')}` },
  { name: 'Token scheme', status: 401, auth: async () => `Token ${await ada.mint()}` },
  { name: 'bare token, no scheme', status: 401, auth: async () => ada.mint() },
  { name: 'Bearer with nothing', status: 401, auth: async () => 'Bearer ' },
  {
    name: 'two Bearer tokens',
    status: 401,
    auth: async () => `Bearer ${await ada.mint()}, Bearer x`,
  },
  { name: 'malformed JWT: one part', status: 401, auth: bearer('abc') },
  { name: 'malformed JWT: two parts', status: 401, auth: bearer('abc.def') },
  { name: 'malformed JWT: not base64url JSON', status: 401, auth: bearer('a.b.c') },
  {
    name: 'malformed JWT: four parts',
    status: 401,
    auth: async () => `Bearer ${await ada.mint()}.x`,
  },
  {
    name: 'alg none, empty signature',
    status: 401,
    auth: bearer(
      `${encodeUnsigned({ alg: 'none', typ: 'JWT' }, sessionClaims('user_x', ORIGIN))}.`,
    ),
  },
  {
    name: 'alg none, signature kept from a real token',
    status: 401,
    via: 'jwks',
    auth: async () => {
      const real = await ada.mint()
      const claims = decodeJwt(real).payload
      return `Bearer ${encodeUnsigned({ alg: 'none', typ: 'JWT' }, claims)}.${real.split('.')[2]}`
    },
  },
  {
    name: 'HS256 signed with the public key PEM',
    status: 401,
    auth: async () =>
      `Bearer ${await signHs256({ kid: emuKey.kid, typ: 'JWT' }, sessionClaims(ada.userId, ORIGIN), emu.config.jwtKey)}`,
  },
  {
    name: 'HS256 signed with the public key PEM (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: async () =>
      `Bearer ${await signHs256({ kid: emuKey.kid, typ: 'JWT' }, sessionClaims(ada.userId, ORIGIN), emu.config.jwtKey)}`,
  },
  {
    name: 'unknown kid, signed by another key',
    status: 401,
    auth: viaToken(() => signSessionToken(strangerKey, sessionClaims(ada.userId, ORIGIN))),
  },
  {
    name: 'unknown kid, signed by the right key (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken(() => emuToken({}, { kid: 'ins_unknown' })),
  },
  {
    name: 'hostile kid: path traversal (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken(() => emuToken({}, { kid: '../../../../etc/passwd' })),
  },
  {
    name: 'hostile kid: 5 KB (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken(() => emuToken({}, { kid: 'k'.repeat(5000) })),
  },
  {
    name: 'hostile kid: an object (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken(() => emuToken({}, { kid: { $ne: null } })),
  },
  {
    name: 'hostile kid: __proto__',
    status: 401,
    via: 'jwks',
    auth: viaToken(() =>
      signSessionToken(strangerKey, sessionClaims(ada.userId, ORIGIN), { kid: '__proto__' }),
    ),
  },
  {
    name: 'another key with the emulator kid',
    status: 401,
    auth: viaToken(() =>
      signSessionToken({ ...strangerKey, kid: emuKey.kid }, sessionClaims(ada.userId, ORIGIN)),
    ),
  },
  {
    name: 'another key with the emulator kid (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken(() =>
      signSessionToken({ ...strangerKey, kid: emuKey.kid }, sessionClaims(ada.userId, ORIGIN)),
    ),
  },
  {
    name: 'a token from another emulator instance',
    status: 401,
    auth: async () => `Bearer ${await (await signIn(otherEmu.config.proxyUrl, ORIGIN)).mint()}`,
  },
  {
    name: 'a token from another emulator instance (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: async () => `Bearer ${await (await signIn(otherEmu.config.proxyUrl, ORIGIN)).mint()}`,
  },
  {
    name: 'expired 7 s ago (past the 5 s skew)',
    status: 401,
    auth: viaToken(() => emuToken({ exp: seconds() - 7 })),
  },
  {
    name: 'expired 2 s ago (inside the 5 s skew): accepted, read only',
    status: 200,
    auth: viaToken(() => emuToken({ exp: seconds() - 2 })),
  },
  {
    name: 'nbf 8 s ahead (past the skew)',
    status: 401,
    auth: viaToken(() => emuToken({ nbf: seconds() + 8 })),
  },
  {
    name: 'nbf 2 s ahead (inside the skew): accepted, read only',
    status: 200,
    auth: viaToken(() => emuToken({ nbf: seconds() + 2 })),
  },
  {
    name: 'iat 8 s ahead',
    status: 401,
    auth: viaToken(() => emuToken({ iat: seconds() + 8 })),
  },
  {
    name: 'minted by the emulator 70 s in the past (expired)',
    status: 401,
    auth: viaToken(() => mintAt(-70_000)),
  },
  {
    name: 'minted by the emulator 30 s in the future (not yet valid)',
    status: 401,
    auth: viaToken(() => mintAt(30_000)),
  },
  { name: 'exp missing', status: 401, auth: viaToken(() => emuToken({ exp: undefined })) },
  { name: 'exp a string', status: 401, auth: viaToken(() => emuToken({ exp: 'never' })) },
  { name: 'sub missing', status: 401, auth: viaToken(() => emuToken({ sub: undefined })) },
  { name: 'sub a number', status: 401, auth: viaToken(() => emuToken({ sub: 42 })) },
  {
    name: 'azp missing (minted with no Origin)',
    status: 401,
    auth: viaToken(() => ada.mint(null)),
  },
  {
    name: 'azp missing (minted with no Origin, JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken(() => ada.mint(null)),
  },
  {
    name: 'azp of an unlisted origin, request with no Origin',
    status: 401,
    origin: null,
    auth: viaToken(() => ada.mint('http://evil.test')),
  },
  {
    name: 'azp look-alike: suffix domain',
    status: 401,
    auth: viaToken(() => ada.mint('http://app.test.evil.test')),
  },
  {
    name: 'azp look-alike: https',
    status: 401,
    auth: viaToken(() => ada.mint('https://app.test')),
  },
  {
    name: 'azp look-alike: port',
    status: 401,
    auth: viaToken(() => ada.mint('http://app.test:8080')),
  },
  {
    name: 'azp look-alike: trailing slash',
    status: 401,
    auth: viaToken(() => emuToken({ azp: `${ORIGIN}/` })),
  },
  {
    name: 'azp look-alike: upper case',
    status: 401,
    auth: viaToken(() => emuToken({ azp: 'http://APP.test' })),
  },
  {
    name: 'azp as an array of listed origins',
    status: 401,
    auth: viaToken(() => emuToken({ azp: [ORIGIN] })),
  },
  {
    name: 'tampered payload: sub of another user',
    status: 401,
    auth: async () => {
      const real = await ada.mint()
      return `Bearer ${tamperPayload(real, { ...decodeJwt(real).payload, sub: 'user_someone_else' })}`
    },
  },
  {
    name: 'tampered payload: exp pushed out',
    status: 401,
    auth: async () => {
      const real = await ada.mint()
      const claims = decodeJwt(real).payload
      return `Bearer ${tamperPayload(real, { ...claims, exp: Number(claims.exp) + 3600 })}`
    },
  },
  {
    name: 'tampered header: alg RS512',
    status: 401,
    auth: async () => {
      const [, payload, signature] = (await ada.mint()).split('.')
      const header = encodeUnsigned({ alg: 'RS512', kid: emuKey.kid, typ: 'JWT' }, {}).split('.')[0]
      return `Bearer ${header}.${payload}.${signature}`
    },
  },
  {
    name: 'typ at+jwt (an OAuth token)',
    status: 401,
    auth: viaToken(() => emuToken({}, { typ: 'at+jwt' })),
  },
  {
    name: 'an M2M token category',
    status: 401,
    auth: viaToken(() => emuToken({}, { cat: 'cl_B7d4PD333AAA' })),
  },
  {
    name: 'a 9 KB token',
    status: 401,
    auth: viaToken(() => emuToken({ pad: 'x'.repeat(9000) })),
  },
  {
    name: 'the token in a cookie only',
    status: 401,
    auth: async () => null,
    headers: async () => ({ Cookie: `__session=${await ada.mint()}; ${ada.cookie}` }),
  },
  {
    name: 'the token in the query string only',
    status: 401,
    auth: async () => null,
    path: `${PATH}?token=x`,
  },
]

const tomorrowAtUtc14 = () => {
  const latest = latestToday()
  return new Date(Date.parse(`${latest}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

const BODY_ROWS: Row[] = (
  [
    ['malformed JSON', post('{"birthday":'), 400],
    ['empty body', post(''), 400],
    ['JSON null', post('null'), 400],
    ['JSON array', post('["1990-12-10"]'), 400],
    ['JSON string', post('"1990-12-10"'), 400],
    ['trailing garbage', post('{"birthday":"1990-12-10"} x'), 400],
    ['wrong type: number', post(birthday(19901210)), 400],
    ['wrong type: boolean', post(birthday(true)), 400],
    ['wrong type: object', post(birthday({ year: 1990 })), 400],
    ['wrong type: array', post(birthday(['1990-12-10'])), 400],
    ['missing key', post('{}'), 400],
    ['extra key', post('{"birthday":"1990-12-10","admin":true}'), 400],
    ["another user's id in the body", post('{"birthday":"1990-12-10","userId":"user_other"}'), 400],
    ['sub in the body', post('{"birthday":"1990-12-10","sub":"user_other"}'), 400],
    [
      'public_metadata in the body',
      post('{"birthday":"1990-12-10","public_metadata":{"role":"admin"}}'),
      400,
    ],
    ['__proto__ in the body', post('{"birthday":"1990-12-10","__proto__":{"admin":true}}'), 400],
    [
      'duplicate key, last one invalid',
      post('{"birthday":"1990-12-10","birthday":"1990-02-30"}'),
      400,
    ],
    ['impossible date 1990-02-30', post(birthday('1990-02-30')), 400],
    ['impossible date 2023-02-29', post(birthday('2023-02-29')), 400],
    ['impossible date 1900-02-29', post(birthday('1900-02-29')), 400],
    ['month 13', post(birthday('1990-13-01')), 400],
    ['month 00', post(birthday('1990-00-10')), 400],
    ['day 00', post(birthday('1990-12-00')), 400],
    ['day 32', post(birthday('1990-01-32')), 400],
    ['format: unpadded', post(birthday('1990-1-1')), 400],
    ['format: DD/MM/YYYY', post(birthday('10/12/1990')), 400],
    ['format: a timestamp', post(birthday('1990-12-10T00:00:00Z')), 400],
    ['format: leading space', post(birthday(' 1990-12-10')), 400],
    ['format: no dashes', post(birthday('19901210')), 400],
    ['format: expanded year', post(birthday('+01990-12-10')), 400],
    ['format: empty string', post(birthday('')), 400],
    ['format: Arabic-Indic digits', post(birthday('١٩٩٠-١٢-١٠')), 400],
    ['out of range: 1899-12-31', post(birthday('1899-12-31')), 400],
    ['out of range: 0000-01-01', post(birthday('0000-01-01')), 400],
    ['out of range: 9999-12-31', post(birthday('9999-12-31')), 400],
    ['out of range: tomorrow at UTC+14', post(() => birthday(tomorrowAtUtc14())), 400],
    ['invalid UTF-8', post(() => new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])), 400],
    [
      'oversized: 2 KB',
      post(JSON.stringify({ birthday: '1990-12-10', pad: 'x'.repeat(2048) })),
      413,
    ],
    ['oversized: 1 MB', post(' '.repeat(1_000_000) + birthday('1990-12-10')), 413],
    [
      'oversized: streamed with no Content-Length',
      post(() => {
        let sent = 0
        return new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += 1
            if (sent > 64) controller.close()
            else controller.enqueue(new Uint8Array(1024).fill(0x20))
          },
        })
      }),
      413,
    ],
    ['Content-Type: text/plain', post(birthday('1990-12-10'), { contentType: 'text/plain' }), 415],
    [
      'no Content-Type',
      post(() => new Uint8Array(new TextEncoder().encode(birthday('1990-12-10'))), {
        contentType: null,
      }),
      415,
    ],
    [
      'Content-Type: form',
      post('birthday=1990-12-10', { contentType: 'application/x-www-form-urlencoded' }),
      415,
    ],
    [
      'Content-Type: multipart',
      post(birthday('1990-12-10'), { contentType: 'multipart/form-data; boundary=x' }),
      415,
    ],
    ['Content-Type: text/json', post(birthday('1990-12-10'), { contentType: 'text/json' }), 415],
    [
      'Content-Type: application/json-patch+json',
      post(birthday('1990-12-10'), { contentType: 'application/json-patch+json' }),
      415,
    ],
    [
      'Content-Type: JSON in Latin-1',
      post(birthday('1990-12-10'), { contentType: 'application/json; charset=iso-8859-1' }),
      415,
    ],
  ] as const
).map(([name, row, status]) => ({ name, status, ...row }))

const ROUTE_ROWS: Row[] = [
  { name: 'PUT', status: 405, method: 'PUT', body: () => birthday('1990-12-10') },
  { name: 'PATCH', status: 405, method: 'PATCH', body: () => birthday('1990-12-10') },
  { name: 'DELETE', status: 405, method: 'DELETE' },
  { name: 'HEAD', status: 405, method: 'HEAD' },
  { name: 'another path', status: 404, path: '/api/other' },
  { name: 'the path with a trailing slash', status: 404, path: `${PATH}/` },
  { name: 'the path in upper case', status: 404, path: PATH.toUpperCase() },
  { name: 'below the path', status: 404, method: 'POST', path: `${PATH}/user_other` },
  { name: 'the root', status: 404, path: '/' },
  {
    name: 'preflight from a listed origin',
    status: 204,
    method: 'OPTIONS',
    auth: async () => null,
    headers: { 'Access-Control-Request-Method': 'POST' },
  },
  {
    name: 'preflight from the second listed origin',
    status: 204,
    method: 'OPTIONS',
    origin: ORIGIN_2,
    auth: async () => null,
  },
  {
    name: 'preflight from an unlisted origin',
    status: 403,
    method: 'OPTIONS',
    origin: 'http://evil.test',
    auth: async () => null,
    headers: { 'Access-Control-Request-Method': 'POST' },
  },
  {
    name: 'GET from an unlisted origin with a valid token',
    status: 403,
    origin: 'http://evil.test',
  },
  {
    name: 'POST from an unlisted origin with a valid token and body',
    status: 403,
    method: 'POST',
    origin: 'http://evil.test',
  },
  { name: 'POST from Origin: null', status: 403, method: 'POST', origin: 'null' },
  {
    name: 'POST from a look-alike origin',
    status: 403,
    method: 'POST',
    origin: 'http://app.test.evil.test',
  },
  { name: 'GET from a listed origin (control row)', status: 200 },
]

const TABLE: Row[] = [...AUTH_ROWS, ...BODY_ROWS, ...ROUTE_ROWS]

async function send(row: Row): Promise<Response> {
  const method = row.method ?? 'GET'
  const headers = new Headers(typeof row.headers === 'function' ? await row.headers() : row.headers)
  const origin = row.origin === undefined ? ORIGIN : row.origin
  if (origin !== null) headers.set('Origin', origin)
  const auth = row.auth ? await row.auth() : `Bearer ${await ada.mint()}`
  if (auth !== null) headers.set('Authorization', auth)
  const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
  const contentType = row.contentType === undefined ? 'application/json' : row.contentType
  if (hasBody && contentType !== null) headers.set('Content-Type', contentType)
  const body = hasBody ? (row.body?.() ?? birthday('1990-12-10')) : null
  const server = row.via === 'jwks' ? servers.jwks : servers.jwtKey
  return fetch(`${server.url}${row.path ?? PATH}`, {
    method,
    headers,
    body,
    // @ts-expect-error -- Node's fetch needs duplex for a stream body
    duplex: 'half',
  })
}

describe('the table of bad requests', () => {
  it('has at least 60 rows', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60)
  })

  it.each(TABLE.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const before = await counters(emu.config.proxyUrl)
    const response = await send(row)
    expect(response.status).toBe(row.status)
    const text = await response.text()
    if (row.status >= 400 && row.method !== 'HEAD') {
      const body = JSON.parse(text) as { error: { code: string; message: string } }
      expect(Object.keys(body)).toEqual(['error'])
      expect(Object.keys(body.error)).toEqual(['code', 'message'])
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    }
    if (row.status === 401) {
      expect(text).toBe(
        '{"error":{"code":"unauthenticated","message":"a valid session token is required"}}',
      )
    }
    if (row.status === 403) {
      const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control'))
      expect(cors).toEqual([])
    }
    if (row.status === 204) {
      expect(response.headers.get('access-control-allow-origin')).toBe(row.origin ?? ORIGIN)
      expect(response.headers.get('vary')).toBe('Origin')
      expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThanOrEqual(3600)
    }
    const after = await counters(emu.config.proxyUrl)
    expect(after.bapiWrites - before.bapiWrites).toBe(0)
  })

  it('left the stored birthday and the write counter untouched', async () => {
    const user = await backendUser(emu.config.apiUrl, emu.config.secretKey, ada.userId)
    expect(user.public_metadata).toEqual({ birthday: '1990-12-10' })
    expect((await counters(emu.config.proxyUrl)).bapiWrites).toBe(0)
  })
})

describe('against the emulator: saves', () => {
  beforeEach(async () => {
    await control(emu.config.proxyUrl, 'DELETE', 'faults')
  })

  async function save(server: RunningServer, token: string, value: string | null) {
    return fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Origin: ORIGIN,
      },
      body: birthday(value),
    })
  }

  it('POST writes, GET reads back from the Backend API, and a new token carries the claim', async () => {
    for (const server of [servers.jwtKey, servers.jwks]) {
      const response = await save(server, await ada.mint(), '1991-02-03')
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
      expect(await response.json()).toEqual({ birthday: '1991-02-03' })
      const read = await fetch(`${server.url}${PATH}`, {
        headers: { Authorization: `Bearer ${await ada.mint()}` },
      })
      expect(await read.json()).toEqual({ birthday: '1991-02-03' })
      expect(decodeJwt(await ada.mint()).payload.birthday).toBe('1991-02-03')
    }
    await save(servers.jwtKey, await ada.mint(), '1990-12-10')
  })

  it('merge semantics: only public_metadata.birthday changes; null removes it', async () => {
    const grace = await signIn(emu.config.proxyUrl, ORIGIN_2, GRACE)
    await backendCall(
      emu.config.apiUrl,
      emu.config.secretKey,
      'PATCH',
      `/users/${grace.userId}/metadata`,
      {
        private_metadata: { plan: 'pro', limits: { seats: 3 } },
        unsafe_metadata: { onboarding: { done: true } },
      },
    )
    const before = await backendUser(emu.config.apiUrl, emu.config.secretKey, grace.userId)
    const response = await fetch(`${servers.jwtKey.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await grace.mint()}`,
        'Content-Type': 'application/json',
        Origin: ORIGIN_2,
      },
      body: birthday('1906-12-10'),
    })
    expect(await response.json()).toEqual({ birthday: '1906-12-10' })
    const after = await backendUser(emu.config.apiUrl, emu.config.secretKey, grace.userId)
    expect(after.public_metadata).toEqual({
      birthday: '1906-12-10',
      theme: { color: 'navy', size: 2 },
      roles: ['admin'],
    })
    expect(after.private_metadata).toEqual(before.private_metadata)
    expect(after.unsafe_metadata).toEqual(before.unsafe_metadata)
    const removed = await fetch(`${servers.jwtKey.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await grace.mint()}`,
        'Content-Type': 'application/json',
      },
      body: birthday(null),
    })
    expect(await removed.json()).toEqual({ birthday: null })
    const final = await backendUser(emu.config.apiUrl, emu.config.secretKey, grace.userId)
    expect(final.public_metadata).toEqual({ theme: { color: 'navy', size: 2 }, roles: ['admin'] })
    expect(final.private_metadata).toEqual({ plan: 'pro', limits: { seats: 3 } })
  })
})

describe('against the emulator: upstream faults', () => {
  let faulty: RunningServer

  beforeAll(async () => {
    faulty = await startServer({
      handler: createBirthdayHandler(handlerOptions({ upstreamTimeoutMs: 1_500 })),
      port: 0,
    })
  })

  afterAll(async () => {
    await faulty.close()
  })

  beforeEach(async () => {
    await control(emu.config.proxyUrl, 'DELETE', 'faults')
    await control(emu.config.proxyUrl, 'DELETE', 'requests')
  })

  async function fault(spec: Record<string, unknown>) {
    await control(emu.config.proxyUrl, 'POST', 'faults', spec)
  }

  async function saveVia(server: RunningServer) {
    return fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await ada.mint()}`, 'Content-Type': 'application/json' },
      body: birthday('1990-12-10'),
    })
  }

  async function patches(): Promise<number> {
    return (await counters(emu.config.proxyUrl)).routes['PATCH /api/v1/users/:id/metadata'] ?? 0
  }

  const METADATA = '/api/v1/users/*/metadata'

  it('a single 500 is retried once and succeeds', async () => {
    await fault({ method: 'PATCH', path: METADATA, status: 500 })
    const response = await saveVia(faulty)
    expect(response.status).toBe(200)
    expect(await patches()).toBe(2)
  })

  it.each([
    ['500, twice', { status: 500, times: 2 }, 502, 'upstream_error'],
    ['503, twice', { status: 503, times: 2 }, 503, 'upstream_unavailable'],
    ['a dropped connection, twice', { drop: true, times: 2 }, 502, 'upstream_error'],
  ])('%s → %s with Retry-After, after exactly two attempts', async (_, spec, status, code) => {
    await fault({ method: 'PATCH', path: METADATA, ...spec })
    const response = await saveVia(faulty)
    expect(response.status).toBe(status)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code)
    expect(await patches()).toBe(2)
  })

  it('a dropped connection once is retried and succeeds', async () => {
    await fault({ method: 'PATCH', path: METADATA, drop: true })
    expect((await saveVia(faulty)).status).toBe(200)
  })

  it('a hang is a 504 within the deadline; the hung write keeps the next save out (409)', async () => {
    // Its own handler: the hung write holds this user's write slot until it settles.
    const hung = await startServer({
      handler: createBirthdayHandler(
        handlerOptions({ upstreamTimeoutMs: 1_500, writeWaitMs: 200 }),
      ),
      port: 0,
    })
    try {
      await fault({ method: 'PATCH', path: METADATA, hang: true })
      const started = Date.now()
      const response = await saveVia(hung)
      expect(response.status).toBe(504)
      expect(response.headers.get('retry-after')).toBe('5')
      expect(Date.now() - started).toBeLessThan(3_000)
      const next = await saveVia(hung)
      expect(next.status).toBe(409)
      expect(next.headers.get('retry-after')).toBe('2')
    } finally {
      await hung.close()
    }
  })

  it('the default deadline is 5 s', async () => {
    await fault({ method: 'GET', path: '/api/v1/users/*', hang: true })
    const token = await ada.mint()
    const started = Date.now()
    const response = await fetch(`${servers.jwtKey.url}${PATH}`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(504)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(4_900)
    expect(elapsed).toBeLessThan(6_500)
  }, 10_000)

  it('a Clerk 429 passes its Retry-After through, with no retry', async () => {
    await fault({ method: 'PATCH', path: METADATA, status: 429 })
    const response = await saveVia(faulty)
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await patches()).toBe(1)
  })

  it("Clerk's own write limit: its computed Retry-After reaches the client", async () => {
    const limited = await startEmulator({ metadataWriteLimit: { max: 1, windowMs: 30_000 } })
    const handler = createBirthdayHandler({
      secretKey: limited.config.secretKey,
      jwtKey: limited.config.jwtKey,
      apiUrl: limited.config.apiUrl,
      allowedOrigins: [ORIGIN],
      logger: () => undefined,
    })
    try {
      const session = await signIn(limited.config.proxyUrl, ORIGIN)
      const request = async () =>
        handler(
          new Request(`http://handler${PATH}`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${await session.mint()}`,
              'Content-Type': 'application/json',
            },
            body: birthday('2000-01-01'),
          }),
        )
      expect((await request()).status).toBe(200)
      const refused = await request()
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(25)
    } finally {
      await limited.close()
    }
  })

  it('GET: a 500 twice is a 502', async () => {
    await fault({ method: 'GET', path: '/api/v1/users/*', status: 500, times: 2 })
    const response = await fetch(`${faulty.url}${PATH}`, {
      headers: { Authorization: `Bearer ${await ada.mint()}` },
    })
    expect(response.status).toBe(502)
  })

  it('a slow but timely Backend API is fine', async () => {
    await fault({ method: 'PATCH', path: METADATA, delayMs: 400 })
    expect((await saveVia(faulty)).status).toBe(200)
  })

  it('a JWKS outage is a 503 for the JWKS handler, not a 401', async () => {
    const fresh = await startServer({
      handler: createBirthdayHandler(
        handlerOptions({ jwtKey: undefined, upstreamTimeoutMs: 1_500 }),
      ),
      port: 0,
    })
    try {
      await fault({ method: 'GET', path: '/api/v1/jwks', status: 503, times: 2 })
      const response = await fetch(`${fresh.url}${PATH}`, {
        headers: { Authorization: `Bearer ${await ada.mint()}` },
      })
      expect(response.status).toBe(503)
    } finally {
      await fresh.close()
    }
  })

  it('a user deleted after the token was minted: the same 401, one unretried write attempt', async () => {
    const created = await backendCall(emu.config.apiUrl, emu.config.secretKey, 'POST', '/users', {
      email_address: ['temp@example.test'],
      password: 'temporary-pass-1',
    })
    const temp = await signIn(emu.config.proxyUrl, ORIGIN, {
      email: 'temp@example.test',
      password: 'temporary-pass-1',
    })
    expect(temp.userId).toBe(created.id)
    const token = await temp.mint()
    // reset goes back to the seed users: the new user is gone, the signing key stays.
    await control(emu.config.proxyUrl, 'POST', 'reset')
    const writesBefore = (await counters(emu.config.proxyUrl)).bapiWrites
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${faulty.url}${PATH}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: method === 'POST' ? birthday('2000-01-01') : null,
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        error: { code: 'unauthenticated', message: 'a valid session token is required' },
      })
    }
    // The POST cannot know the user is gone without asking: one write attempt, answered 404, not retried.
    expect((await counters(emu.config.proxyUrl)).bapiWrites).toBe(writesBefore + 1)
    expect(logs.filter((entry) => entry.reason === 'user_not_found')).toHaveLength(2)
    ada = await signIn(emu.config.proxyUrl, ORIGIN)
  })
})
