/**
 * Test support: the table of bad requests for the handler's integration test
 * (server/handler.integration.test.ts), each with the status it must get. Every row is sent to a
 * handler of the {@link HandlerRig} with a valid request's defaults (a fresh token for Ada, the
 * listed Origin, a valid JSON body on POST) changed in one way; the test asserts the status, the
 * error body and zero Backend API writes.
 */
import { latestToday } from '../../src/birthday.ts'
import { decodeJwt } from '../../emulator/testing/jwt.ts'
import { signIn } from './emulator-client.ts'
import {
  birthday,
  emuToken,
  mintAt,
  ORIGIN,
  ORIGIN_2,
  PATH,
  seconds,
  type HandlerRig,
} from './handler-rig.ts'
import {
  encodeUnsigned,
  sessionClaims,
  signHs256,
  signSessionToken,
  tamperPayload,
} from './tokens.ts'

export interface Row {
  name: string
  status: number
  via?: 'jwks'
  method?: string
  path?: string
  /** Default ORIGIN; null sends none. */
  origin?: string | null
  /** The Authorization header; default a freshly minted token; null sends none. */
  auth?: (rig: HandlerRig) => Promise<string | null>
  headers?: Record<string, string> | ((rig: HandlerRig) => Promise<Record<string, string>>)
  /** Default application/json on POST; null sends none. */
  contentType?: string | null
  /** Default a valid save on POST. */
  body?: () => BodyInit | null
}

const bearer = (token: Promise<string> | string) => async () => `Bearer ${await token}`
const viaToken = (make: (rig: HandlerRig) => Promise<string>) => async (rig: HandlerRig) =>
  `Bearer ${await make(rig)}`
const post = (body: string | (() => BodyInit), extra: Partial<Row> = {}): Partial<Row> => ({
  method: 'POST',
  body: typeof body === 'string' ? () => body : body,
  ...extra,
})

