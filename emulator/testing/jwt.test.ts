import { describe, expect, it } from 'vitest'
import { decodeJwt } from './jwt.ts'

const part = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

describe('decodeJwt (test support)', () => {
  it('reads the header and the payload, base64url without padding, as UTF-8', () => {
    const header = { alg: 'RS256', kid: 'ins_1', typ: 'JWT' }
    // "?>" and "~~" give "+" / "/" in plain base64; the name needs UTF-8.
    const payload = { sub: 'user_1', note: '?>~~', name: 'Zoë Ågren' }
    expect(decodeJwt(`${part(header)}.${part(payload)}.sig`)).toEqual({ header, payload })
  })

  it.each([
    ['one part', 'abc', /not a JWT: 1 part/],
    ['four parts', 'a.b.c.d', /not a JWT: 4 part/],
    ['a payload that is not base64url', `${part({})}.b.c`, /payload is not base64url JSON/],
    ['a payload that is not JSON', `${part({})}.${btoa('{x')}.c`, /payload is not base64url JSON/],
    ['an array payload', `${part({})}.${part([1])}.c`, /payload is not a JSON object/],
    ['a null header', `${part(null)}.${part({})}.c`, /header is not a JSON object/],
  ])('throws on %s', (_, jwt, message) => {
    expect(() => decodeJwt(jwt)).toThrow(message)
  })
})
