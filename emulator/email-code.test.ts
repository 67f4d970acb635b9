import { describe, expect, it } from 'vitest'
import {
  attemptEmailCode,
  incorrectCode,
  isTestModeAddress,
  newEmailCode,
  TEST_MODE_CODE,
} from './email-code.ts'
import { EMAIL_CODE_LIFETIME_MS } from './resources.ts'

const NOW = 1_000_000

/** What `run` throws (a `ClerkError` here), or a marker when it throws nothing. */
function thrownBy(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return 'nothing thrown'
}

describe('newEmailCode', () => {
  it('a +clerk_test address gets 424242, any case', () => {
    expect(isTestModeAddress('Ada+Clerk_Test@example.test')).toBe(true)
    expect(newEmailCode('ada+clerk_test@example.test', NOW)).toEqual({
      status: 'unverified',
      code: TEST_MODE_CODE,
      attempts: 0,
      expireAt: NOW + EMAIL_CODE_LIFETIME_MS,
    })
  })

  it('any other address gets a random six-digit code', () => {
    expect(isTestModeAddress('ada@example.test')).toBe(false)
    const codes = new Set(
      Array.from({ length: 20 }, () => newEmailCode('ada@example.test', NOW).code),
    )
    for (const code of codes) expect(code).toMatch(/^\d{6}$/)
    expect(codes.size).toBeGreaterThan(1)
  })
})

describe('attemptEmailCode', () => {
  const fresh = () => newEmailCode('ada+clerk_test@example.test', NOW)

  it('the right code answers the verification, the attempt counted', () => {
    const verification = fresh()
    expect(attemptEmailCode(verification, ` ${TEST_MODE_CODE} `, NOW)).toBe(verification)
    expect(verification.attempts).toBe(1)
  })

  it('a wrong code answers null; the fifth miss fails it for good', () => {
    const verification = fresh()
    for (let miss = 1; miss <= 4; miss++) {
      expect(attemptEmailCode(verification, '000000', NOW)).toBeNull()
      expect(verification.status).toBe('unverified')
    }
    expect(attemptEmailCode(verification, '000000', NOW)).toBeNull()
    expect(verification).toMatchObject({ status: 'failed', attempts: 5 })
    expect(thrownBy(() => attemptEmailCode(verification, TEST_MODE_CODE, NOW))).toMatchObject({
      status: 422,
      code: 'verification_failed',
    })
    expect(verification.attempts).toBe(5)
  })

  it('not prepared: 400 verification_missing naming the code', () => {
    expect(thrownBy(() => attemptEmailCode(null, TEST_MODE_CODE, NOW))).toMatchObject({
      status: 400,
      code: 'verification_missing',
      meta: { param_name: 'code' },
    })
  })

  it('past its lifetime: 422 verification_expired, and marked expired', () => {
    const verification = fresh()
    const late = NOW + EMAIL_CODE_LIFETIME_MS + 1
    expect(thrownBy(() => attemptEmailCode(verification, TEST_MODE_CODE, late))).toMatchObject({
      status: 422,
      code: 'verification_expired',
    })
    expect(verification).toMatchObject({ status: 'expired', attempts: 0 })
  })

  it('no code: 422 form_param_missing, no attempt counted', () => {
    const verification = fresh()
    for (const code of [null, '', '   ']) {
      expect(thrownBy(() => attemptEmailCode(verification, code, NOW))).toMatchObject({
        status: 422,
        code: 'form_param_missing',
      })
    }
    expect(verification.attempts).toBe(0)
  })
})

describe('incorrectCode', () => {
  it('is Clerk’s 422 form_code_incorrect', () => {
    expect(incorrectCode()).toMatchObject({
      status: 422,
      code: 'form_code_incorrect',
      message: 'Incorrect code',
      meta: { param_name: 'code' },
    })
  })
})