const AUTH_ROWS: Row[] = [
  { name: 'no Authorization header (GET)', status: 401, auth: async () => null },
  { name: 'no Authorization header (POST)', status: 401, method: 'POST', auth: async () => null },
  { name: 'Basic scheme', status: 401, auth: async () => `Basic ${btoa('ada:lovelace-1815')}` },
  { name: 'Token scheme', status: 401, auth: async (rig) => `Token ${await rig.ada.mint()}` },
  { name: 'bare token, no scheme', status: 401, auth: async (rig) => rig.ada.mint() },
  { name: 'Bearer with nothing', status: 401, auth: async () => 'Bearer ' },
  {
    name: 'two Bearer tokens',
    status: 401,
    auth: async (rig) => `Bearer ${await rig.ada.mint()}, Bearer x`,
  },
  { name: 'malformed JWT: one part', status: 401, auth: bearer('abc') },
  { name: 'malformed JWT: two parts', status: 401, auth: bearer('abc.def') },
  { name: 'malformed JWT: not base64url JSON', status: 401, auth: bearer('a.b.c') },
  {
    name: 'malformed JWT: four parts',
    status: 401,
    auth: async (rig) => `Bearer ${await rig.ada.mint()}.x`,
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
    auth: async (rig) => {
      const real = await rig.ada.mint()
      const claims = decodeJwt(real).payload
      return `Bearer ${encodeUnsigned({ alg: 'none', typ: 'JWT' }, claims)}.${real.split('.')[2]}`
    },
  },
  {
    name: 'HS256 signed with the public key PEM',
    status: 401,
    auth: async (rig) =>
      `Bearer ${await signHs256({ kid: rig.emuKey.kid, typ: 'JWT' }, sessionClaims(rig.ada.userId, ORIGIN), rig.emu.config.jwtKey)}`,
  },
  {
    name: 'HS256 signed with the public key PEM (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: async (rig) =>
      `Bearer ${await signHs256({ kid: rig.emuKey.kid, typ: 'JWT' }, sessionClaims(rig.ada.userId, ORIGIN), rig.emu.config.jwtKey)}`,
  },
  {
    name: 'unknown kid, signed by another key',
    status: 401,
    auth: viaToken((rig) =>
      signSessionToken(rig.strangerKey, sessionClaims(rig.ada.userId, ORIGIN)),
    ),
  },
  {
    name: 'unknown kid, signed by the right key (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) => emuToken(rig, {}, { kid: 'ins_unknown' })),
  },
  {
    name: 'hostile kid: path traversal (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) => emuToken(rig, {}, { kid: '../../../../etc/passwd' })),
  },
  {
    name: 'hostile kid: 5 KB (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) => emuToken(rig, {}, { kid: 'k'.repeat(5000) })),
  },
  {
    name: 'hostile kid: an object (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) => emuToken(rig, {}, { kid: { $ne: null } })),
  },
  {
    name: 'hostile kid: __proto__',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) =>
      signSessionToken(rig.strangerKey, sessionClaims(rig.ada.userId, ORIGIN), {
        kid: '__proto__',
      }),
    ),
  },
  {
    name: 'another key with the emulator kid',
    status: 401,
    auth: viaToken((rig) =>
      signSessionToken(
        { ...rig.strangerKey, kid: rig.emuKey.kid },
        sessionClaims(rig.ada.userId, ORIGIN),
      ),
    ),
  },
  {
    name: 'another key with the emulator kid (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) =>
      signSessionToken(
        { ...rig.strangerKey, kid: rig.emuKey.kid },
        sessionClaims(rig.ada.userId, ORIGIN),
      ),
    ),
  },
  {
    name: 'a token from another emulator instance',
    status: 401,
    auth: async (rig) =>
      `Bearer ${await (await signIn(rig.otherEmu.config.proxyUrl, ORIGIN)).mint()}`,
  },
  {
    name: 'a token from another emulator instance (JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: async (rig) =>
      `Bearer ${await (await signIn(rig.otherEmu.config.proxyUrl, ORIGIN)).mint()}`,
  },
  {
    name: 'expired 7 s ago (past the 5 s skew)',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { exp: seconds() - 7 })),
  },
  {
    name: 'expired 2 s ago (inside the 5 s skew): accepted, read only',
    status: 200,
    auth: viaToken((rig) => emuToken(rig, { exp: seconds() - 2 })),
  },
  {
    name: 'nbf 8 s ahead (past the skew)',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { nbf: seconds() + 8 })),
  },
  {
    name: 'nbf 2 s ahead (inside the skew): accepted, read only',
    status: 200,
    auth: viaToken((rig) => emuToken(rig, { nbf: seconds() + 2 })),
  },
  {
    name: 'iat 8 s ahead',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { iat: seconds() + 8 })),
  },
  {
    name: 'minted by the emulator 70 s in the past (expired)',
    status: 401,
    auth: viaToken((rig) => mintAt(rig, -70_000)),
  },
  {
    name: 'minted by the emulator 30 s in the future (not yet valid)',
    status: 401,
    auth: viaToken((rig) => mintAt(rig, 30_000)),
  },
  { name: 'exp missing', status: 401, auth: viaToken((rig) => emuToken(rig, { exp: undefined })) },
  { name: 'exp a string', status: 401, auth: viaToken((rig) => emuToken(rig, { exp: 'never' })) },
  { name: 'sub missing', status: 401, auth: viaToken((rig) => emuToken(rig, { sub: undefined })) },
  { name: 'sub a number', status: 401, auth: viaToken((rig) => emuToken(rig, { sub: 42 })) },
  {
    name: 'azp missing (minted with no Origin)',
    status: 401,
    auth: viaToken((rig) => rig.ada.mint(null)),
  },
  {
    name: 'azp missing (minted with no Origin, JWKS handler)',
    status: 401,
    via: 'jwks',
    auth: viaToken((rig) => rig.ada.mint(null)),
  },
  {
    name: 'azp of an unlisted origin, request with no Origin',
    status: 401,
    origin: null,
    auth: viaToken((rig) => rig.ada.mint('http://evil.test')),
  },
  {
    name: 'azp look-alike: suffix domain',
    status: 401,
    auth: viaToken((rig) => rig.ada.mint('http://app.test.evil.test')),
  },
  {
    name: 'azp look-alike: https',
    status: 401,
    auth: viaToken((rig) => rig.ada.mint('https://app.test')),
  },
  {
    name: 'azp look-alike: port',
    status: 401,
    auth: viaToken((rig) => rig.ada.mint('http://app.test:8080')),
  },
  {
    name: 'azp look-alike: trailing slash',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { azp: `${ORIGIN}/` })),
  },
  {
    name: 'azp look-alike: upper case',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { azp: 'http://APP.test' })),
  },
  {
    name: 'azp as an array of listed origins',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { azp: [ORIGIN] })),
  },
  {
    name: 'tampered payload: sub of another user',
    status: 401,
    auth: async (rig) => {
      const real = await rig.ada.mint()
      return `Bearer ${tamperPayload(real, { ...decodeJwt(real).payload, sub: 'user_someone_else' })}`
    },
  },
  {
    name: 'tampered payload: exp pushed out',
    status: 401,
    auth: async (rig) => {
      const real = await rig.ada.mint()
      const claims = decodeJwt(real).payload
      return `Bearer ${tamperPayload(real, { ...claims, exp: Number(claims.exp) + 3600 })}`
    },
  },
  {
    name: 'tampered header: alg RS512',
    status: 401,
    auth: async (rig) => {
      const [, payload, signature] = (await rig.ada.mint()).split('.')
      const header = encodeUnsigned({ alg: 'RS512', kid: rig.emuKey.kid, typ: 'JWT' }, {}).split(
        '.',
      )[0]
      return `Bearer ${header}.${payload}.${signature}`
    },
  },
  {
    name: 'typ at+jwt (an OAuth token)',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, {}, { typ: 'at+jwt' })),
  },
  {
    name: 'an M2M token category',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, {}, { cat: 'cl_B7d4PD333AAA' })),
  },
  {
    name: 'a 9 KB token',
    status: 401,
    auth: viaToken((rig) => emuToken(rig, { pad: 'x'.repeat(9000) })),
  },
  {
    name: 'the token in a cookie only',
    status: 401,
    auth: async () => null,
    headers: async (rig) => ({ Cookie: `__session=${await rig.ada.mint()}; ${rig.ada.cookie}` }),
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

/** Every bad request, with the control rows that must succeed. */
export const BAD_REQUESTS: Row[] = [...AUTH_ROWS, ...BODY_ROWS, ...ROUTE_ROWS]

/** Sends a row to the handler it names (with a fresh token for Ada unless the row says otherwise). */
export async function send(rig: HandlerRig, row: Row): Promise<Response> {
  const method = row.method ?? 'GET'
  const headers = new Headers(
    typeof row.headers === 'function' ? await row.headers(rig) : row.headers,
  )
  const origin = row.origin === undefined ? ORIGIN : row.origin
  if (origin !== null) headers.set('Origin', origin)
  const auth = row.auth ? await row.auth(rig) : `Bearer ${await rig.ada.mint()}`
  if (auth !== null) headers.set('Authorization', auth)
  const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
  const contentType = row.contentType === undefined ? 'application/json' : row.contentType
  if (hasBody && contentType !== null) headers.set('Content-Type', contentType)
  const body = hasBody ? (row.body?.() ?? birthday('1990-12-10')) : null
  const server = row.via === 'jwks' ? rig.servers.jwks : rig.servers.jwtKey
  return fetch(`${server.url}${row.path ?? PATH}`, {
    method,
    headers,
    body,
    // @ts-expect-error -- Node's fetch needs duplex for a stream body
    duplex: 'half',
  })
}
