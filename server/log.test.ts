import { describe, expect, it, vi } from 'vitest'
import { HttpError } from './errors.ts'
import { logRequest, type LogEntry } from './log.ts'

const clock = { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) }

describe('logRequest', () => {
  it('writes one line: method, path, status, time, and the failure and user when known', () => {
    const entries: LogEntry[] = []
    const started = 1000
    // 16.4937 ms after the start: logged as 16.49 (two decimals). A time read off the real clock made
    // this test depend on floating-point luck (16.49 * 100 is 1648.9999999999998).
    vi.spyOn(performance, 'now').mockReturnValue(started + 16.4937)
    logRequest((entry) => entries.push(entry), clock, {
      request: new Request('https://api.example/x', { method: 'POST' }),
      pathname: '/x',
      started,
      response: new Response(null, { status: 429 }),
      failure: new HttpError('rate_limited', 'slow down', { reason: 'limiter' }),
      userId: 'user_1',
    })
    expect(entries).toHaveLength(1)
    const [entry] = entries
    expect(entry).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      method: 'POST',
      path: '/x',
      status: 429,
      ms: 16.49,
      code: 'rate_limited',
      reason: 'limiter',
      userId: 'user_1',
    })
  })

  it('leaves out code, reason and user when there are none, and cuts a long path', () => {
    const entries: LogEntry[] = []
    const long = `/${'a'.repeat(300)}`
    logRequest((entry) => entries.push(entry), clock, {
      request: new Request(`https://api.example${long}`),
      pathname: long,
      started: performance.now(),
      response: new Response(null, { status: 200 }),
    })
    expect(Object.keys(entries[0] ?? {}).sort()).toEqual(['at', 'method', 'ms', 'path', 'status'])
    expect(entries[0]?.path).toBe(long.slice(0, 200))
  })

  it('a logger or a clock that throws is ignored', () => {
    const outcome = {
      request: new Request('https://api.example/x'),
      pathname: '/x',
      started: performance.now(),
      response: new Response(null, { status: 200 }),
    }
    const throwing = vi.fn(() => {
      throw new Error('disk full')
    })
    expect(() => logRequest(throwing, clock, outcome)).not.toThrow()
    expect(throwing).toHaveBeenCalledTimes(1)
    const broken = {
      now: () => {
        throw new Error('no clock')
      },
    }
    expect(() => logRequest(() => undefined, broken, outcome)).not.toThrow()
  })
})
