import { describe, expect, it } from 'vitest'
import { RequestLog, type RequestLogEntry } from './request-log.ts'

const entry = (
  at: number,
  method = 'GET',
  api: RequestLogEntry['api'] = 'fapi',
): RequestLogEntry => ({
  at,
  method,
  path: `/p/${at}`,
  query: '',
  status: 200,
  api,
  route: at % 2 === 0 ? 'GET /even' : null,
  origin: null,
})

describe('RequestLog', () => {
  it('keeps the newest entries, oldest first, once full (a ring buffer)', () => {
    const log = new RequestLog(3)
    for (let at = 1; at <= 7; at += 1) log.record(entry(at))
    expect(log.entries().map((e) => e.at)).toEqual([5, 6, 7])
    log.record(entry(8))
    expect(log.entries().map((e) => e.at)).toEqual([6, 7, 8])
  })

  it('lists fewer entries than the limit in order, and counts every request exactly', () => {
    const log = new RequestLog(5)
    for (let at = 1; at <= 4; at += 1) log.record(entry(at))
    log.record(entry(9, 'POST', 'bapi'))
    log.record(entry(10, 'GET', 'bapi'))
    expect(log.entries().map((e) => e.at)).toEqual([2, 3, 4, 9, 10])
    expect(log.counters()).toEqual({
      routes: { 'GET /even': 3, unmatched: 3 },
      bapiWrites: 1,
    })
  })

  it('starts over after clear()', () => {
    const log = new RequestLog(2)
    for (let at = 1; at <= 5; at += 1) log.record(entry(at))
    log.clear()
    expect(log.entries()).toEqual([])
    expect(log.counters()).toEqual({ routes: {}, bapiWrites: 0 })
    log.record(entry(6))
    expect(log.entries().map((e) => e.at)).toEqual([6])
  })

  it('refuses a limit below 1', () => {
    expect(() => new RequestLog(0)).toThrow('the log limit must be >= 1')
  })
})
