import { describe, expect, it } from 'vitest'
import {
  isoTexts,
  partLabel,
  partOrder,
  readEntry,
  readMonth,
  readPasted,
} from './memorable-date.ts'

describe('the fields of a language', () => {
  it.each([
    ['en-US', ['month', 'day', 'year'], ['Day', 'Month', 'Year']],
    ['en-GB', ['day', 'month', 'year'], ['Day', 'Month', 'Year']],
    ['de', ['day', 'month', 'year'], ['Tag', 'Monat', 'Jahr']],
    ['fr', ['day', 'month', 'year'], ['Jour', 'Mois', 'Année']],
    ['ja', ['year', 'month', 'day'], ['日', '月', '年']],
  ] as const)('%s: order %j, labels %j', (lang, order, [day, month, year]) => {
    expect(partOrder(lang)).toEqual(order)
    expect([partLabel('day', lang), partLabel('month', lang), partLabel('year', lang)]).toEqual([
      day,
      month,
      year,
    ])
  })

  it('falls back to day, month, year for a language Intl refuses', () => {
    expect(partOrder('not a language!')).toEqual(['day', 'month', 'year'])
    expect(partLabel('day', 'not a language!')).toBeUndefined()
  })
})

describe('reading what people type', () => {
  it.each([
    ['3', 'en', 3],
    ['03', 'en', 3],
    ['12', 'en', 12],
    ['February', 'en', 2],
    ['feb', 'en', 2],
    ['Feb.', 'en', 2],
    ['SEPT', 'en-GB', 9],
    ['März', 'de', 3],
    ['mrz', 'de', NaN],
    ['janvier', 'fr', 1],
    ['janv.', 'fr', 1],
    ['3月', 'ja', 3],
    ['Februar', 'en', NaN],
    ['13x', 'en', NaN],
    ['123', 'en', NaN],
  ])('month %j in %s → %s', (text, lang, month) => {
    expect(readMonth(text, lang)).toBe(month)
  })

  it.each([
    [{ day: '10', month: '12', year: '1990' }, { iso: '1990-12-10' }],
    [{ day: ' 3 ', month: ' 02 ', year: ' 1991 ' }, { iso: '1991-02-03' }],
    [{ day: '03', month: 'Feb', year: '1991' }, { iso: '1991-02-03' }],
    [{ day: '29', month: '2', year: '2000' }, { iso: '2000-02-29' }],
    [{ day: '', month: '', year: '' }, { iso: '' }],
    [
      { day: '10', month: '', year: '1990' },
      { problem: 'missing', parts: ['month'] },
    ],
    [
      { day: '', month: '', year: '1990' },
      { problem: 'missing', parts: ['day', 'month'] },
    ],
    [
      { day: '31', month: '2', year: '1990' },
      { problem: 'format', parts: ['day'] },
    ],
    [
      { day: '29', month: '2', year: '2023' },
      { problem: 'format', parts: ['day'] },
    ],
    [
      { day: '10', month: '13', year: '1990' },
      { problem: 'format', parts: ['month'] },
    ],
    [
      { day: '10', month: '0', year: '1990' },
      { problem: 'format', parts: ['month'] },
    ],
    [
      { day: 'x', month: 'Smarch', year: '90' },
      { problem: 'format', parts: ['day', 'month', 'year'] },
    ],
    [
      { day: '123', month: '1', year: '1990' },
      { problem: 'format', parts: ['day'] },
    ],
  ])('%j → %j', (texts, entry) => {
    expect(readEntry(texts, 'en')).toEqual(entry)
  })

  it.each([
    ['1990-12-10', 'en-US', '1990-12-10'],
    [' 1990-1-2 ', 'de', '1990-01-02'],
    ['12/10/1990', 'en-US', '1990-12-10'],
    ['10/12/1990', 'en-GB', '1990-12-10'],
    ['10.12.1990', 'de', '1990-12-10'],
    ['1990/12/10', 'ja', '1990-12-10'],
    ['10 Dec 1990', 'en-GB', '1990-12-10'],
    ['31/02/1990', 'en-GB', null],
    ['12', 'en-GB', null],
    ['hello world again', 'en', null],
    ['', 'en', null],
  ])('a pasted %j in %s → %s', (text, lang, iso) => {
    expect(readPasted(text, lang)).toBe(iso)
  })

  it('writes an ISO date out as field texts, and nothing as empty fields', () => {
    expect(isoTexts('1991-02-03')).toEqual({ day: '3', month: '2', year: '1991' })
    expect(isoTexts('')).toEqual({ day: '', month: '', year: '' })
  })
})
