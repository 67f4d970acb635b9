/**
 * Test support: RSA keys and hand-made JWTs (good ones and every kind of bad one), so the handler's
 * unit tests, the bench and the fuzz run can mint tokens without Clerk or the emulator.
 */

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  /** SPKI PEM, what the handler takes as `jwtKey`. */
  publicKeyPem: string
  publicJwk: JsonWebKey & { kid: string }
  /** PKCS#8 PEM, what the emulator takes as `privateKeyPem`. */
  privateKeyPem: string
}

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

export function base64url(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function pem(der: ArrayBuffer, label: string): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)))
  const lines = (base64.match(/.{1,64}/g) ?? []).join('\n')
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`
}

/** A fresh RSA key (2048-bit unless told otherwise: `verifyToken`'s `jwtKey` only takes 2048). */
export async function generateSigningKey(
  kid = 'ins_test',
  modulusLength = 2048,
): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey(
    { ...RS256, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return {
    kid,
    privateKey: pair.privateKey,
    publicKeyPem: pem(await crypto.subtle.exportKey('spki', pair.publicKey), 'PUBLIC KEY'),
    privateKeyPem: pem(await crypto.subtle.exportKey('pkcs8', pair.privateKey), 'PRIVATE KEY'),
    publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', use: 'sig', kid },
  }
}

export function encodeUnsigned(header: object, payload: object): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
}

export async function signRs256(signingInput: string, key: CryptoKey): Promise<string> {
  const signature = await crypto.subtle.sign(RS256, key, new TextEncoder().encode(signingInput))
  return base64url(new Uint8Array(signature))
}

/** A Clerk-shaped session token signed with `key` (header and payload can be overridden). */
export async function signSessionToken(
  key: SigningKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const input = encodeUnsigned(
    { alg: 'RS256', kid: key.kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA', ...header },
    payload,
  )
  return `${input}.${await signRs256(input, key.privateKey)}`
}

/** Claims of a valid v2 session token issued `at` (ms) for `userId`, from `origin`. */
export function sessionClaims(
  userId: string,
  origin: string,
  at = Date.now(),
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const iat = Math.floor(at / 1000)
  return {
    azp: origin,
    exp: iat + 60,
    iat,
    iss: 'https://clerk.test.localhost',
    nbf: iat - 10,
    sid: 'sess_test',
    sts: 'active',
    sub: userId,
    v: 2,
    ...overrides,
  }
}

/** HS256 over the header and payload with an arbitrary secret (e.g. the public key PEM). */
export async function signHs256(header: object, payload: object, secret: string): Promise<string> {
  const input = encodeUnsigned({ ...header, alg: 'HS256' }, payload)
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))
  return `${input}.${base64url(new Uint8Array(mac))}`
}

/** Replaces the payload of a signed token, keeping its header and signature. */
export function tamperPayload(token: string, payload: object): string {
  const [header, , signature] = token.split('.')
  return `${header}.${base64url(JSON.stringify(payload))}.${signature}`
}
