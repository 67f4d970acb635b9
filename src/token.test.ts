import { describe, expect, it } from 'vitest'
import { fakeJwt } from './testing/fake-clerk.ts'
import { claimAt, decodeClaims } from './token.ts'

describe('decodeClaims', () => {
  it('reads the payload of a three-part token', () => {
    expect(decodeClaims(fakeJwt({ sub: 'user_1', iat: 1, birthday: '1990-12-10' }))).toEqual({
      sub: 'user_1',
      iat: 1,
      birthday: '1990-12-10',
    })
  })

  it('decodes base64url without padding (- and _ included)', () => {
    // {"a":"??>"} → base64 "eyJhIjoiPz8+In0" contains "+"; base64url has "-" instead.
    const payload = btoa('{"a":"??>"}').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    expect(payload).toContain('-')
    expect(decodeClaims(`x.${payload}.y`)).toEqual({ a: '??>' })
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an empty string', ''],
    ['two parts', 'eyJhIjoxfQ.eyJhIjoxfQ'],
    ['four parts', 'a.eyJhIjoxfQ.c.d'],
    ['a payload that is not base64', 'a.%%%.c'],
    ['a payload that is not JSON', `a.${btoa('not json')}.c`],
    ['a payload that is a string', `a.${btoa('"text"')}.c`],
    ['a payload that is a number', `a.${btoa('42')}.c`],
    ['a payload that is null', `a.${btoa('null')}.c`],
    ['a payload that is an array', `a.${btoa('[1,2]')}.c`],
  ])('gives null for %s', (_, jwt) => {
    expect(decodeClaims(jwt)).toBeNull()
  })
})

describe('claimAt', () => {
  const claims = { birthday: '1990-12-10', metadata: { birthday: '1975-03-04' }, n: null }
  it.each([
    ['birthday', '1990-12-10'],
    ['metadata.birthday', '1975-03-04'],
    ['metadata.missing', undefined],
    ['missing.deeper', undefined],
    ['n.deeper', undefined],
    ['birthday.length', 10],
  ])('%s → %j', (path, value) => {
    expect(claimAt(claims, path)).toEqual(value)
  })

  it('copes with no claims', () => {
    expect(claimAt(null, 'birthday')).toBeUndefined()
  })
})
