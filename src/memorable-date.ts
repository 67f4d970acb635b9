/**
 * A memorable date as people type it (the GOV.UK Design System's date input): day, month and year
 * in the order of a language, a month as digits, a name or its abbreviation, and a whole date pasted
 * at once. Pure functions with caches per language; no DOM, no `Date` for the value (it stays an ISO
 * string).
 */
import { isIsoDate } from './birthday.ts'

export type DatePart = 'day' | 'month' | 'year'
export const PARTS: DatePart[] = ['day', 'month', 'year']

/** The field texts of a date: what the user typed, or an ISO date written out. */
export type PartTexts = Record<DatePart, string>

/** What three fields hold: a date (`''`: all empty), or why not and the parts at fault. */
export type Entry =
  | { iso: string; problem?: undefined }
  | { iso?: undefined; problem: 'missing' | 'format'; parts: DatePart[] }

const orders: Record<string, DatePart[]> = {}
const months: Record<string, string[]> = {}

/** Day, month and year in the order of `lang`'s numeric dates (`''`: the browser's language). */
export function partOrder(lang: string): DatePart[] {
  try {
    return (orders[lang] ??= new Intl.DateTimeFormat(lang || undefined, {
      day: 'numeric',
      month: 'numeric',
      year: 'numeric',
    })
      .formatToParts(0)
      .map((part) => part.type as DatePart)
      .filter((type) => PARTS.includes(type)))
  } catch {
    return PARTS
  }
}

/** The name of a part in `lang` ("Day", "Tag", "jour", "日"), or `undefined` where unknown. */
export function partLabel(part: DatePart, lang: string): string | undefined {
  try {
    const name = new Intl.DisplayNames(lang || undefined, { type: 'dateTimeField' }).of(part)
    return name && name[0]!.toLocaleUpperCase(lang || undefined) + name.slice(1)
  } catch {
    return undefined
  }
}

const fold = (text: string) => text.toLocaleLowerCase().replace(/[.\s]/g, '')

/** The month of a text: one or two digits, or a month's name or abbreviation in `lang`; else NaN. */
export function readMonth(text: string, lang: string): number {
  if (/^\d{1,2}$/.test(text)) return +text
  const names = (months[lang] ??= ['long', 'short'].flatMap((month) =>
    Array.from({ length: 12 }, (_, index) =>
      fold(
        new Intl.DateTimeFormat(lang || undefined, {
          month: month as 'long',
          timeZone: 'UTC',
        }).format(Date.UTC(2000, index, 15)),
      ),
    ),
  ))
  const index = names.indexOf(fold(text))
  return index < 0 ? NaN : (index % 12) + 1
}

/** Reads three field texts; spaces around a part and leading zeros are fine. */
export function readEntry(texts: PartTexts, lang: string): Entry {
  const day = texts.day.trim()
  const year = texts.year.trim()
  const month = readMonth(texts.month.trim(), lang)
  const empty = PARTS.filter((part) => !texts[part].trim())
  if (empty.length === 3) return { iso: '' }
  if (empty.length) return { problem: 'missing', parts: empty }
  const bad = PARTS.filter((part) =>
    part === 'day' ? !/^\d{1,2}$/.test(day) : part === 'year' ? !/^\d{4}$/.test(year) : !month,
  )
  if (bad.length) return { problem: 'format', parts: bad }
  const iso = `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}`
  if (isIsoDate(iso)) return { iso }
  return { problem: 'format', parts: month > 12 || month < 1 ? ['month'] : ['day'] }
}

/** An ISO date as field texts, without leading zeros ("1990-02-03" → 3, 2, 1990). */
export const isoTexts = (iso: string): PartTexts =>
  iso
    ? { year: iso.slice(0, 4), month: `${+iso.slice(5, 7)}`, day: `${+iso.slice(8)}` }
    : { day: '', month: '', year: '' }

/**
 * A whole date pasted into any field: ISO (`1990-12-10`) or the language's numeric form
 * (`10/12/1990` in en-GB, `12/10/1990` in en-US, `10.12.1990` in de). `null` for anything else,
 * a single part included: that pastes as usual.
 */
export function readPasted(text: string, lang: string): string | null {
  const bits = text.trim().split(/[\s./-]+/)
  if (bits.length !== 3) return null
  const order = /^\d{4}$/.test(bits[0]!) ? (['year', 'month', 'day'] as const) : partOrder(lang)
  const texts = { day: '', month: '', year: '' }
  order.forEach((part, index) => (texts[part] = bits[index]!))
  return readEntry(texts, lang).iso || null
}
