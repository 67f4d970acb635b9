import { describe, expect, it } from 'vitest'
import { generateSecretKey, isEmulatorKey, publishableKey } from './keys.ts'

describe("telling the emulator's keys from a Clerk instance's", () => {
  it('recognises the keys it makes', () => {
    expect(isEmulatorKey(generateSecretKey('development'))).toBe(true)
    expect(isEmulatorKey(generateSecretKey('production'))).toBe(true)
    expect(isEmulatorKey(publishableKey('clerk.emulator.localhost', 'development'))).toBe(true)
    expect(isEmulatorKey(publishableKey('clerk.emulator.localhost:4010', 'production'))).toBe(true)
    // The CLI's default key host.
    expect(isEmulatorKey(publishableKey('emulator.clerk.accounts.dev', 'development'))).toBe(true)
  })

  it.each([
    ['a development instance', `pk_test_${btoa('happy-cat-12.clerk.accounts.dev$')}`],
    ['a production instance', `pk_live_${btoa('clerk.example.com$')}`],
    ['a real secret key', 'sk_test_abcdefghijklmnopqrstuvwxyz'],
    ['an unreadable key', 'pk_test_%%%'],
    ['no key', ''],
  ])('does not claim %s', (_, key) => {
    expect(isEmulatorKey(key)).toBe(false)
  })
})
