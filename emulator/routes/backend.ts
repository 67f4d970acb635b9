/**
 * Backend API handlers: what @clerk/backend calls through `apiUrl` (the app checks the secret key
 * first). Replies are Backend-flavoured JSON with `Content-Type: application/json` exactly. Parameters the
 * emulator does not model answer 501 rather than being silently ignored.
 */

import * as z from 'zod/mini'
import { randomId, jsonByteLength } from '../encoding.ts'
import { ClerkError, formError, jsonResponse, notImplemented, parseJson } from '../errors.ts'
import { METADATA_LIMIT_BYTES, mergeMetadata, type Metadata } from '../metadata.ts'
import { bapiUserJSON, deletedObjectJSON } from '../resources.ts'
import type { Context, EmulatorState, RouteRow } from '../context.ts'
import { sessionEvent, userEvent } from '../events.ts'
import { hashPassword, verifyPassword, type SessionRecord, type UserRecord } from '../store.ts'
import { jwks as jwksOf } from '../tokens.ts'
import { parseWith } from '../validation.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/api/v1/jwks', handler: jwks },
  { method: 'POST', path: '/api/v1/users', handler: createUser },
  { method: 'GET', path: '/api/v1/users', handler: listUsers },
  { method: 'GET', path: '/api/v1/users/count', handler: countUsers },
  { method: 'GET', path: '/api/v1/users/:id', handler: getUser },
  { method: 'PATCH', path: '/api/v1/users/:id', handler: updateUser },
  { method: 'DELETE', path: '/api/v1/users/:id', handler: deleteUser },
  { method: 'PATCH', path: '/api/v1/users/:id/metadata', handler: updateMetadata },
  { method: 'POST', path: '/api/v1/users/:id/ban', handler: banUser },
  { method: 'POST', path: '/api/v1/users/:id/unban', handler: unbanUser },
  { method: 'POST', path: '/api/v1/users/:id/lock', handler: lockUser },
  { method: 'POST', path: '/api/v1/users/:id/unlock', handler: unlockUser },
  { method: 'POST', path: '/api/v1/users/:id/verify_password', handler: verifyUserPassword },
  { method: 'POST', path: '/api/v1/testing_tokens', handler: createTestingToken },
]

export async function jwks(ctx: Context): Promise<Response> {
  return jsonResponse(jwksOf(ctx.state.key))
}

/** Testing tokens live an hour, as Clerk's do. */
const TESTING_TOKEN_LIFETIME_S = 3600

/**
 * `POST /v1/testing_tokens` (`testingTokens.createTestingToken()`, which `@clerk/testing`'s
 * `clerkSetup()` calls). The emulator has no bot protection, so the Frontend API neither needs nor
 * checks the `__clerk_testing_token` parameter; the token has Clerk's shape.
 */
export async function createTestingToken(ctx: Context): Promise<Response> {
  const expiresAt = Math.floor(ctx.state.now() / 1000) + TESTING_TOKEN_LIFETIME_S
  return jsonResponse({
    object: 'testing_token',
    token: `${expiresAt}-${randomId('tt').slice(3)}`,
    expires_at: expiresAt,
  })
}

const metadata = z.optional(z.nullable(z.record(z.string(), z.unknown())))
const optionalText = z.optional(z.nullable(z.string()))

const createUserSchema = z.object({
  email_address: z.optional(z.nullable(z.array(z.string()))),
  password: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  external_id: optionalText,
  public_metadata: metadata,
  private_metadata: metadata,
  unsafe_metadata: metadata,
  skip_password_checks: z.optional(z.nullable(z.boolean())),
  skip_password_requirement: z.optional(z.nullable(z.boolean())),
})

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

