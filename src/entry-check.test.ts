import { describe, expect, it } from 'vitest'
import { localToday } from './birthday.ts'
import { checkEntry } from './entry-check.ts'

const rules = { required: false, min: '1900-01-01', max: '2100-12-31' }

describe('checking what the field holds', () => {
  it.each([
    ['a date in range', '1990-12-10', rules, null],
    ['nothing, not required', '', rules, null],
    ['nothing, required', '', { ...rules, required: true }, 'required'],
    ['a date before min', '1899-12-31', rules, 'min'],
    ['a date after max', '2001-01-01', { ...rules, max: '2000-12-31' }, 'max'],
  ] as const)('%s: %s → %s', (_, iso, bounds, problem) => {
    const fields = checkEntry({ iso }, false, bounds)
    expect(fields).toEqual({ iso, problem, faulty: problem ? ['day', 'month', 'year'] : [] })
    // The native input marks no parts: it has none.
    expect(checkEntry({ iso }, true, bounds)).toEqual({ iso, problem, faulty: [] })
  })

  it('refuses a date after today in the fields, and leaves it to max in the native input', () => {
    const today = localToday()
    const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4, 10)}`.replace(
      '-02-29',
      '-02-28',
    )
    expect(checkEntry({ iso: nextYear }, false, rules).problem).toBe('future')
    expect(checkEntry({ iso: nextYear }, true, rules).problem).toBeNull()
    expect(checkEntry({ iso: today }, false, rules).problem).toBeNull()
  })

  it('keeps the parts at fault of a missing part, and names an unreadable date as not real', () => {
    expect(checkEntry({ problem: 'missing', parts: ['month'] }, false, rules)).toEqual({
      iso: '',
      problem: 'missing',
      faulty: ['month'],
    })
    expect(checkEntry({ problem: 'format', parts: ['day'] }, false, rules)).toEqual({
      iso: '',
      problem: 'real',
      faulty: ['day'],
    })
    // The native input's partial date stays a format problem ("Enter a real date.").
    expect(checkEntry({ problem: 'format', parts: [] }, true, rules).problem).toBe('format')
  })
})
