import { describe, expect, it } from 'vitest'
import { ownOrigin } from './own-origin.ts'

const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers })

describe('ownOrigin', () => {
  it("is the request URL's origin, forwarded headers ignored unless trusted", () => {
    const behindProxy = request('http://internal:3000/api/x', {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'app.example',
    })
    expect(ownOrigin(request('https://app.example/api/x'), false)).toBe('https://app.example')
    expect(ownOrigin(request('http://localhost:3000/api/x'), false)).toBe('http://localhost:3000')
    expect(ownOrigin(behindProxy, false)).toBe('http://internal:3000')
    expect(ownOrigin(behindProxy, true)).toBe('https://app.example')
  })

  it('trusted: takes the first of a list, keeps a port, drops a default one, fills in what is missing', () => {
    const url = 'http://internal:3000/api/x'
    const cases: [Record<string, string>, string | null][] = [
      [
        { 'X-Forwarded-Proto': 'https, http', 'X-Forwarded-Host': 'a.example, b' },
        'https://a.example',
      ],
      [
        { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'a.example:8443' },
        'https://a.example:8443',
      ],
      [{ 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'A.Example:443' }, 'https://a.example'],
      [{ 'X-Forwarded-Proto': 'https' }, 'https://internal:3000'],
      [{ 'X-Forwarded-Host': 'a.example' }, 'http://a.example'],
      [{}, 'http://internal:3000'],
    ]
    for (const [headers, expected] of cases) {
      expect(ownOrigin(request(url, headers), true), JSON.stringify(headers)).toBe(expected)
    }
  })

  it('trusted: a forwarded value that is no scheme or no bare host makes no origin', () => {
    const url = 'http://internal:3000/api/x'
    const cases: Record<string, string>[] = [
      { 'X-Forwarded-Proto': 'javascript' },
      { 'X-Forwarded-Proto': 'ftp' },
      { 'X-Forwarded-Host': 'a.example/evil' },
      { 'X-Forwarded-Host': 'user@a.example' },
      { 'X-Forwarded-Host': 'a.example?x' },
      { 'X-Forwarded-Host': 'a example' },
    ]
    for (const headers of cases) {
      expect(ownOrigin(request(url, headers), true), JSON.stringify(headers)).toBeNull()
    }
  })
})
