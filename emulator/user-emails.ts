/**
 * A user's email addresses beyond the primary one: which one is primary. The primary address lives in
 * `emailAddressId` / `emailAddress` of the user record, the others in `otherEmails`.
 */

import { notFound } from './client-session.ts'
import { formError } from './errors.ts'
import type { EmailRecord, UserRecord } from './store.ts'

/**
 * `user.update({ primaryEmailAddressId })`: a verified other address becomes primary and the old
 * primary one of the others. Throws (changing nothing) for an unknown or unverified address.
 */
export function makePrimary(user: UserRecord, emailId: string, now: number): void {
  if (emailId === user.emailAddressId) return
  const others = user.otherEmails ?? []
  const index = others.findIndex((email) => email.id === emailId)
  const target = others[index]
  if (!target) throw notFound('Email address')
  if (target.verification?.status !== 'verified') {
    throw formError(
      'form_identifier_not_verified',
      'primary_email_address_id',
      'This email address must be verified before it can become primary.',
    )
  }
  const previous: EmailRecord = {
    id: user.emailAddressId,
    emailAddress: user.emailAddress,
    verification: { status: 'verified', code: '', attempts: 1, expireAt: user.createdAt },
    createdAt: user.createdAt,
    updatedAt: now,
  }
  user.otherEmails = [...others.slice(0, index), ...others.slice(index + 1), previous]
  user.emailAddressId = target.id
  user.emailAddress = target.emailAddress
}

/** Whether `emailId` names one of the user's verified addresses (the primary one included). */
export function isVerifiedEmailOf(user: UserRecord, emailId: string): boolean {
  if (emailId === user.emailAddressId) return true
  return (user.otherEmails ?? []).some(
    (email) => email.id === emailId && email.verification?.status === 'verified',
  )
}
