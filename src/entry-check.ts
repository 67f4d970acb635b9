/**
 * Whether what the field holds can be saved: the entry read from the three fields (or the native
 * input), checked against `required`, `min`, `max`, the calendar and today. Pure; no DOM.
 */
import { birthdayProblem, localToday } from './birthday.ts'
import type { Problem } from './edit.ts'
import { PARTS } from './memorable-date.ts'
import type { DatePart, Entry } from './memorable-date.ts'

export interface EntryRules {
  required: boolean
  min: string
  max: string
}

/** An ISO date (`''`: none), or why it cannot be saved and the parts at fault. */
export interface CheckedEntry {
  iso: string
  problem: Problem | null
  faulty: DatePart[]
}

/**
 * Checks an entry against `rules` (the element's attributes). `native`: the native date input, with
 * no parts to mark, and a future date left to `max`. A date wrong as a whole marks all three parts,
 * as GOV.UK marks them; a part missing or unreadable marks only that part.
 */
export function checkEntry(entry: Entry, native: boolean, rules: EntryRules): CheckedEntry {
  if (entry.problem !== undefined) {
    const problem = entry.problem === 'format' && !native ? 'real' : entry.problem
    return { iso: '', problem, faulty: entry.parts }
  }
  const { iso } = entry
  const problem = !iso
    ? rules.required
      ? 'required'
      : null
    : !native && iso > localToday()
      ? 'future'
      : birthdayProblem(iso, rules)
  return { iso, problem, faulty: problem && !native ? PARTS : [] }
}
