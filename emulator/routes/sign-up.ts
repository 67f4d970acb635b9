/**
 * Email + password sign-up as a development instance allows it (ClerkJS's `signUp.create`,
 * `prepareEmailAddressVerification`, `attemptEmailAddressVerification`, and the `<SignUp/>` UI that
 * drives them), with Clerk's test mode: an address containing `+clerk_test` verifies with the code
 * `424242` and no other, and no code is "sent". Any other address gets a random six-digit code,
 * readable at `GET /__emulator/verification_codes` (nothing is emailed). As on Clerk, the code goes
 * out when the sign-up gets its address; prepare sends a new one. When the address is verified
 * the user and a session are created, as Clerk does when nothing else is missing.
 */

import { randomId } from '../encoding.ts'
import { ClerkError, formError, jsonResponse, notImplemented } from '../errors.ts'
import { signUpJSON } from '../resources.ts'
import { attemptEmailCode, incorrectCode, newEmailCode, recordSentCode } from '../email-code.ts'
import { checkPasswordLength } from '../password-rules.ts'
import type { Context, RouteRow } from '../context.ts'
import { sessionEvent, userEvent } from '../events.ts'
import { hashPassword, type SignUpRecord, type UserRecord } from '../store.ts'
import {
  ensureClient,
  notFound,
  readForm,
  renderClient,
  requireClient,
  startSession,
} from '../client-session.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'POST', path: '/v1/client/sign_ups', handler: create },
  { method: 'GET', path: '/v1/client/sign_ups/:id', handler: get },
  { method: 'PATCH', path: '/v1/client/sign_ups/:id', handler: update },
  {
    method: 'POST',
    path: '/v1/client/sign_ups/:id/prepare_verification',
    handler: prepareVerification,
  },
  {
    method: 'POST',
    path: '/v1/client/sign_ups/:id/attempt_verification',
    handler: attemptVerification,
  },
  { method: 'GET', path: '/__emulator/verification_codes', handler: sentCodes },
]

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** Parameters the emulator does not model: sign-up with them answers 501 instead of ignoring them. */
const UNSUPPORTED = [
  'phone_number',
  'username',
  'web3_wallet',
  'email_address_or_phone_number',
  'ticket',
  'token',
  'transfer',
]

export async function create(ctx: Context): Promise<Response> {
  const form = await readForm(ctx.request)
  checkUnsupported(form)
  const client = ensureClient(ctx)
  if (ctx.state.store.activeSessions(client).length > 0) {
    throw new ClerkError(400, 'session_exists', "You're already signed in.", {
      longMessage:
        "You're currently in single session mode. You can only be signed into one account at a time.",
    })
  }
  const now = ctx.state.now()
  const signUp: SignUpRecord = {
    id: randomId('sua'),
    clientId: client.id,
    emailAddress: null,
    passwordDigest: null,
    firstName: null,
    lastName: null,
    unsafeMetadata: {},
    status: 'missing_requirements',
    verification: null,
    createdUserId: null,
    createdSessionId: null,
    createdAt: now,
    updatedAt: now,
  }
  await applyFields(ctx, signUp, form)
  ctx.state.store.signUps.set(signUp.id, signUp)
  client.signUpId = signUp.id
  client.signInId = null
  client.updatedAt = now
  return answer(ctx, signUp)
}

export async function get(ctx: Context): Promise<Response> {
  return answer(ctx, requireSignUp(ctx))
}

/** `PATCH /v1/client/sign_ups/:id` (`signUp.update`): the same fields as create. */
export async function update(ctx: Context): Promise<Response> {
  const signUp = requireSignUp(ctx)
  assertOpen(signUp)
  const form = await readForm(ctx.request)
  checkUnsupported(form)
  await applyFields(ctx, signUp, form)
  signUp.updatedAt = ctx.state.now()
  return answer(ctx, signUp)
}

export async function prepareVerification(ctx: Context): Promise<Response> {
  const signUp = requireSignUp(ctx)
  assertOpen(signUp)
  const form = await readForm(ctx.request)
  const strategy = form.get('strategy')
  if (strategy !== 'email_code') throw notImplemented(`sign-up verification "${strategy ?? ''}"`)
  if (signUp.emailAddress === null) {
    throw formError('form_param_missing', 'email_address', 'Enter an email address.')
  }
  sendCode(ctx, signUp, signUp.emailAddress)
  return answer(ctx, signUp)
}

/**
 * A new email code for the address, replacing any earlier one. Clerk sends it as soon as a sign-up
 * gets an address (create or update), and again at each prepare ("Resend"); `<SignUp/>` relies on
 * the first: it skips the initial prepare when the email verification is already pending.
 */
function sendCode(ctx: Context, signUp: SignUpRecord, emailAddress: string): void {
  const now = ctx.state.now()
  signUp.verification = newEmailCode(emailAddress, now)
  signUp.updatedAt = now
  const sent = { at: now, emailAddress, code: signUp.verification.code, signUpId: signUp.id }
  recordSentCode(ctx, sent, null)
}