export async function createUser(ctx: Context): Promise<Response> {
  const body = parseJson(await ctx.request.text(), invalidBody)
  rejectUnsupported('createUser parameter', body, Object.keys(createUserSchema.shape))
  const parsed = parseWith(createUserSchema, body)
  if (!parsed.ok) throw invalidBody(parsed.message)
  const params = parsed.value
  const emails = params.email_address ?? []
  if (emails.length === 0)
    throw formError('form_param_missing', 'email_address', 'Enter an email address.')
  if (emails.length > 1) throw notImplemented('more than one email address per user')
  const email = (emails[0] ?? '').trim()
  if (!EMAIL.test(email)) {
    throw formError(
      'form_param_format_invalid',
      'email_address',
      'Email address must be a valid email address.',
    )
  }
  const { store } = ctx.state
  if (store.findUserByEmail(email)) {
    throw formError(
      'form_identifier_exists',
      'email_address',
      'That email address is taken. Please try another.',
    )
  }
  const password = params.password ?? null
  if (password === null && !params.skip_password_requirement) {
    throw formError('form_param_missing', 'password', 'Enter a password.')
  }
  if (password !== null && password.length < 8 && !params.skip_password_checks) {
    throw formError(
      'form_password_length_too_short',
      'password',
      'Passwords must be 8 characters or more.',
    )
  }
  const publicMetadata = withinLimit('public_metadata', params.public_metadata ?? {})
  const privateMetadata = withinLimit('private_metadata', params.private_metadata ?? {})
  const unsafeMetadata = withinLimit('unsafe_metadata', params.unsafe_metadata ?? {})
  const now = ctx.state.now()
  const user: UserRecord = {
    id: randomId('user'),
    emailAddressId: randomId('idn'),
    emailAddress: email,
    passwordDigest: password === null ? null : await hashPassword(password),
    firstName: params.first_name ?? null,
    lastName: params.last_name ?? null,
    externalId: params.external_id ?? null,
    publicMetadata,
    privateMetadata,
    unsafeMetadata,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: null,
  }
  store.users.set(user.id, user)
  await ctx.state.persist()
  userEvent(ctx, 'user.created', user)
  return jsonResponse(bapiUserJSON(user))
}

export async function getUser(ctx: Context): Promise<Response> {
  return jsonResponse(bapiUserJSON(requireUser(ctx)))
}

/** `GET /v1/users`: a bare array, as `getUserList` expects (it asks `/users/count` separately). */
export async function listUsers(ctx: Context): Promise<Response> {
  const query = ctx.url.searchParams
  rejectUnsupported('user list parameter', Object.fromEntries(query), [
    ...FILTERS,
    'limit',
    'offset',
    'order_by',
  ])
  const limit = integerParam(query, 'limit', 10, 1, 500)
  const offset = integerParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)
  const order = query.get('order_by') ?? '-created_at'
  const match = /^([+-]?)(created_at|updated_at)$/.exec(order)
  if (!match) throw notImplemented(`order_by=${order}`)
  const field = match[2] === 'updated_at' ? 'updatedAt' : 'createdAt'
  const direction = match[1] === '-' ? -1 : 1
  const users = filterUsers(ctx)
    .sort((a, b) => (a[field] - b[field]) * direction)
    .slice(offset, offset + limit)
  return jsonResponse(users.map(bapiUserJSON))
}

export async function countUsers(ctx: Context): Promise<Response> {
  const query = ctx.url.searchParams
  rejectUnsupported('user count parameter', Object.fromEntries(query), FILTERS)
  return jsonResponse({ object: 'total_count', total_count: filterUsers(ctx).length })
}

const updateUserSchema = z.object({
  first_name: optionalText,
  last_name: optionalText,
  external_id: optionalText,
  primary_email_address_id: optionalText,
  password: optionalText,
  skip_password_checks: z.optional(z.nullable(z.boolean())),
  sign_out_of_other_sessions: z.optional(z.nullable(z.boolean())),
})

/**
 * `PATCH /v1/users/:id` (`users.updateUser`): names, external id, password (the user's sessions stay
 * unless `sign_out_of_other_sessions`), and the primary email address (the user's one address).
 */
export async function updateUser(ctx: Context): Promise<Response> {
  const user = requireUser(ctx)
  const body = parseJson(await ctx.request.text(), invalidBody)
  rejectUnsupported('updateUser parameter', body, Object.keys(updateUserSchema.shape))
  const parsed = parseWith(updateUserSchema, body)
  if (!parsed.ok) throw invalidBody(parsed.message)
  const params = parsed.value
  const primary = params.primary_email_address_id
  if (primary !== undefined && primary !== null && primary !== user.emailAddressId) {
    throw formError(
      'form_param_value_invalid',
      'primary_email_address_id',
      "The primary email address must be one of the user's verified email addresses.",
    )
  }
  const password = params.password ?? null
  if (password !== null && password.length < 8 && !params.skip_password_checks) {
    throw formError(
      'form_password_length_too_short',
      'password',
      'Passwords must be 8 characters or more.',
    )
  }
  const now = ctx.state.now()
  if (params.first_name !== undefined) user.firstName = params.first_name
  if (params.last_name !== undefined) user.lastName = params.last_name
  if (params.external_id !== undefined) user.externalId = params.external_id
  let revoked: SessionRecord[] = []
  if (password !== null) {
    user.passwordDigest = await hashPassword(password)
    if (params.sign_out_of_other_sessions) {
      revoked = ctx.state.store.endUserSessions(user.id, 'revoked', now)
    }
  }
  user.updatedAt = now
  await ctx.state.persist()
  for (const session of revoked) sessionEvent(ctx, 'session.revoked', session)
  userEvent(ctx, 'user.updated', user)
  return jsonResponse(bapiUserJSON(user))
}

