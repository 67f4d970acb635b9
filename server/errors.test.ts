import { describe, expect, it, vi } from 'vitest'
import { answerErrors, HttpError } from './errors.ts'

describe('answerErrors', () => {
  it('passes an answer through and notes no failure', async () => {
    const noted = vi.fn()
    const answer = new Response('ok', { status: 200 })
    await expect(answerErrors(async () => answer, noted)).resolves.toBe(answer)
    expect(noted).not.toHaveBeenCalled()
  })

  it('answers an HttpError with its status, code, message and headers, and notes it', async () => {
    const failure = new HttpError('save_in_progress', 'still saving', {
      headers: { 'Retry-After': '2' },
      reason: 'write_in_flight',
    })
    const noted = vi.fn()
    const response = await answerErrors(() => Promise.reject(failure), noted)
    expect(response.status).toBe(409)
    expect(Object.fromEntries(response.headers)).toEqual({
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '2',
      'x-content-type-options': 'nosniff',
    })
    expect(await response.json()).toEqual({
      error: { code: 'save_in_progress', message: 'still saving' },
    })
    expect(noted).toHaveBeenCalledExactlyOnceWith(failure)
  })

  it('anything else is a generic 500, its name and message noted for the log only', async () => {
    const noted = vi.fn()
    const response = await answerErrors(() => {
      throw new RangeError('secret detail')
    }, noted)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'internal error' },
    })
    expect(noted).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ code: 'internal', reason: 'RangeError: secret detail' }),
    )
  })
})
