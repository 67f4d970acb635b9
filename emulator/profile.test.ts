/**
 * `<UserProfile/>`'s actions over HTTP, as ClerkJS sends them (`emulator/routes/profile.ts`): email
 * addresses (add, code, verify, make primary, remove), the password change, the active sessions and
 * their revocation, with each failure path, the effects seen by `@clerk/backend` and the session
 * token, and the webhook events each change emits.
 */

import { createClerkClient } from '@clerk/backend'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from './node/start.ts'
import { TestBrowser, type ErrorJson } from './testing/browser.ts'
import { control as emulatorControl } from './testing/control.ts'
import { decodeJwt } from './testing/jwt.ts'

const PAGE = 'http://localhost:5173'
let emu: StartedEmulator

beforeAll(async () => {
  emu = await startEmulator({})
})

afterAll(() => emu.close())

beforeEach(async () => {
  await control('POST', 'reset')
})

const control = <T = unknown>(method: string, path: string, body?: unknown) =>
  emulatorControl<T>(emu.url, method, path, body)

const clerk = () =>
  createClerkClient({
    secretKey: emu.config.secretKey,
    apiUrl: emu.config.apiUrl,
    publishableKey: emu.config.publishableKey,
    telemetry: { disabled: true },
  })

interface EmailJson {
  id: string
  email_address: string
  verification: { status: string } | null
}
type Wrapped<T> = { response: T }

async function eventTypes(): Promise<string[]> {
  const { events } = await control<{ events: { type: string }[] }>('GET', 'webhooks/events')
  return events.map((event) => event.type)
}

async function signedIn(): Promise<{ browser: TestBrowser; sessionId: string }> {
  const browser = new TestBrowser(emu.config.proxyUrl, { origin: PAGE })
  const sessionId = await browser.signIn()
  return { browser, sessionId }
}

