/**
 * The element's words: every user-visible string in English, filling `{name}` placeholders, and
 * dates in words in a language. Pure functions with a formatter cache (as relative-time-element's
 * `intl-cache.ts`); no DOM.
 */
import type { Problem } from './edit.ts'
import type { DatePart } from './memorable-date.ts'

/**
 * Every user-visible string, in English (the field labels `day`, `month`, `year` default to their
 * names in the element's language where the browser knows them). `{name}` marks a value filled in when shown. Error messages
 * are keyed by their error code, validation messages by the problem.
 */
export const defaultStrings = {
  label: 'Birthday',
  day: 'Day',
  month: 'Month',
  year: 'Year',
  save: 'Save',
  remove: 'Remove',
  current: 'Saved: {date}',
  none: 'None saved.',
  unchanged: 'Pick a new date to save.',
  signedOut: 'Sign in to set your birthday.',
  loading: 'Loading…',
  saving: 'Saving…',
  refreshing: 'Syncing…',
  saved: 'Saved.',
  willSync: 'Saved. It will sync soon.',
  'claim-stale': 'Saved.',
  format: 'Enter a real date.',
  missing: 'Birthday must include a {parts}.',
  real: 'Birthday must be a real date.',
  future: 'Birthday must be in the past.',
  required: 'Enter a date.',
  min: 'Enter {min} or later.',
  max: 'Enter {max} or earlier.',
  invalid: 'The server refused this date.',
  unauthenticated: 'Please sign in again.',
  config: 'Saving is not set up here.',
  'rate-limited': 'Too many changes. Retrying in {seconds} s.',
  busy: 'Still saving your previous change. Try again in a moment.',
  server: 'Server error. Try again.',
  timeout: 'No answer from the server. Try again.',
  network: 'Could not reach the server. Try again.',
  offline: 'Offline. It will save once online.',
  clerk: 'Sign-in is not available right now. Reload the page to try again.',
}

export type BirthdayEditorStrings = typeof defaultStrings
export type Text = keyof BirthdayEditorStrings

/** A string from `overrides` or the defaults, with `{name}` filled from `values` (any object). */
export function fillText(
  overrides: Partial<BirthdayEditorStrings>,
  key: Text,
  values: object = {},
): string {
  return (overrides[key] ?? defaultStrings[key]).replace(
    /\{(\w+)\}/g,
    (match, name: string) => `${(values as Record<string, unknown>)[name] ?? match}`,
  )
}

/** Date formatters by language (key `''`: the browser's). */
const FORMATS: Record<string, Intl.DateTimeFormat> = {}

/**
 * An ISO date in words, in `lang` (`''`: the browser's); read as UTC so no time zone shifts it. The
 * formatter is kept per language: making one takes about a millisecond, and every render shows a
 * date.
 */
export function formatDate(iso: string, lang: string): string {
  try {
    return (FORMATS[lang] ??= new Intl.DateTimeFormat(lang || undefined, {
      dateStyle: 'long',
      timeZone: 'UTC',
    })).format(new Date(iso))
  } catch {
    return iso
  }
}

/** A problem of the field in words, dates in `lang`; `missing` names the parts at fault. */
export function problemText(
  overrides: Partial<BirthdayEditorStrings>,
  lang: string,
  problem: Problem,
  faulty: DatePart[],
  range: { min: string; max: string },
): string {
  return fillText(overrides, problem, {
    min: formatDate(range.min, lang),
    max: formatDate(range.max, lang),
    parts: faulty.map((part) => fillText(overrides, part).toLowerCase()).join(' and '),
  })
}