/** `DELETE /v1/users/:id`: the user and every session of theirs go (ClerkJS then signs out). */
export async function deleteUser(ctx: Context): Promise<Response> {
  const user = requireUser(ctx)
  const removed = ctx.state.store.endUserSessions(user.id, 'removed', ctx.state.now())
  ctx.state.store.users.delete(user.id)
  ctx.state.store.metadataWrites.delete(user.id)
  await ctx.state.persist()
  for (const session of removed) sessionEvent(ctx, 'session.removed', session)
  userEvent(ctx, 'user.deleted', user)
  return jsonResponse(deletedObjectJSON('user', user.id))
}

/** `POST /v1/users/:id/ban`: every session revoked; sign-in answers 403 `user_banned`. */
export async function banUser(ctx: Context): Promise<Response> {
  const user = requireUser(ctx)
  const now = ctx.state.now()
  user.banned = true
  user.updatedAt = now
  const revoked = ctx.state.store.endUserSessions(user.id, 'revoked', now)
  await ctx.state.persist()
  for (const session of revoked) sessionEvent(ctx, 'session.revoked', session)
  userEvent(ctx, 'user.updated', user)
  return jsonResponse(bapiUserJSON(user))
}

export async function unbanUser(ctx: Context): Promise<Response> {
  return setFlag(ctx, 'banned', false)
}

/** `POST /v1/users/:id/lock`: sign-in answers 403 `user_locked`; sessions stay, as on Clerk. */
export async function lockUser(ctx: Context): Promise<Response> {
  return setFlag(ctx, 'locked', true)
}

export async function unlockUser(ctx: Context): Promise<Response> {
  return setFlag(ctx, 'locked', false)
}

async function setFlag(ctx: Context, flag: 'banned' | 'locked', value: boolean): Promise<Response> {
  const user = requireUser(ctx)
  user[flag] = value
  user.updatedAt = ctx.state.now()
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
  return jsonResponse(bapiUserJSON(user))
}

const verifyPasswordSchema = z.object({ password: z.string() })

/**
 * `POST /v1/users/:id/verify_password`: `{ verified: true }`, 422 `incorrect_password` for a wrong
 * one, 400 `password_not_set` for a user without one, 404 for an unknown user.
 */
export async function verifyUserPassword(ctx: Context): Promise<Response> {
  const user = requireUser(ctx)
  const parsed = parseWith(verifyPasswordSchema, parseJson(await ctx.request.text(), invalidBody))
  if (!parsed.ok) throw formError('form_param_missing', 'password', 'Enter a password.')
  if (user.passwordDigest === null) {
    throw new ClerkError(400, 'password_not_set', 'This user has no password', {
      longMessage: 'The user does not have a password set.',
    })
  }
  if (!(await verifyPassword(parsed.value.password, user.passwordDigest))) {
    throw new ClerkError(422, 'incorrect_password', 'Password is incorrect', {
      longMessage: 'The provided password was incorrect.',
    })
  }
  return jsonResponse({ verified: true })
}

const metadataPatchSchema = z.strictObject({
  public_metadata: metadata,
  private_metadata: metadata,
  unsafe_metadata: metadata,
})

/**
 * `PATCH /v1/users/:id/metadata`: deep merge, `null` deletes, 8 KB per metadata object, and a per-user
 * write limit (the emulator's choice, `metadataWriteLimit`) answered with 429 and `Retry-After`.
 */