describe('email addresses', () => {
  it('adds, verifies with 424242, makes primary and removes the old one, seen everywhere', async () => {
    const { browser, sessionId } = await signedIn()
    const before = (await eventTypes()).length
    const created = await browser.call<Wrapped<EmailJson>>('POST', '/v1/me/email_addresses', {
      email_address: 'augusta+clerk_test@example.test',
    })
    expect(created.status).toBe(200)
    expect(created.body.response).toMatchObject({
      object: 'email_address',
      email_address: 'augusta+clerk_test@example.test',
      verification: null,
    })
    const id = created.body.response.id
    const prepared = await browser.call<Wrapped<EmailJson>>(
      'POST',
      `/v1/me/email_addresses/${id}/prepare_verification`,
      { strategy: 'email_code' },
    )
    expect(prepared.body.response.verification?.status).toBe('unverified')

    const early = await browser.call<ErrorJson>('PATCH', '/v1/me', {
      primary_email_address_id: id,
    })
    expect(early.status).toBe(422)
    expect(early.body.errors[0]?.code).toBe('form_identifier_not_verified')
    const wrong = await browser.call<ErrorJson>(
      'POST',
      `/v1/me/email_addresses/${id}/attempt_verification`,
      { code: '000000' },
    )
    expect(wrong.status).toBe(422)
    expect(wrong.body.errors[0]?.code).toBe('form_code_incorrect')

    const verified = await browser.call<Wrapped<EmailJson>>(
      'POST',
      `/v1/me/email_addresses/${id}/attempt_verification`,
      { code: '424242' },
    )
    expect(verified.body.response.verification?.status).toBe('verified')
    const oldId = (await clerk().users.getUserList({ emailAddress: ['ada@example.test'] })).data[0]!
      .primaryEmailAddressId!

    const primary = await browser.call<Wrapped<{ primary_email_address_id: string }>>(
      'PATCH',
      '/v1/me',
      { primary_email_address_id: id },
    )
    expect(primary.status).toBe(200)
    expect(primary.body.response.primary_email_address_id).toBe(id)

    const keepPrimary = await browser.call<ErrorJson>('DELETE', `/v1/me/email_addresses/${id}`)
    expect(keepPrimary.status).toBe(400)
    expect(keepPrimary.body.errors[0]?.code).toBe('primary_identifier_cannot_be_deleted')
    const removed = await browser.call<Wrapped<{ deleted: boolean; id: string }>>(
      'DELETE',
      `/v1/me/email_addresses/${oldId}`,
    )
    expect(removed.body.response).toEqual({ object: 'email_address', id: oldId, deleted: true })

    const [user] = (
      await clerk().users.getUserList({ emailAddress: ['augusta+clerk_test@example.test'] })
    ).data
    expect(user?.emailAddresses.map((email) => email.emailAddress)).toEqual([
      'augusta+clerk_test@example.test',
    ])
    expect(user?.primaryEmailAddressId).toBe(id)
    expect((await clerk().users.getUserList({ emailAddress: ['ada@example.test'] })).data).toEqual(
      [],
    )
    const claims = decodeJwt(await browser.token(sessionId, true)).payload
    expect(claims.sub).toBe(user?.id)
    expect((await eventTypes()).slice(before)).toEqual([
      'user.updated', // added
      'user.updated', // verified
      'user.updated', // primary
      'user.updated', // removed
    ])
    // The Backend API's updateUser makes any verified address primary, and only those.
    const second = await browser.call<Wrapped<EmailJson>>('POST', '/v1/me/email_addresses', {
      email_address: 'ada.king+clerk_test@example.test',
    })
    await expect(
      clerk().users.updateUser(user!.id, { primaryEmailAddressID: second.body.response.id }),
    ).rejects.toMatchObject({ errors: [{ code: 'form_param_value_invalid' }] })
    const unchanged = await clerk().users.getUser(user!.id)
    expect(unchanged.primaryEmailAddressId).toBe(id)
    await browser.call(
      'POST',
      `/v1/me/email_addresses/${second.body.response.id}/prepare_verification`,
      {
        strategy: 'email_code',
      },
    )
    await browser.call(
      'POST',
      `/v1/me/email_addresses/${second.body.response.id}/attempt_verification`,
      {
        code: '424242',
      },
    )
    const switched = await clerk().users.updateUser(user!.id, {
      primaryEmailAddressID: second.body.response.id,
    })
    expect(switched.primaryEmailAddress?.emailAddress).toBe('ada.king+clerk_test@example.test')
    await clerk().users.updateUser(user!.id, { primaryEmailAddressID: id })
    // The new address signs in; the removed one no longer does.
    const again = new TestBrowser(emu.config.proxyUrl, { origin: PAGE })
    await again.signIn('augusta+clerk_test@example.test')
    await expect(new TestBrowser(emu.config.proxyUrl).signIn()).rejects.toThrow(/422/)
  })

  it('sends a random code to a real address as email.created and refuses bad input', async () => {
    const { browser } = await signedIn()
    const blank = await browser.call<ErrorJson>('POST', '/v1/me/email_addresses', {
      email_address: ' ',
    })
    expect(blank.body.errors[0]?.code).toBe('form_param_missing')
    const invalid = await browser.call<ErrorJson>('POST', '/v1/me/email_addresses', {
      email_address: 'not an address',
    })
    expect(invalid.body.errors[0]?.code).toBe('form_param_format_invalid')
    const taken = await browser.call<ErrorJson>('POST', '/v1/me/email_addresses', {
      email_address: 'ADA@example.test',
    })
    expect(taken.body.errors[0]?.code).toBe('form_identifier_exists')
    const unknown = await browser.call<ErrorJson>(
      'POST',
      '/v1/me/email_addresses/idn_missing/prepare_verification',
      { strategy: 'email_code' },
    )
    expect(unknown.status).toBe(404)

    const created = await browser.call<Wrapped<EmailJson>>('POST', '/v1/me/email_addresses', {
      email_address: 'augusta@example.test',
    })
    const id = created.body.response.id
    const notPrepared = await browser.call<ErrorJson>(
      'POST',
      `/v1/me/email_addresses/${id}/attempt_verification`,
      { code: '424242' },
    )
    expect(notPrepared.body.errors[0]?.code).toBe('verification_missing')
    const link = await browser.call<ErrorJson>(
      'POST',
      `/v1/me/email_addresses/${id}/prepare_verification`,
      { strategy: 'email_link' },
    )
    expect(link.status).toBe(501)
    await browser.call('POST', `/v1/me/email_addresses/${id}/prepare_verification`, {
      strategy: 'email_code',
    })
    const { codes } = await control<{ codes: { code: string }[] }>(
      'GET',
      'verification_codes?email_address=augusta@example.test',
    )
    expect(codes).toHaveLength(1)
    expect(codes[0]?.code).not.toBe('424242')
    expect((await eventTypes()).at(-1)).toBe('email.created')
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await browser.call('POST', `/v1/me/email_addresses/${id}/attempt_verification`, {
        code: 'nope',
      })
    }
    const failed = await browser.call<ErrorJson>(
      'POST',
      `/v1/me/email_addresses/${id}/attempt_verification`,
      { code: codes[0]!.code },
    )
    expect(failed.body.errors[0]?.code).toBe('verification_failed')

    const signedOut = new TestBrowser(emu.config.proxyUrl, { origin: PAGE })
    await signedOut.load()
    const anonymous = await signedOut.call('POST', '/v1/me/email_addresses', {
      email_address: 'x@example.test',
    })
    expect(anonymous.status).toBe(401)
  })
})

