/**
 * The one definition of a valid birthday, shared by the element (in the browser) and the reference
 * handler (on the server). DOM-free. A birthday is an ISO `YYYY-MM-DD` string end to end: it never
 * goes through a local `Date`, so no time zone can shift it by a day.
 */
import * as z from 'zod/mini'

/** The earliest birthday accepted by default. */
export const MIN_BIRTHDAY = '1900-01-01'

/** Why a value is not an acceptable birthday. */
export type BirthdayProblem = 'format' | 'min' | 'max'

export interface BirthdayBounds {
  /** Earliest accepted date, ISO. Default {@link MIN_BIRTHDAY}. */
  min?: string
  /** Latest accepted date, ISO. Default: today in the latest time zone on Earth (UTC+14). */
  max?: string
  /** Clock for the default `max`, in ms since the epoch. */
  now?: () => number
}

/** True for a real calendar date written as `YYYY-MM-DD` (so `1990-02-30` and `2023-02-29` fail). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(value)) return false
  // Read as UTC midnight, never in local time: a day that does not exist is NaN or rolls over.
  const date = new Date(value + 'T00:00:00Z')
  return !isNaN(+date) && date.toISOString().startsWith(value)
}

/** The date at a fixed UTC offset (minutes east of UTC), as ISO. */
export function todayAtOffset(offsetMinutes: number, now: number = Date.now()): string {
  return new Date(now + offsetMinutes * 60_000).toISOString().slice(0, 10)
}

/** The latest date that is "today" somewhere on Earth: UTC+14 (Kiritimati); `now` defaults to the clock. */
export function latestToday(now?: number): string {
  return todayAtOffset(14 * 60, now)
}

/** Today on the local calendar of this runtime (the user's, in a browser), as ISO. */
export function localToday(date: Date = new Date()): string {
  // The offset in force at that instant (daylight saving included), east of UTC.
  return todayAtOffset(-date.getTimezoneOffset(), +date)
}

/** ISO dates compare correctly as strings. */
function bounds(options: BirthdayBounds): { min: string; max: string } {
  return {
    min: options.min ?? MIN_BIRTHDAY,
    max: options.max ?? latestToday(options.now?.()),
  }
}

/**
 * The rule itself, without zod: why `value` is not a birthday within the bounds, or `null` when it
 * is. The zod schema below applies exactly this; the element calls it directly (see
 * {@link checkBirthday}).
 */
export function birthdayProblem(
  value: unknown,
  options: BirthdayBounds = {},
): BirthdayProblem | null {
  const { min, max } = bounds(options)
  return !isIsoDate(value) ? 'format' : value < min ? 'min' : value > max ? 'max' : null
}

/**
 * A zod (mini) schema for `string | null`: `null` removes the birthday. Issue messages are
 * {@link BirthdayProblem} codes, which callers turn into words.
 */
export function birthdaySchema(options: BirthdayBounds = {}) {
  return z.nullable(
    // One check rather than three refines: the same issues, and ~200 B less zod.
    z.string().check((ctx) => {
      const problem = birthdayProblem(ctx.value, options)
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value })
    }),
  )
}

/** The request body of a save: exactly `{ "birthday": "YYYY-MM-DD" | null }`, nothing else. */
export function birthdayBodySchema(options: BirthdayBounds = {}) {
  return z.strictObject({ birthday: birthdaySchema(options) })
}

/**
 * Checks one value; `null` is valid (it means "no birthday"). The same answer as
 * {@link birthdaySchema}'s `safeParse` (a test holds them equal), without zod: the element ships
 * the rule, not zod's 3 KiB.
 */
export function checkBirthday(
  value: string | null,
  options: BirthdayBounds = {},
): BirthdayProblem | null {
  return value === null ? null : birthdayProblem(value, options)
}

/** Words for a problem, for server error bodies and logs (the element has its own strings). */
export function describeProblem(problem: BirthdayProblem, options: BirthdayBounds = {}): string {
  const { min, max } = bounds(options)
  if (problem === 'min') return `birthday must be on or after ${min}`
  if (problem === 'max') return `birthday must be on or before ${max}`
  return 'birthday must be a real calendar date in YYYY-MM-DD form'
}

export type ParsedBody =
  { ok: true; value: { birthday: string | null } } | { ok: false; message: string }

/**
 * A parser for untrusted, already JSON-decoded request bodies, with its schema built once (a server
 * calls it on every request). The default `max` still follows the clock. Never echoes the input.
 */
export function createBirthdayBodyParser(
  options: BirthdayBounds = {},
): (input: unknown) => ParsedBody {
  const schema = birthdayBodySchema(options)
  return (input) => {
    const result = schema.safeParse(input)
    if (result.success) return { ok: true, value: { birthday: result.data.birthday } }
    const issue = result.error.issues[0]
    if (!issue || typeof input !== 'object' || input === null || Array.isArray(input)) {
      return {
        ok: false,
        message: 'body must be a JSON object { "birthday": "YYYY-MM-DD" | null }',
      }
    }
    if (issue.code === 'unrecognized_keys') {
      return { ok: false, message: 'only "birthday" is allowed' }
    }
    if (issue.code === 'custom') {
      return { ok: false, message: describeProblem(issue.message as BirthdayProblem, options) }
    }
    return { ok: false, message: 'birthday must be a "YYYY-MM-DD" string or null' }
  }
}