export async function updateMetadata(ctx: Context): Promise<Response> {
  const user = requireUser(ctx)
  countMetadataWrite(ctx.state, user.id)
  const parsed = parseWith(metadataPatchSchema, parseJson(await ctx.request.text(), invalidBody))
  if (!parsed.ok) throw invalidBody(parsed.message)
  const patch = parsed.value
  const merged = (name: keyof typeof patch, current: Metadata): Metadata => {
    const value = patch[name]
    if (value === undefined) return current
    return withinLimit(name, value === null ? {} : mergeMetadata(current, value))
  }
  const publicMetadata = merged('public_metadata', user.publicMetadata)
  const privateMetadata = merged('private_metadata', user.privateMetadata)
  const unsafeMetadata = merged('unsafe_metadata', user.unsafeMetadata)
  Object.assign(user, { publicMetadata, privateMetadata, unsafeMetadata })
  user.updatedAt = ctx.state.now()
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
  return jsonResponse(bapiUserJSON(user))
}

function countMetadataWrite(state: EmulatorState, userId: string): void {
  const { max, windowMs } = state.metadataWriteLimit
  const now = state.now()
  const recent = (state.store.metadataWrites.get(userId) ?? []).filter((at) => at > now - windowMs)
  state.store.metadataWrites.set(userId, recent)
  const oldest = recent[0]
  if (recent.length >= max && oldest !== undefined) {
    const retryAfter = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000))
    throw new ClerkError(429, 'too_many_requests', 'Too many requests', {
      longMessage: `Too many metadata updates for this user: the emulator allows ${max} per ${windowMs} ms. Retry after ${retryAfter} s.`,
      headers: { 'Retry-After': String(retryAfter) },
    })
  }
  recent.push(now)
}

function withinLimit(name: string, value: Metadata): Metadata {
  const size = jsonByteLength(value)
  if (size > METADATA_LIMIT_BYTES) {
    throw new ClerkError(
      422,
      'form_param_exceeds_allowed_size',
      `${name} exceeds the maximum allowed size`,
      {
        longMessage: `${name} may be at most ${METADATA_LIMIT_BYTES} bytes of JSON; it would be ${size} bytes.`,
        meta: { param_name: name },
      },
    )
  }
  return value
}

/** The user list's filters the emulator models (the others answer 501). */
const FILTERS = ['email_address', 'user_id', 'query', 'banned']

/**
 * `email_address` and `user_id` match exactly (any of several); `query` matches, case-insensitively, a
 * part of the id, email address, first or last name or external id, as Clerk's does; `banned` as given.
 */
function filterUsers(ctx: Context): UserRecord[] {
  const query = ctx.url.searchParams
  const emails = query.getAll('email_address').map((email) => email.trim().toLowerCase())
  const ids = query.getAll('user_id')
  const text = (query.get('query') ?? '').trim().toLowerCase()
  const banned = query.get('banned')
  if (banned !== null && banned !== 'true' && banned !== 'false') {
    throw formError('form_param_value_invalid', 'banned', 'banned must be true or false.')
  }
  return [...ctx.state.store.users.values()].filter(
    (user) =>
      (emails.length === 0 || emails.includes(user.emailAddress.toLowerCase())) &&
      (ids.length === 0 || ids.includes(user.id)) &&
      (text === '' ||
        [user.id, user.emailAddress, user.firstName, user.lastName, user.externalId].some((field) =>
          field?.toLowerCase().includes(text),
        )) &&
      (banned === null || (user.banned ?? false) === (banned === 'true')),
  )
}

function requireUser(ctx: Context): UserRecord {
  const user = ctx.state.store.users.get(ctx.params.id ?? '')
  if (!user) {
    throw new ClerkError(404, 'resource_not_found', 'not found', {
      longMessage: `No user was found with id ${ctx.params.id ?? ''}.`,
    })
  }
  return user
}

function integerParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw formError(
      'form_param_value_invalid',
      name,
      `${name} must be an integer from ${min} to ${max}.`,
    )
  }
  return value
}

/** A parameter the emulator does not model fails loudly instead of being silently ignored. */
function rejectUnsupported(what: string, body: unknown, supported: readonly string[]): void {
  if (typeof body !== 'object' || body === null) return
  const unsupported = Object.entries(body)
    .filter(([key, value]) => !supported.includes(key) && value !== null && value !== undefined)
    .map(([key]) => key)
  if (unsupported.length > 0) {
    throw notImplemented(`${what}${unsupported.length > 1 ? 's' : ''} ${unsupported.join(', ')}`, {
      params: unsupported,
    })
  }
}

function invalidBody(message: string): ClerkError {
  return new ClerkError(422, 'form_param_format_invalid', 'Invalid request body', {
    longMessage: `Invalid request body: ${message}.`,
  })
}
