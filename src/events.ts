/**
 * The events `<birthday-editor>` dispatches besides `change`. Each is a small `Event` subclass with
 * readonly, plain-data fields; all bubble and are composed, so they cross shadow roots.
 */

/** What went wrong, for code to branch on (people read `message`). */
export type BirthdayEditorErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'config'
  | 'rate-limited'
  | 'busy'
  | 'server'
  | 'timeout'
  | 'network'
  | 'offline'
  | 'clerk'
  | 'claim-stale'

const init = { bubbles: true, composed: true }

/** A save reached the server (2xx); fired once the session token was refreshed and checked. */
export class BirthdayEditorSavedEvent extends Event {
  /** The saved birthday, ISO `YYYY-MM-DD`, or `null` when it was removed. */
  declare readonly birthday: string | null
  /** True when a fresh session token carries the saved value in its claim. */
  declare readonly verified: boolean
  /** The fresh token's `iat` (seconds), or `null` when no fresh token could be read. */
  declare readonly iat: number | null

  constructor(birthday: string | null, verified: boolean, iat: number | null) {
    super('birthday-editor-saved', init)
    Object.assign(this, { birthday, verified, iat })
  }
}

/**
 * A save failed, no usable Clerk (code `clerk`), or (code `claim-stale`, for developers) the save
 * succeeded but fresh session tokens do not carry it.
 */
export class BirthdayEditorErrorEvent extends Event {
  declare readonly code: BirthdayEditorErrorCode
  /** The text the element shows; plain text, never markup. */
  declare readonly message: string

  constructor(code: BirthdayEditorErrorCode, message: string) {
    super('birthday-editor-error', init)
    Object.assign(this, { code, message })
  }
}

/** The native-named `change`: the user committed a new valid date (read it from `value`). */
export const changeEvent = (): Event => new Event('change', init)

declare global {
  interface GlobalEventHandlersEventMap {
    'birthday-editor-saved': BirthdayEditorSavedEvent
    'birthday-editor-error': BirthdayEditorErrorEvent
  }
}
