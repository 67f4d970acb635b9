/**
 * The state of one user's edit, with a name for each state a field can be in. The host replaces the
 * whole object on sign-out, user switch and when it lets go of Clerk: work that still holds the old
 * one (a save, a read of the stored value) sees it is stale by identity and drops its result.
 */
import type { BirthdayProblem } from './birthday.ts'
import type { DatePart } from './memorable-date.ts'

/** What the element is doing; also exposed as the custom state of the same name. */
export type BirthdayEditorStatus =
  'loading' | 'signed-out' | 'idle' | 'saving' | 'refreshing' | 'saved' | 'error'

/** Not known yet: no token, stored value, save or other tab has told this user's birthday. */
export const UNKNOWN = Symbol()
/** No saved value was seen while a save ran. */
export const NOTHING_MISSED = Symbol()

/** Why the field cannot be saved. */
export type Problem = BirthdayProblem | 'required' | 'missing' | 'real' | 'future'

export interface Edit {
  /** Whose edit it is: the session token's `sub`. */
  subject: unknown
  /** The saved birthday. */
  savedValue: string | null | typeof UNKNOWN
  /** The claim last read from a token. */
  tokenClaim: string | null | typeof UNKNOWN
  /**
   * The stored value, read from the endpoint when the token template lacks the claim: not asked
   * for yet, asked for (once per user), or asked for and not read.
   */
  stored: 'unasked' | 'asked' | 'unread'
  /** A saved value seen while a save ran (a token's claim, another tab's save): applied if it fails. */
  missed: string | null | typeof NOTHING_MISSED
  /** Shown instead of `saved` while a save is in flight (optimistic display). */
  optimistic?: string | null
  /** Why the field cannot be saved, shown once the user has committed it. */
  problem: Problem | null
  /** The parts at fault: they get `aria-invalid`, and the first takes focus. */
  faulty: DatePart[]
  /** The user typed since the last commit. */
  typed: boolean
  /** Aborts the save in flight when it is dropped, so no request of it outlives it. */
  inFlight?: AbortController
}

export const newEdit = (): Edit => ({
  subject: undefined,
  savedValue: UNKNOWN,
  tokenClaim: UNKNOWN,
  stored: 'unasked',
  missed: NOTHING_MISSED,
  problem: null,
  faulty: [],
  typed: false,
})
