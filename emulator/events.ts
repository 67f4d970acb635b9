/**
 * The webhook events the routes emit, with Clerk's payloads: a user event carries the Backend API user
 * (`user.deleted` the deleted object), a session event the Backend API session, `email.created` the
 * email Clerk would send. Each is emitted after the write that caused it has been persisted, and is
 * ordered with the other events of the same user.
 */

import type { Context } from './context.ts'
import { randomId } from './encoding.ts'
import { bapiSessionJSON, bapiUserJSON, deletedObjectJSON } from './resources.ts'
import type { SessionRecord, UserRecord } from './store.ts'

export function userEvent(
  ctx: Context,
  type: 'user.created' | 'user.updated' | 'user.deleted',
  user: UserRecord,
): void {
  const data = type === 'user.deleted' ? deletedObjectJSON('user', user.id) : bapiUserJSON(user)
  ctx.state.webhooks.emit(type, data, user.id, ctx.request)
}

export function sessionEvent(
  ctx: Context,
  type: 'session.created' | 'session.ended' | 'session.removed' | 'session.revoked',
  session: SessionRecord,
): void {
  ctx.state.webhooks.emit(type, bapiSessionJSON(session), session.userId, ctx.request)
}

/** `email.created` for a verification code the emulator "sent" (Clerk's verification_code email). */
export function verificationEmailEvent(
  ctx: Context,
  emailAddress: string,
  code: string,
  userId: string | null,
): void {
  const now = ctx.state.now()
  ctx.state.webhooks.emit(
    'email.created',
    {
      object: 'email',
      id: randomId('ema'),
      slug: 'verification_code',
      from_email_name: 'notifications',
      to_email_address: emailAddress,
      email_address_id: null,
      user_id: userId,
      subject: `${code} is your verification code`,
      body: `Your verification code is ${code}`,
      body_plain: `Your verification code is ${code}`,
      status: 'queued',
      data: { otp_code: code, app: { name: 'Clerk emulator' } },
      delivered_by_clerk: true,
      created_at: now,
    },
    userId ?? emailAddress.toLowerCase(),
    ctx.request,
  )
}