describe('password', () => {
  it('changes it (the old one stops working) and refuses a wrong or short one', async () => {
    const { browser } = await signedIn()
    const wrong = await browser.call<ErrorJson>('POST', '/v1/me/change_password', {
      current_password: 'not-it-at-all',
      new_password: 'analytical-engine',
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.errors[0]?.code).toBe('form_password_incorrect')
    const short = await browser.call<ErrorJson>('POST', '/v1/me/change_password', {
      current_password: 'lovelace-1815',
      new_password: 'short',
    })
    expect(short.body.errors[0]?.code).toBe('form_password_length_too_short')
    const missing = await browser.call<ErrorJson>('POST', '/v1/me/change_password', {
      new_password: 'analytical-engine',
    })
    expect(missing.body.errors[0]?.code).toBe('form_param_missing')
    // Nothing changed so far.
    await new TestBrowser(emu.config.proxyUrl).signIn()

    const changed = await browser.call<Wrapped<{ object: string }>>(
      'POST',
      '/v1/me/change_password',
      { current_password: 'lovelace-1815', new_password: 'analytical-engine' },
    )
    expect(changed.status).toBe(200)
    expect(changed.body.response.object).toBe('user')
    await expect(new TestBrowser(emu.config.proxyUrl).signIn()).rejects.toThrow(
      /form_password_incorrect/,
    )
    await new TestBrowser(emu.config.proxyUrl).signIn('ada@example.test', 'analytical-engine')
    const [ada] = (await clerk().users.getUserList({ emailAddress: ['ada@example.test'] })).data
    expect(
      (await clerk().users.verifyPassword({ userId: ada!.id, password: 'analytical-engine' }))
        .verified,
    ).toBe(true)
  })

  it('signs out of the other sessions when asked (session.revoked)', async () => {
    const { browser, sessionId } = await signedIn()
    const other = await signedIn()
    await browser.call('POST', '/v1/me/change_password', {
      current_password: 'lovelace-1815',
      new_password: 'analytical-engine',
      sign_out_of_other_sessions: 'true',
    })
    await expect(other.browser.token(other.sessionId, true)).rejects.toThrow(/401/)
    await browser.token(sessionId, true)
    expect((await eventTypes()).slice(-2)).toEqual(['user.updated', 'session.revoked'])
  })
})

describe('active sessions', () => {
  it('lists the user’s sessions on every device and revokes another one', async () => {
    const { browser, sessionId } = await signedIn()
    const other = await signedIn()
    const list = await browser.call<{ id: string; latest_activity: { object: string } }[]>(
      'GET',
      '/v1/me/sessions/active',
    )
    expect(list.status).toBe(200)
    expect(list.body.map((session) => session.id).sort()).toEqual(
      [sessionId, other.sessionId].sort(),
    )
    expect(list.body[0]?.latest_activity.object).toBe('session_activity')

    const unknown = await browser.call('POST', '/v1/me/sessions/sess_missing/revoke')
    expect(unknown.status).toBe(404)
    const revoked = await browser.call<Wrapped<{ id: string; status: string }>>(
      'POST',
      `/v1/me/sessions/${other.sessionId}/revoke`,
    )
    expect(revoked.body.response).toMatchObject({ id: other.sessionId, status: 'revoked' })
    await expect(other.browser.token(other.sessionId, true)).rejects.toThrow(/401/)
    expect((await clerk().sessions.getSession(other.sessionId)).status).toBe('revoked')
    expect((await eventTypes()).at(-1)).toBe('session.revoked')
    const after = await browser.call<{ id: string }[]>('GET', '/v1/me/sessions/active')
    expect(after.body.map((session) => session.id)).toEqual([sessionId])
  })
})
