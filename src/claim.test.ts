import { describe, expect, it } from 'vitest'
import { birthdayClaim } from './claim.ts'

describe('the birthday claim of a token', () => {
  it.each([
    ['a date', { sub: 'user_1', birthday: '1990-12-10' }, 'birthday', '1990-12-10'],
    ['null: none saved', { sub: 'user_1', birthday: null }, 'birthday', null],
    ['not a date: none', { sub: 'user_1', birthday: '1990-02-30' }, 'birthday', null],
    ['a number: none', { sub: 'user_1', birthday: 19901210 }, 'birthday', null],
    [
      'absent from a session token: the template lacks it',
      { sub: 'user_1' },
      'birthday',
      undefined,
    ],
    [
      'at a dot path',
      { sub: 'user_1', meta: { birthday: '1990-12-10' } },
      'meta.birthday',
      '1990-12-10',
    ],
    ['absent at a dot path', { sub: 'user_1', meta: {} }, 'meta.birthday', undefined],
    ['absent from claims without sub: none', { iat: 1 }, 'birthday', null],
    ['no claims: none', null, 'birthday', null],
  ] as const)('%s', (_, claims, path, expected) => {
    expect(birthdayClaim(path, claims)).toBe(expected)
  })
})
