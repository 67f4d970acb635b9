/**
 * Clerk's length rule for a new password, as its form errors word it; one place for every route that
 * takes one (sign-up, the profile's password change).
 */

import { PASSWORD_POLICY } from './environment.ts'
import { formError } from './errors.ts'

/** Throws Clerk's 422 for `param` when `password` is shorter or longer than the policy allows. */
export function checkPasswordLength(param: string, password: string): void {
  if (password.length < PASSWORD_POLICY.minLength) {
    throw formError(
      'form_password_length_too_short',
      param,
      `Passwords must be ${PASSWORD_POLICY.minLength} characters or more.`,
    )
  }
  if (password.length > PASSWORD_POLICY.maxLength) {
    throw formError(
      'form_password_length_too_long',
      param,
      `Passwords must be less than ${PASSWORD_POLICY.maxLength + 1} characters.`,
    )
  }
}
