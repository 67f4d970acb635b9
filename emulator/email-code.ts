/**
 * Clerk's email-code verification, as its API words it; one place for every route that verifies an
 * address by code (sign-up, an added email address of the profile). Test mode: an address containing
 * `+clerk_test` gets the code `424242` and no other, and nothing is "sent". Any other address gets a
 * random six-digit code, kept (the newest 1000) for `GET /__emulator/verification_codes`.
 */

import type { Context } from './context.ts'
import { ClerkError, formError } from './errors.ts'
import { verificationEmailEvent } from './events.ts'
import { EMAIL_CODE_LIFETIME_MS } from './resources.ts'
import type { EmailCodeVerification, SentCode } from './store.ts'

/** Clerk's test-mode code for `+clerk_test` addresses. */
export const TEST_MODE_CODE = '424242'
/** Wrong codes before a verification fails for good. */
const MAX_CODE_ATTEMPTS = 5
const MAX_SENT_CODES = 1000

/** Whether Clerk's test mode applies to the address (`+clerk_test` in it). */
export function isTestModeAddress(emailAddress: string): boolean {
  return emailAddress.toLowerCase().includes('+clerk_test')
}

/** A new, unverified code for `emailAddress`, valid from `now` for Clerk's code lifetime. */
export function newEmailCode(emailAddress: string, now: number): EmailCodeVerification {
  return {
    status: 'unverified',
    code: isTestModeAddress(emailAddress) ? TEST_MODE_CODE : randomCode(),
    attempts: 0,
    expireAt: now + EMAIL_CODE_LIFETIME_MS,
  }
}

/**
 * "Sends" a code: kept for the control surface (newest last, at most 1000) with its
 * `email.created` webhook; nothing at all for a test-mode address.
 */
export function recordSentCode(ctx: Context, sent: SentCode, userId: string | null): void {
  if (isTestModeAddress(sent.emailAddress)) return
  const { sentCodes } = ctx.state.store
  sentCodes.push(sent)
  verificationEmailEvent(ctx, sent.emailAddress, sent.code, userId)
  if (sentCodes.length > MAX_SENT_CODES) sentCodes.splice(0, sentCodes.length - MAX_SENT_CODES)
}

/**
 * One attempt at `verification` with the form's `code`, checked as Clerk does: not prepared (400),
 * failed for good, expired (marked so), no code (422 each), then the attempt is counted. Answers
 * the verification when the code matched, null on a miss; the fifth miss fails the verification for
 * good (the caller answers a miss with {@link incorrectCode}).
 */
export function attemptEmailCode(
  verification: EmailCodeVerification | null,
  code: string | null,
  now: number,
): EmailCodeVerification | null {
  if (!verification) {
    throw new ClerkError(400, 'verification_missing', 'This verification has not been prepared.', {
      longMessage: 'Call prepare_verification with strategy email_code first.',
      meta: { param_name: 'code' },
    })
  }
  if (verification.status === 'failed') {
    throw formError('verification_failed', 'code', 'Too many failed attempts. Request a new code.')
  }
  if (now > verification.expireAt) {
    verification.status = 'expired'
    throw formError('verification_expired', 'code', 'This code has expired. Request a new one.')
  }
  const entered = (code ?? '').trim()
  if (entered === '') throw formError('form_param_missing', 'code', 'Enter the code.')
  verification.attempts += 1
  if (entered === verification.code) return verification
  if (verification.attempts >= MAX_CODE_ATTEMPTS) verification.status = 'failed'
  return null
}

/** Clerk's answer to a wrong code. */
export function incorrectCode(): ClerkError {
  return formError('form_code_incorrect', 'code', 'Incorrect code')
}

function randomCode(): string {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1))
  return String(value % 1_000_000).padStart(6, '0')
}