export async function attemptVerification(ctx: Context): Promise<Response> {
  const signUp = requireSignUp(ctx)
  assertOpen(signUp)
  const form = await readForm(ctx.request)
  const strategy = form.get('strategy')
  if (strategy !== 'email_code') throw notImplemented(`sign-up verification "${strategy ?? ''}"`)
  const now = ctx.state.now()
  const matched = attemptEmailCode(signUp.verification, form.get('code'), now)
  signUp.updatedAt = now
  if (matched === null) throw incorrectCode()
  matched.status = 'verified'
  await complete(ctx, signUp)
  return answer(ctx, signUp)
}

/** `GET /__emulator/verification_codes`: the codes "sent" to non-test addresses, newest last. */
export async function sentCodes(ctx: Context): Promise<Response> {
  const wanted = ctx.url.searchParams.get('email_address')?.toLowerCase()
  const codes = ctx.state.store.sentCodes
    .filter((sent) => !wanted || sent.emailAddress.toLowerCase() === wanted)
    .map((sent) => ({
      at: sent.at,
      email_address: sent.emailAddress,
      code: sent.code,
      sign_up_id: sent.signUpId,
    }))
  return jsonResponse({ codes })
}

async function applyFields(
  ctx: Context,
  signUp: SignUpRecord,
  form: URLSearchParams,
): Promise<void> {
  let pendingCode: string | null = null
  const email = form.get('email_address')
  if (email !== null) {
    const trimmed = email.trim()
    if (!EMAIL.test(trimmed)) {
      throw formError('form_param_format_invalid', 'email_address', 'Enter a valid email address.')
    }
    if (ctx.state.store.findUserByEmail(trimmed)) {
      throw formError(
        'form_identifier_exists',
        'email_address',
        'That email address is taken. Please try another.',
      )
    }
    const changed = signUp.emailAddress?.toLowerCase() !== trimmed.toLowerCase()
    signUp.emailAddress = trimmed
    if (changed) {
      signUp.verification = null
      pendingCode = trimmed
    }
  }
  const password = form.get('password')
  if (password !== null) {
    checkPasswordLength('password', password)
    signUp.passwordDigest = await hashPassword(password)
  }
  const firstName = form.get('first_name')
  if (firstName !== null) signUp.firstName = firstName.trim() || null
  const lastName = form.get('last_name')
  if (lastName !== null) signUp.lastName = lastName.trim() || null
  const unsafeMetadata = form.get('unsafe_metadata')
  if (unsafeMetadata !== null) signUp.unsafeMetadata = parseMetadata(unsafeMetadata)
  // Only once every field is accepted: a refused request sends nothing.
  if (pendingCode !== null) sendCode(ctx, signUp, pendingCode)
}

/** Creates the user and signs them in: the address is verified and the password is set. */
async function complete(ctx: Context, signUp: SignUpRecord): Promise<void> {
  const { store } = ctx.state
  const client = store.clients.get(signUp.clientId)
  if (!client) throw notFound('Client')
  if (signUp.emailAddress === null || signUp.passwordDigest === null) return
  if (store.findUserByEmail(signUp.emailAddress)) {
    throw formError(
      'form_identifier_exists',
      'email_address',
      'That email address is taken. Please try another.',
    )
  }
  const now = ctx.state.now()
  const user: UserRecord = {
    id: randomId('user'),
    emailAddressId: randomId('idn'),
    emailAddress: signUp.emailAddress,
    passwordDigest: signUp.passwordDigest,
    firstName: signUp.firstName,
    lastName: signUp.lastName,
    externalId: null,
    publicMetadata: {},
    privateMetadata: {},
    unsafeMetadata: structuredClone(signUp.unsafeMetadata),
    createdAt: now,
    updatedAt: now,
    lastSignInAt: now,
    lastActiveAt: now,
  }
  store.users.set(user.id, user)
  const session = startSession(ctx, client, user, 'email_code')
  signUp.status = 'complete'
  signUp.createdUserId = user.id
  signUp.createdSessionId = session.id
  client.signUpId = null
  await ctx.state.persist()
  userEvent(ctx, 'user.created', user)
  sessionEvent(ctx, 'session.created', session)
}

async function answer(ctx: Context, signUp: SignUpRecord): Promise<Response> {
  // The sign-up's own client: on create, the cookie that names it is only being set.
  const client = ctx.state.store.clients.get(signUp.clientId)
  if (!client) throw notFound('Client')
  return jsonResponse({ response: signUpJSON(signUp), client: await renderClient(ctx, client) })
}

function requireSignUp(ctx: Context): SignUpRecord {
  const client = requireClient(ctx)
  const signUp = ctx.state.store.signUps.get(ctx.params.id ?? '')
  if (!signUp || signUp.clientId !== client.id) throw notFound('Sign up')
  return signUp
}

function assertOpen(signUp: SignUpRecord): void {
  if (signUp.status === 'complete') {
    throw new ClerkError(400, 'sign_up_already_complete', 'This sign-up is already complete.')
  }
}

function checkUnsupported(form: URLSearchParams): void {
  const strategy = form.get('strategy')
  if (strategy && strategy !== 'email_code') throw notImplemented(`sign-up strategy "${strategy}"`)
  const unsupported = UNSUPPORTED.filter((name) => (form.get(name) ?? '') !== '')
  if (unsupported.length > 0) throw notImplemented(`sign-up with ${unsupported.join(', ')}`)
}

function parseMetadata(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>
    }
  } catch {
    // fall through
  }
  throw formError(
    'form_param_format_invalid',
    'unsafe_metadata',
    'unsafe_metadata must be a JSON object.',
  )
}
