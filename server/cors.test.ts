import { describe, expect, it, vi } from 'vitest'
import { createCors, createSameOriginCors, withCors, PREFLIGHT_MAX_AGE_SECONDS } from './cors.ts'
import { HttpError } from './errors.ts'

const APP = 'https://app.example'
const METHODS = ['GET', 'POST']

function request(method: string, origin?: string, url = 'https://api.example/x'): Request {
  return new Request(url, { method, headers: origin === undefined ? {} : { Origin: origin } })
}

/** The headers of a response as a plain object (names lower-cased, as `Headers` gives them). */
function headersOf(response: Response): Record<string, string> {
  return Object.fromEntries(response.headers)
}

const answering =
  (status: number, headers: Record<string, string> = {}) =>
  async () =>
    new Response(null, { status, headers })

const ACTUAL = {
  'access-control-allow-origin': APP,
  'access-control-expose-headers': 'Retry-After',
  vary: 'Origin',
}

describe('withCors (listed origins)', () => {
  const cors = createCors([APP])

  it('adds the actual-request headers to an answer from a listed origin', async () => {
    const response = await withCors(cors, METHODS, answering(200))(request('GET', APP))
    expect(headersOf(response)).toEqual(ACTUAL)
  })

  it('adds them to an error that `next` answered itself (a 404, a 401…)', async () => {
    const next = answering(401, { 'WWW-Authenticate': 'Bearer' })
    const response = await withCors(cors, METHODS, next)(request('POST', APP))
    expect(response.status).toBe(401)
    expect(headersOf(response)).toEqual({ ...ACTUAL, 'www-authenticate': 'Bearer' })
  })

  it('keeps a header `next` already set', async () => {
    const next = answering(200, { Vary: 'Accept' })
    const response = await withCors(cors, METHODS, next)(request('GET', APP))
    expect(response.headers.get('Vary')).toBe('Accept')
  })

  it('makes an accepted OPTIONS a preflight: preflight and actual headers both', async () => {
    const next = answering(204, { Allow: 'GET, POST, OPTIONS' })
    const response = await withCors(cors, METHODS, next)(request('OPTIONS', APP))
    expect(headersOf(response)).toEqual({
      ...ACTUAL,
      allow: 'GET, POST, OPTIONS',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    })
  })

  it('an OPTIONS that `next` refused (a 404) gets the actual-request headers only', async () => {
    const response = await withCors(cors, METHODS, answering(404))(request('OPTIONS', APP))
    expect(headersOf(response)).toEqual(ACTUAL)
  })

  it('no Origin: not a CORS request, no headers added', async () => {
    const response = await withCors(cors, METHODS, answering(204))(request('OPTIONS'))
    expect(headersOf(response)).toEqual({})
  })

  it('an unlisted origin (or `null`) is refused with 403 before `next` runs', async () => {
    for (const origin of ['https://evil.example', 'null', `${APP}/`]) {
      const next = vi.fn(answering(200))
      const refused = withCors(cors, METHODS, next)(request('GET', origin))
      await expect(refused).rejects.toMatchObject({
        status: 403,
        code: 'origin_not_allowed',
        reason: 'origin_not_listed',
      })
      expect(next).not.toHaveBeenCalled()
    }
  })

  it('an error `next` throws passes through untouched (the boundary is the caller’s)', async () => {
    const failure = new HttpError('internal', 'internal error')
    const next = () => Promise.reject(failure)
    await expect(withCors(cors, METHODS, next)(request('GET', APP))).rejects.toBe(failure)
  })
})

describe('withCors (same origin only)', () => {
  const cors = createSameOriginCors(false)

  it('a same-origin call gets no CORS headers, preflight or not', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const same = request(method, 'https://api.example')
      const response = await withCors(cors, METHODS, answering(204))(same)
      expect(headersOf(response)).toEqual({})
    }
  })

  it('any other origin is refused with 403, its reason saying what to set', async () => {
    const next = vi.fn(answering(200))
    const refused = withCors(cors, METHODS, next)(request('OPTIONS', APP))
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'origin_not_allowed' })
    await expect(refused).rejects.toHaveProperty(
      'reason',
      expect.stringContaining('set ALLOWED_ORIGINS'),
    )
    expect(next).not.toHaveBeenCalled()
  })
})

describe('createCors', () => {
  it.each([[[]], [['app.example']], [['https://app.example/']], [['null']]])(
    'refuses %j as allowed origins',
    (origins) => {
      expect(() => createCors(origins)).toThrow(TypeError)
    },
  )
})
