/**
 * Session tokens as Clerk mints them: RS256 JWTs with header `{ alg, kid, typ }` (no `oiat`: clerk-js
 * would then require it to grow monotonically) and the v2 default claims, plus the rendered template.
 * JWT times are seconds; `nbf` is `iat - 10` as in Clerk's own example token.
 */

import { toBase64Url, utf8 } from './encoding.ts'
import type { PublicJwk, SigningKey } from './keys.ts'
import type { JwtTemplateRecord, SessionRecord, UserRecord } from './store.ts'
import { renderTemplate, type TemplateContext } from './template.ts'

export interface MintInput {
  key: SigningKey
  keyHost: string
  user: UserRecord
  session: SessionRecord
  /** The `Origin` of the Frontend API request; `azp` is omitted without one, as Clerk does. */
  origin: string | null
  nowMs: number
  lifetimeSeconds: number
  template: Record<string, unknown>
}

export async function mintSessionToken(input: MintInput): Promise<string> {
  const iat = Math.floor(input.nowMs / 1000)
  const minutesSinceFirstFactor = Math.max(
    0,
    Math.floor((input.nowMs - input.session.firstFactorVerifiedAt) / 60_000),
  )
  const claims: Record<string, unknown> = {
    ...(input.origin && input.origin !== 'null' ? { azp: input.origin } : {}),
    exp: iat + input.lifetimeSeconds,
    fva: [minutesSinceFirstFactor, -1],
    iat,
    iss: `https://${input.keyHost}`,
    jti: randomHex(10),
    nbf: iat - 10,
    sid: input.session.id,
    sts: 'active',
    sub: input.user.id,
    v: 2,
    ...renderTemplate(input.template, templateContext(input.user)),
  }
  return signJwt(input.key, claims)
}

export interface TemplateMintInput {
  key: SigningKey
  keyHost: string
  user: UserRecord
  origin: string | null
  nowMs: number
  template: JwtTemplateRecord
}

/**
 * A token from a JWT template (`getToken({ template })`): the template's default claims (`azp`, `exp`,
 * `iat`, `iss`, `jti`, `nbf`, `sub`) with its lifetime and allowed clock skew (`nbf` = `iat` - skew),
 * then its rendered claims, with the session template's shortcodes. No `sid`, `sts`, `fva` or `v`:
 * those belong to session tokens.
 */
export async function mintTemplateToken(input: TemplateMintInput): Promise<string> {
  const iat = Math.floor(input.nowMs / 1000)
  const claims: Record<string, unknown> = {
    ...(input.origin && input.origin !== 'null' ? { azp: input.origin } : {}),
    exp: iat + input.template.lifetime,
    iat,
    iss: `https://${input.keyHost}`,
    jti: randomHex(10),
    nbf: iat - input.template.allowedClockSkew,
    sub: input.user.id,
    ...renderTemplate(input.template.claims, templateContext(input.user)),
  }
  return signJwt(input.key, claims)
}

/** An RS256 JWT with the instance key (session tokens and handshake tokens). */
export async function signJwt(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const header = { alg: 'RS256', kid: key.kid, typ: 'JWT' }
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    key.privateKey,
    utf8(signingInput),
  )
  return `${signingInput}.${toBase64Url(new Uint8Array(signature))}`
}

export function jwks(key: SigningKey): { keys: PublicJwk[] } {
  return { keys: [key.publicJwk] }
}

/** The shortcode data: what Clerk documents under `user.*` (private metadata is not exposed). */
export function templateContext(user: UserRecord): TemplateContext {
  const fullName = [user.firstName, user.lastName].filter(Boolean).join(' ')
  return {
    user: {
      id: user.id,
      external_id: user.externalId,
      first_name: user.firstName,
      last_name: user.lastName,
      full_name: fullName === '' ? null : fullName,
      username: null,
      image_url: '',
      has_image: false,
      primary_email_address: user.emailAddress,
      primary_phone_number: null,
      primary_web3_wallet: null,
      email_verified: true,
      phone_number_verified: false,
      two_factor_enabled: false,
      public_metadata: user.publicMetadata,
      unsafe_metadata: user.unsafeMetadata,
      created_at: Math.floor(user.createdAt / 1000),
      updated_at: Math.floor(user.updatedAt / 1000),
    },
  }
}

function encodeJson(value: unknown): string {
  return toBase64Url(utf8(JSON.stringify(value)))
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('')
}
