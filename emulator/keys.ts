/**
 * The emulator's keys: the publishable key (which only encodes a host name), the secret key (an opaque
 * bearer string), and the RSA-2048 signing key behind session tokens, JWKS and the `jwtKey` PEM.
 * WebCrypto only, so this works in any runtime.
 */

import { fromBase64, fromBase64Url, toBase64, toBase64Url, utf8, randomBase62 } from './encoding.ts'

export type InstanceType = 'development' | 'production'

/**
 * `pk_test_` / `pk_live_` + base64(host + '$') without padding, as `@clerk/shared` parses it. The host
 * must contain a dot (clerk-js rejects `localhost`), and the key must not be a Clerk development host
 * unless the dev-browser flow is wanted.
 */
export function publishableKey(keyHost: string, instanceType: InstanceType): string {
  if (!/^[^\s$/]+\.[^\s$/]+$/.test(keyHost)) {
    throw new Error(
      `keyHost must be a host name containing a dot, such as clerk.emulator.localhost (got ${JSON.stringify(keyHost)})`,
    )
  }
  const prefix = instanceType === 'production' ? 'pk_live_' : 'pk_test_'
  return prefix + toBase64(utf8(`${keyHost}$`)).replace(/=+$/, '')
}

/**
 * Whether a Clerk key is one an emulator made, so tools can tell it from a real instance's: the
 * emulator's secret keys carry `_emu_`, and its publishable keys name a `.localhost` host, which no
 * Clerk instance has, or the CLI's default host (`emulator.clerk.accounts.dev`, a development host
 * no Clerk instance is given).
 */
export function isEmulatorKey(key: string): boolean {
  if (/^sk_(test|live)_emu_/.test(key)) return true
  const encoded = /^pk_(test|live)_([A-Za-z0-9+/]+={0,2})$/.exec(key.trim())?.[2]
  if (!encoded) return false
  let host: string
  try {
    host = new TextDecoder().decode(fromBase64(encoded))
  } catch {
    return false
  }
  return /^([^$\s]+\.localhost(:\d+)?|emulator\.clerk\.accounts\.dev)\$$/.test(host)
}

export function generateSecretKey(instanceType: InstanceType): string {
  return `${instanceType === 'production' ? 'sk_live' : 'sk_test'}_emu_${randomBase62(32)}`
}

export interface PublicJwk {
  kty: 'RSA'
  kid: string
  alg: 'RS256'
  use: 'sig'
  n: string
  e: string
}

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: PublicJwk
  /** SPKI PEM, what @clerk/backend takes as `jwtKey`. */
  publicKeyPem: string
  /** PKCS#8 PEM, what `--key-file` and `privateKeyPem` take. */
  privateKeyPem: string
}

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

export async function generateSigningKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(
    { ...ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  return describeKey(pair.privateKey, toPem('PRIVATE KEY', pkcs8))
}

/** Imports a PKCS#8 PEM RSA private key; only RSA-2048 with e = 65537 is accepted (see below). */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  if (pem.includes('BEGIN RSA PRIVATE KEY')) {
    throw new Error(
      'privateKeyPem is PKCS#1 ("BEGIN RSA PRIVATE KEY"); convert it to PKCS#8 ("BEGIN PRIVATE KEY"), e.g. with `openssl pkcs8 -topk8 -nocrypt`',
    )
  }
  let privateKey: CryptoKey
  try {
    privateKey = await crypto.subtle.importKey(
      'pkcs8',
      fromPem('PRIVATE KEY', pem),
      ALGORITHM,
      true,
      ['sign'],
    )
  } catch (error) {
    throw new Error(`privateKeyPem is not a PKCS#8 PEM RSA private key: ${String(error)}`, {
      cause: error,
    })
  }
  return describeKey(privateKey, pem.trim() + '\n')
}

async function describeKey(privateKey: CryptoKey, privateKeyPem: string): Promise<SigningKey> {
  const jwk = await crypto.subtle.exportKey('jwk', privateKey)
  const n = jwk.n ?? ''
  const e = jwk.e ?? ''
  // @clerk/backend's networkless `jwtKey` path strips a fixed RSA-2048 / e=65537 SPKI prefix to find the
  // modulus, so any other key size would verify through JWKS but fail with `jwtKey`.
  if (fromBase64Url(n).length !== 256 || e !== 'AQAB') {
    throw new Error('the signing key must be RSA-2048 with public exponent 65537')
  }
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'RSA', n, e }, ALGORITHM, true, [
    'verify',
  ])
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey))
  const kid = await thumbprintKid(n, e)
  return {
    kid,
    privateKey,
    publicJwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n, e },
    publicKeyPem: toPem('PUBLIC KEY', spki),
    privateKeyPem,
  }
}

/** A key id derived from the key (RFC 7638 thumbprint), so the same key file gives the same `kid`. */
async function thumbprintKid(n: string, e: string): Promise<string> {
  const canonical = utf8(JSON.stringify({ e, kty: 'RSA', n }))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', canonical))
  return `ins_emu_${toBase64Url(digest).slice(0, 20)}`
}

function toPem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

function fromPem(label: string, pem: string): Uint8Array<ArrayBuffer> {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem)
  if (!match?.[1]) throw new Error(`no "BEGIN ${label}" block found`)
  return fromBase64(match[1].replace(/\s+/g, ''))
}
