import { describe, expect, it } from 'vitest'
import { recordFetches } from './wire-recorder.ts'

function fakePage(answer: (request: Request) => Response | Promise<Response>) {
  let clock = 0
  const target = {
    fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(
        answer(new Request(new URL(String(input), 'http://page.test/'), init)),
      )) as typeof fetch,
  }
  const recorder = recordFetches({
    target,
    now: () => (clock += 10),
    base: () => 'http://page.test/demo',
    limit: 3,
  })
  return { target, recorder }
}

describe('recordFetches', () => {
  it('records method, absolute URL, start, end and status, and passes the response on', async () => {
    const { target, recorder } = fakePage(() => new Response('{}', { status: 201 }))
    const response = await target.fetch('/api/save', { method: 'post', body: '{}' })
    expect(response.status).toBe(201)
    await target.fetch(new Request('http://clerk.test/v1/me'))
    expect(recorder.requests).toEqual([
      { method: 'POST', url: 'http://page.test/api/save', start: 10, end: 20, status: 201 },
      { method: 'GET', url: 'http://clerk.test/v1/me', start: 30, end: 40, status: 201 },
    ])
  })

  it('a request with no response is recorded with status 0, and the error still reaches the caller', async () => {
    const { target, recorder } = fakePage(() => {
      throw new TypeError('Failed to fetch')
    })
    await expect(target.fetch('/api/save', { method: 'POST' })).rejects.toThrow('Failed to fetch')
    expect(recorder.requests).toEqual([
      { method: 'POST', url: 'http://page.test/api/save', start: 10, end: 20, status: 0 },
    ])
  })

  it('a pending request has no end yet; only the last `limit` requests are kept', async () => {
    let release = () => {}
    const { target, recorder } = fakePage(
      () => new Promise<Response>((resolve) => (release = () => resolve(new Response(null)))),
    )
    const pending = target.fetch('/a')
    expect(recorder.requests).toEqual([{ method: 'GET', url: 'http://page.test/a', start: 10 }])
    release()
    await pending
    for (const path of ['/b', '/c', '/d']) {
      const next = target.fetch(path)
      release()
      await next
    }
    expect(recorder.requests.map((request) => new URL(request.url).pathname)).toEqual([
      '/b',
      '/c',
      '/d',
    ])
  })
})
