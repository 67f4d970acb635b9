/**
 * `<UserProfile/>`'s actions on the signed-in user (ClerkJS's `user.createEmailAddress`,
 * `emailAddress.prepareVerification` / `attemptVerification` / `destroy`, `user.update({
 * primaryEmailAddressId })`, `user.updatePassword`, `user.getSessions`, `session.revoke`), in the shape
 * of Clerk's Frontend API spec. As on a development instance, an address containing `+clerk_test`
 * verifies with `424242` and nothing is "sent"; any other gets a random code, readable at
 * `GET /__emulator/verification_codes` and sent as `email.created`. Each change is persisted before
 * its webhook (`user.updated`, `session.revoked`) is emitted, and the next session token carries it.
 */

import { checkPasswordLength } from '../password-rules.ts'
import type { Context, RouteRow } from '../context.ts'
import { currentUser, notFound, readForm, renderClient } from '../client-session.ts'
import { randomId } from '../encoding.ts'
import { ClerkError, formError, jsonResponse, notImplemented } from '../errors.ts'
import { sessionEvent, userEvent } from '../events.ts'
import { attemptEmailCode, incorrectCode, newEmailCode, recordSentCode } from '../email-code.ts'
import {
  activeSessionJSON,
  deletedObjectJSON,
  emailAddressJSON,
  fapiUserJSON,
  sessionJSON,
} from '../resources.ts'
import {
  hashPassword,
  verifyPassword,
  type ClientRecord,
  type EmailRecord,
  type SessionRecord,
  type UserRecord,
} from '../store.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'POST', path: '/v1/me/email_addresses', handler: createEmail },
  { method: 'GET', path: '/v1/me/email_addresses/:id', handler: getEmail },
  {
    method: 'POST',
    path: '/v1/me/email_addresses/:id/prepare_verification',
    handler: prepareEmail,
  },
  {
    method: 'POST',
    path: '/v1/me/email_addresses/:id/attempt_verification',
    handler: attemptEmail,
  },
  { method: 'DELETE', path: '/v1/me/email_addresses/:id', handler: deleteEmail },
  { method: 'POST', path: '/v1/me/change_password', handler: changePassword },
  { method: 'GET', path: '/v1/me/sessions/active', handler: activeSessions },
  { method: 'POST', path: '/v1/me/sessions/:id/revoke', handler: revokeSession },
]

const MAX_EMAILS = 20

async function answer(ctx: Context, client: ClientRecord, response: unknown): Promise<Response> {
  return jsonResponse({ response, client: await renderClient(ctx, client) })
}

function findEmail(ctx: Context, user: UserRecord): EmailRecord {
  const email = (user.otherEmails ?? []).find((candidate) => candidate.id === ctx.params.id)
  if (!email) {
    if (ctx.params.id === user.emailAddressId) {
      throw new ClerkError(
        400,
        'form_param_value_invalid',
        'This email address is already verified.',
        {
          longMessage: 'The primary email address is verified; add another address to change it.',
          meta: { param_name: 'email_address_id' },
        },
      )
    }
    throw notFound('Email address')
  }
  return email
}

/** `POST /v1/me/email_addresses`: a new unverified address (its code is sent at prepare). */
export async function createEmail(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  const form = await readForm(ctx.request)
  const address = (form.get('email_address') ?? '').trim()
  if (address === '') {
    throw formError('form_param_missing', 'email_address', 'Enter an email address.')
  }
  if (address.length > 320 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
    throw formError(
      'form_param_format_invalid',
      'email_address',
      'Email address must be a valid email address.',
    )
  }
  const lower = address.toLowerCase()
  const own = [user.emailAddress, ...(user.otherEmails ?? []).map((email) => email.emailAddress)]
  if (
    ctx.state.store.findUserByEmail(address) ||
    own.some((other) => other.toLowerCase() === lower)
  ) {
    throw formError(
      'form_identifier_exists',
      'email_address',
      'That email address is taken. Please try another.',
    )
  }
  if ((user.otherEmails ?? []).length >= MAX_EMAILS) {
    throw formError(
      'form_param_max_length_exceeded',
      'email_address',
      `A user can have at most ${MAX_EMAILS + 1} email addresses here.`,
    )
  }
  const now = ctx.state.now()
  const email: EmailRecord = {
    id: randomId('idn'),
    emailAddress: address,
    verification: null,
    createdAt: now,
    updatedAt: now,
  }
  user.otherEmails = [...(user.otherEmails ?? []), email]
  user.updatedAt = now
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
  return answer(ctx, client, emailAddressJSON(email))
}

export async function getEmail(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  return answer(ctx, client, emailAddressJSON(findEmail(ctx, user)))
}

