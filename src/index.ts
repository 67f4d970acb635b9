/**
 * Public exports of the `<birthday-editor>` library. Importing this registers nothing; import
 * `./define.ts` (the package's `./define` entry) to register the tag.
 */
export { BirthdayEditorElement, defaultStrings } from './birthday-editor.ts'
export type { BirthdayEditorStatus, BirthdayEditorStrings } from './birthday-editor.ts'
export { BirthdayEditorErrorEvent, BirthdayEditorSavedEvent } from './events.ts'
export type { BirthdayEditorErrorCode } from './events.ts'
export { clerkScriptUrl, loadClerk } from './clerk-port.ts'
export type { ClerkPort, ClerkSession, ClerkToken, ClerkUser } from './clerk-port.ts'
export { checkBirthday, isIsoDate, MIN_BIRTHDAY } from './birthday.ts'
export type { BirthdayProblem } from './birthday.ts'
