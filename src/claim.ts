/**
 * The birthday claim of a session token: where the element reads the saved birthday. A token
 * carries it (a date, or `null` for none) or lacks it altogether, when the session token template
 * does not have it; then the stored value is read from the endpoint's `GET` instead. Pure but for
 * that one read; no DOM.
 */
import { isIsoDate } from './birthday.ts'
import type { ClerkSession } from './clerk-port.ts'
import { readStoredBirthday, tokenSource } from './save.ts'
import { claimAt, decodeClaims } from './token.ts'
import type { Claims } from './token.ts'
import { warnOnce } from './warn.ts'

/**
 * The birthday in a token's claims at `path` (a name or dot path): the date, `null` (none, or not a
 * date), or `undefined` when a session token (one with `sub`) lacks the claim altogether: the
 * template does not have it (a template that has it renders a missing value as `null`).
 */
export function birthdayClaim(path: string, claims: Claims | null): string | null | undefined {
  const value = claimAt(claims, path)
  return claims?.sub !== undefined && value === undefined
    ? undefined
    : isIsoDate(value)
      ? value
      : null
}

/** The claims of the token the session holds now. */
export const sessionClaims = (session: ClerkSession): Claims | null =>
  decodeClaims(session.lastActiveToken?.getRawString())

/** Where the stored value is read (the element's attributes). */
export interface StoredRead {
  claim: string
  endpoint: string
  timeout: number
}

/**
 * Session tokens lack the claim: tell the developer (once per page) and read the stored value from
 * the endpoint's `GET`; `undefined` when it cannot be read. Never rejects.
 */
export function readStoredInstead(
  session: ClerkSession,
  { claim, endpoint, timeout }: StoredRead,
  signal: AbortSignal,
): Promise<string | null | undefined> {
  warnOnce(
    'claim',
    `add "${claim}": "{{user.public_metadata.birthday}}" to the session token template.`,
  )
  return readStoredBirthday({ url: endpoint, token: tokenSource(session), timeout, signal })
}