/** `prepare_verification` with `email_code`: a new code replaces any earlier one. */
export async function prepareEmail(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  const email = findEmail(ctx, user)
  const form = await readForm(ctx.request)
  const strategy = form.get('strategy')
  if (strategy !== 'email_code') throw notImplemented(`email verification "${strategy ?? ''}"`)
  const now = ctx.state.now()
  const { emailAddress } = email
  email.verification = newEmailCode(emailAddress, now)
  email.updatedAt = now
  await ctx.state.persist()
  const sent = { at: now, emailAddress, code: email.verification.code, signUpId: '' }
  recordSentCode(ctx, sent, user.id)
  return answer(ctx, client, emailAddressJSON(email))
}

/** `attempt_verification`: the right code verifies the address; 5 wrong ones fail it. */
export async function attemptEmail(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  const email = findEmail(ctx, user)
  const form = await readForm(ctx.request)
  const { verification } = email
  if (verification?.status === 'verified') {
    throw new ClerkError(400, 'verification_already_verified', 'This email address is verified.')
  }
  const now = ctx.state.now()
  const matched = attemptEmailCode(verification, form.get('code'), now)
  email.updatedAt = now
  if (matched === null) {
    await ctx.state.persist()
    throw incorrectCode()
  }
  if (ctx.state.store.findUserByEmail(email.emailAddress)) {
    throw formError(
      'form_identifier_exists',
      'email_address',
      'That email address is taken. Please try another.',
    )
  }
  matched.status = 'verified'
  user.updatedAt = now
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
  return answer(ctx, client, emailAddressJSON(email))
}

/** `DELETE /v1/me/email_addresses/:id`: removes another address; the primary one cannot go. */
export async function deleteEmail(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  if (ctx.params.id === user.emailAddressId) {
    throw new ClerkError(400, 'primary_identifier_cannot_be_deleted', 'Cannot delete primary', {
      longMessage:
        'You cannot delete your primary email address. Make another address primary first.',
      meta: { param_name: 'email_address_id' },
    })
  }
  const email = findEmail(ctx, user)
  user.otherEmails = (user.otherEmails ?? []).filter((candidate) => candidate !== email)
  user.updatedAt = ctx.state.now()
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
  return answer(ctx, client, deletedObjectJSON('email_address', email.id))
}

/**
 * `POST /v1/me/change_password` (`user.updatePassword`): the current password must match; with
 * `sign_out_of_other_sessions` the user's other sessions are revoked.
 */
export async function changePassword(ctx: Context): Promise<Response> {
  const { client, session, user } = currentUser(ctx)
  const form = await readForm(ctx.request)
  const next = form.get('new_password') ?? ''
  if (next === '') throw formError('form_param_missing', 'new_password', 'Enter a new password.')
  checkPasswordLength('new_password', next)
  if (user.passwordDigest !== null) {
    const current = form.get('current_password')
    if (current === null || current === '') {
      throw formError('form_param_missing', 'current_password', 'Enter your current password.')
    }
    if (!(await verifyPassword(current, user.passwordDigest))) {
      throw formError(
        'form_password_incorrect',
        'current_password',
        'Password is incorrect. Try again, or use another method.',
      )
    }
  }
  const now = ctx.state.now()
  user.passwordDigest = await hashPassword(next)
  user.updatedAt = now
  const revoked =
    form.get('sign_out_of_other_sessions') === 'true' ? revokeOthers(ctx, user, session, now) : []
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
  for (const other of revoked) sessionEvent(ctx, 'session.revoked', other)
  return answer(ctx, client, fapiUserJSON(user))
}

function revokeOthers(
  ctx: Context,
  user: UserRecord,
  keep: SessionRecord,
  now: number,
): SessionRecord[] {
  const others = [...ctx.state.store.sessions.values()].filter(
    (other) => other.userId === user.id && other.status === 'active' && other.id !== keep.id,
  )
  for (const other of others) revoke(ctx, other, now)
  return others
}

function revoke(ctx: Context, session: SessionRecord, now: number): void {
  session.status = 'revoked'
  session.updatedAt = now
  const owner = ctx.state.store.clients.get(session.clientId)
  if (owner?.lastActiveSessionId === session.id) owner.lastActiveSessionId = null
}

/** `GET /v1/me/sessions/active`: the user's active sessions on every client, a bare array. */
export async function activeSessions(ctx: Context): Promise<Response> {
  const { user } = currentUser(ctx)
  const now = ctx.state.now()
  const sessions = [...ctx.state.store.sessions.values()]
    .filter((session) => session.userId === user.id && session.status === 'active')
    .map((session) => activeSessionJSON(session, user, now))
  return jsonResponse(sessions)
}

/** `POST /v1/me/sessions/:id/revoke`: ends one of the user's sessions (another device signs out). */
export async function revokeSession(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  const target = ctx.state.store.sessions.get(ctx.params.id ?? '')
  if (!target || target.userId !== user.id) throw notFound('Session')
  const now = ctx.state.now()
  if (target.status === 'active') {
    revoke(ctx, target, now)
    await ctx.state.persist()
    sessionEvent(ctx, 'session.revoked', target)
  }
  return answer(ctx, client, sessionJSON(target, user, null, now))
}
