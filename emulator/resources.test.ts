/**
 * The resources' moving parts, in-process: `last_active_at` follows sign-in and touch, `updated_at`
 * follows a metadata write, and the email verification is a dated `verification_otp`. Their full shape
 * is checked against Clerk's spec in test/e2e/conformance.spec.ts.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator } from './app.ts'
import { TestBrowser } from './testing/browser.ts'

const ORIGIN = 'http://localhost:4010'

describe('resources', () => {
  it('moves last_active_at with sign-in and touch, and updated_at with a metadata write', async () => {
    let now = Date.UTC(2026, 5, 1)
    const emulator = await createEmulator({ publicOrigin: ORIGIN, now: () => now })
    const secret = emulator.config().secretKey
    const page = new TestBrowser(ORIGIN, { fetch: (r) => emulator.fetch(r) })
    const user = async () => {
      const response = await page.call<{ response: Record<string, unknown> }>('GET', '/v1/me')
      return response.body.response
    }
    const created = now
    now += 60_000
    const sessionId = await page.signIn()
    const signedIn = await user()
    expect(signedIn).toMatchObject({
      last_sign_in_at: now,
      last_active_at: now,
      created_at: created,
      updated_at: created,
      email_addresses: [
        {
          verification: {
            object: 'verification_otp',
            status: 'verified',
            strategy: 'email_code',
            expire_at: created + 600_000,
          },
        },
      ],
    })
    now += 60_000
    await page.call('POST', `/v1/client/sessions/${sessionId}/touch`, { intent: 'focus' })
    expect(await user()).toMatchObject({ last_sign_in_at: now - 60_000, last_active_at: now })
    now += 60_000
    const patched = await emulator.fetch(
      new Request(`${ORIGIN}/api/v1/users/${String(signedIn.id)}/metadata`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ public_metadata: { birthday: '2000-01-01' } }),
      }),
    )
    expect(await patched.json()).toMatchObject({
      updated_at: now,
      last_active_at: now - 60_000,
      public_metadata: { birthday: '2000-01-01' },
      private_metadata: {},
      saml_accounts: [],
      mfa_enabled_at: null,
    })
  })
})
