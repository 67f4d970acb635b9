import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  birthdayBodySchema,
  birthdaySchema,
  checkBirthday,
  describeProblem,
  isIsoDate,
  latestToday,
  localToday,
  MIN_BIRTHDAY,
  createBirthdayBodyParser,
  todayAtOffset,
} from './birthday.ts'

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0) // 2024-06-15T12:00Z
const now = () => NOW

describe('isIsoDate', () => {
  it.each([
    ['1990-12-10', true],
    ['2000-02-29', true], // divisible by 400: leap
    ['2024-02-29', true],
    ['1900-02-29', false], // divisible by 100, not 400: not leap
    ['2023-02-29', false],
    ['2100-02-29', false],
    ['2024-02-30', false],
    ['2024-04-31', false],
    ['2024-06-31', false],
    ['2024-09-31', false],
    ['2024-11-31', false],
    ['2024-12-31', true],
    ['2024-01-31', true],
    ['2024-00-10', false],
    ['2024-13-01', false],
    ['2024-01-00', false],
    ['0000-01-01', true],
    ['9999-12-31', true],
    ['2024-1-01', false],
    ['24-01-01', false],
    ['20240101', false],
    ['2024/01/01', false],
    [' 2024-01-01', false],
    ['2024-01-01 ', false],
    ['2024-01-01T00:00:00Z', false],
    ['+02024-01-01', false],
    ['١٩٩٠-١٢-١٠', false], // Arabic-Indic digits
    ['', false],
    ['garbage', false],
    [null, false],
    [undefined, false],
    [19901210, false],
    [new Date(0), false],
    [{}, false],
  ])('%j → %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected)
  })
})

describe('today', () => {
  it.each([
    // instant, offset (minutes east), date there
    [Date.UTC(2024, 0, 1, 0, 0), 0, '2024-01-01'],
    [Date.UTC(2024, 0, 1, 9, 59), 14 * 60, '2024-01-01'],
    [Date.UTC(2024, 0, 1, 10, 0), 14 * 60, '2024-01-02'],
    [Date.UTC(2024, 0, 1, 11, 59), -12 * 60, '2023-12-31'],
    [Date.UTC(2024, 0, 1, 12, 0), -12 * 60, '2024-01-01'],
    [Date.UTC(2024, 1, 28, 20, 0), 5 * 60, '2024-02-29'],
  ])('at %i with offset %i it is %s', (instant, offset, date) => {
    expect(todayAtOffset(offset, instant)).toBe(date)
  })

  it('latestToday is today at UTC+14', () => {
    expect(latestToday(Date.UTC(2024, 11, 31, 10, 0))).toBe('2025-01-01')
    expect(latestToday(Date.UTC(2024, 11, 31, 9, 59))).toBe('2024-12-31')
  })

  it('localToday reads the local calendar of a given date', () => {
    expect(localToday(new Date(2024, 1, 29, 23, 59))).toBe('2024-02-29')
  })
})

describe('checkBirthday and birthdaySchema', () => {
  const bounds = { now }
  it.each([
    [null, null],
    ['1990-12-10', null],
    [MIN_BIRTHDAY, null],
    ['1899-12-31', 'min'],
    ['2024-06-16', null], // today at UTC+14
    ['2024-06-17', 'max'],
    ['1990-02-30', 'format'],
    ['10-12-1990', 'format'],
    ['', 'format'],
    ['<script>alert(1)</script>', 'format'],
  ])('%j → %s', (value, problem) => {
    expect(checkBirthday(value, bounds)).toBe(problem)
  })

  it.each([
    [{ min: '2000-02-29', max: '2024-02-29' }, '2000-02-28', 'min'],
    [{ min: '2000-02-29', max: '2024-02-29' }, '2000-02-29', null],
    [{ min: '2000-02-29', max: '2024-02-29' }, '2024-02-29', null],
    [{ min: '2000-02-29', max: '2024-02-29' }, '2024-03-01', 'max'],
    [{ max: '1999-12-31' }, '2000-01-01', 'max'],
  ])('bounds %j: %s → %s', (options, value, problem) => {
    expect(checkBirthday(value, options)).toBe(problem)
  })

  it('checkBirthday (no zod, what the element ships) answers exactly as the zod schema', () => {
    const zodProblem = (value: string | null, options: object) => {
      const result = birthdaySchema(options).safeParse(value)
      return result.success ? null : result.error.issues[0]!.message
    }
    const day = fc
      .date({
        min: new Date('0000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString().slice(0, 10))
    const nearlyDay = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(
        ([y, m, d]) =>
          `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      )
    const value = fc.oneof(day, nearlyDay, fc.string(), fc.constant(null))
    const options = fc.record({ min: day, max: day }, { requiredKeys: [] })
    fc.assert(
      fc.property(value, options, (value, options) => {
        expect(checkBirthday(value, { ...options, now })).toBe(
          zodProblem(value, { ...options, now }),
        )
      }),
      { numRuns: 2000 },
    )
  })

  it('reports one issue per value, as a custom issue carrying the problem', () => {
    const result = birthdaySchema(bounds).safeParse('1800-02-30')
    expect(result.success).toBe(false)
    expect(result.error!.issues).toMatchObject([{ code: 'custom', message: 'format' }])
    expect(birthdaySchema(bounds).safeParse(42).success).toBe(false)
    expect(birthdaySchema(bounds).safeParse(undefined).success).toBe(false)
    expect(birthdaySchema(bounds).safeParse(null)).toMatchObject({ success: true, data: null })
  })

  it.each([
    ['format', 'birthday must be a real calendar date in YYYY-MM-DD form'],
    ['min', 'birthday must be on or after 1900-01-01'],
    ['max', 'birthday must be on or before 2024-06-16'],
  ] as const)('describes %s', (problem, words) => {
    expect(describeProblem(problem, bounds)).toBe(words)
  })
})

describe('the request body', () => {
  it.each([
    [{ birthday: '1990-12-10' }, { ok: true, value: { birthday: '1990-12-10' } }],
    [{ birthday: null }, { ok: true, value: { birthday: null } }],
    [{ birthday: '1990-02-30' }, { ok: false, message: describeProblem('format') }],
    [{ birthday: '1899-01-01' }, { ok: false, message: describeProblem('min') }],
    [{ birthday: '2999-01-01' }, { ok: false, message: expect.stringMatching(/on or before/) }],
    [
      { birthday: 19901210 },
      { ok: false, message: 'birthday must be a "YYYY-MM-DD" string or null' },
    ],
    [{}, { ok: false, message: 'birthday must be a "YYYY-MM-DD" string or null' }],
    [
      { birthday: null, admin: true },
      { ok: false, message: 'only "birthday" is allowed' },
    ],
    [null, { ok: false, message: expect.stringMatching(/must be a JSON object/) }],
    [[{ birthday: null }], { ok: false, message: expect.stringMatching(/must be a JSON object/) }],
    ['1990-12-10', { ok: false, message: expect.stringMatching(/must be a JSON object/) }],
  ])('%j → %j', (body, expected) => {
    expect(createBirthdayBodyParser({ now })(body)).toEqual(expected)
  })

  it('never echoes the input back', () => {
    const result = createBirthdayBodyParser()({ birthday: '<b>x</b>' })
    expect(JSON.stringify(result)).not.toContain('<b>')
  })

  it('is a strict object schema', () => {
    expect(birthdayBodySchema().safeParse({ birthday: null, x: 1 }).success).toBe(false)
  })
})
