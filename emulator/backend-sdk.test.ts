/**
 * Fidelity with the real `@clerk/backend` 3, over real HTTP: the emulator listens on 127.0.0.1, tokens
 * are minted through the Frontend API the way a browser gets them (form sign-in with an Origin, the
 * client cookie, POST /tokens), and every check goes through the SDK.
 */

import { createClerkClient, verifyToken } from '@clerk/backend'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from './node/start.ts'
import { TestBrowser } from './testing/browser.ts'
import { control as emulatorControl } from './testing/control.ts'
import { decodeJwt } from './testing/jwt.ts'
import type { ErrorJson } from './testing/browser.ts'

const PAGE = 'http://localhost:5173'
let emu: StartedEmulator

beforeAll(async () => {
  emu = await startEmulator({ metadataWriteLimit: { max: 3, windowMs: 10_000 } })
})

afterAll(() => emu.close())

beforeEach(async () => {
  await control('POST', 'reset')
})

const control = (method: string, path: string, body?: unknown) =>
  emulatorControl(emu.url, method, path, body)

function clerk(secretKey = emu.config.secretKey) {
  return createClerkClient({
    secretKey,
    apiUrl: emu.config.apiUrl,
    publishableKey: emu.config.publishableKey,
    telemetry: { disabled: true },
  })
}

/** Signs in like a browser on PAGE and mints a session token; returns it with the session id. */
async function browserToken(origin: string | null = PAGE, email?: string, password?: string) {
  const browser = new TestBrowser(emu.config.proxyUrl, { origin })
  const sessionId = await browser.signIn(email, password)
  return { browser, sessionId, jwt: await browser.token(sessionId, true) }
}

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise
  } catch (error) {
    return error as Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

describe('testingTokens', () => {
  it('creates a testing token the way @clerk/testing asks for one', async () => {
    const before = Math.floor(Date.now() / 1000)
    // `@clerk/testing` reads only `token` (the SDK hands this object back undeserialized).
    const { token } = await clerk().testingTokens.createTestingToken()
    expect(token).toMatch(/^\d+-[A-Za-z0-9]{27}$/)
    const expiresAt = Number(token.split('-')[0])
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600)
    expect(expiresAt).toBeLessThanOrEqual(before + 3601)
    const raw = await fetch(`${emu.config.apiUrl}/v1/testing_tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${emu.config.secretKey}` },
    })
    expect(await raw.json()).toMatchObject({
      object: 'testing_token',
      expires_at: expect.any(Number),
    })
  })

  it('needs the secret key', async () => {
    const error = await rejection(clerk('sk_test_wrong').testingTokens.createTestingToken())
    expect(error.status).toBe(401)
  })
})

describe('verifyToken', () => {
  it('accepts a browser-minted token networklessly with jwtKey, with the template claim', async () => {
    const { jwt, sessionId } = await browserToken()
    const claims = await verifyToken(jwt, {
      jwtKey: emu.config.jwtKey,
      authorizedParties: [PAGE],
    })
    expect(claims).toMatchObject({
      azp: PAGE,
      sid: sessionId,
      sub: expect.stringMatching(/^user_/),
      iss: 'https://clerk.emulator.localhost',
      birthday: '1990-12-10',
    })
  })

  it('accepts it through JWKS with { secretKey, apiUrl }', async () => {
    const { jwt } = await browserToken()
    await control('DELETE', 'requests')
    const claims = await verifyToken(jwt, {
      secretKey: emu.config.secretKey,
      apiUrl: emu.config.apiUrl,
      authorizedParties: [PAGE],
      skipJwksCache: true,
    })
    expect(claims.birthday).toBe('1990-12-10')
    const counters = (await control('GET', 'counters')) as { routes: Record<string, number> }
    expect(counters.routes['GET /api/v1/jwks']).toBe(1)
  })

  it('rejects a token for another authorized party', async () => {
    const { jwt } = await browserToken()
    const error = await rejection(
      verifyToken(jwt, { jwtKey: emu.config.jwtKey, authorizedParties: ['http://localhost:3000'] }),
    )
    expect(error.reason).toBe('token-invalid-authorized-parties')
  })

  it('leaves azp out when the minting request had no Origin', async () => {
    const { jwt } = await browserToken(null)
    const claims = await verifyToken(jwt, { jwtKey: emu.config.jwtKey })
    expect(claims).not.toHaveProperty('azp')
    const error = await rejection(
      verifyToken(jwt, { jwtKey: emu.config.jwtKey, authorizedParties: [PAGE] }),
    )
    expect(error.reason).toBe('token-invalid-authorized-parties')
  })

  it('rejects an expired token, on both key paths', async () => {
    await control('PATCH', 'settings', { clockOffsetMs: -120_000 })
    const { jwt } = await browserToken()
    for (const options of [
      { jwtKey: emu.config.jwtKey },
      { secretKey: emu.config.secretKey, apiUrl: emu.config.apiUrl },
    ]) {
      expect((await rejection(verifyToken(jwt, options))).reason).toBe('token-expired')
    }
  })

  it("rejects a token signed by another emulator's key", async () => {
    const other = await startEmulator()
    try {
      const browser = new TestBrowser(other.config.proxyUrl, { origin: PAGE })
      const jwt = await browser.token(await browser.signIn(), true)
      const viaPem = await rejection(verifyToken(jwt, { jwtKey: emu.config.jwtKey }))
      expect(viaPem.reason).toBe('token-invalid-signature')
      const viaJwks = await rejection(
        verifyToken(jwt, { secretKey: emu.config.secretKey, apiUrl: emu.config.apiUrl }),
      )
      expect(viaJwks.reason).toBe('jwk-kid-mismatch')
    } finally {
      await other.close()
    }
  })
})

describe('authenticateRequest', () => {
  it('reports signed-in for a Bearer token, with the template claim', async () => {
    const { jwt, sessionId } = await browserToken()
    const state = await clerk().authenticateRequest(
      new Request('http://localhost:3000/api/birthday', {
        headers: { Authorization: `Bearer ${jwt}`, 'Sec-Fetch-Dest': 'empty', Origin: PAGE },
      }),
      { jwtKey: emu.config.jwtKey, authorizedParties: [PAGE] },
    )
    expect(state.status).toBe('signed-in')
    const auth = state.toAuth()
    expect(auth).toMatchObject({ sessionId, sessionClaims: { birthday: '1990-12-10' } })
  })
})

describe('users', () => {
  it('creates, gets and lists users by email (list and count routes)', async () => {
    const api = clerk()
    const created = await api.users.createUser({
      emailAddress: ['grace@example.test'],
      password: 'cobol-1959',
      firstName: 'Grace',
      publicMetadata: { birthday: '1906-12-09' },
    })
    expect(created.id).toMatch(/^user_/)
    expect(created.primaryEmailAddress?.emailAddress).toBe('grace@example.test')
    const fetched = await api.users.getUser(created.id)
    expect(fetched.firstName).toBe('Grace')
    expect(fetched.publicMetadata).toEqual({ birthday: '1906-12-09' })

    await control('DELETE', 'requests')
    const list = await api.users.getUserList({ emailAddress: ['GRACE@example.test'] })
    expect(list.totalCount).toBe(1)
    expect(list.data.map((user) => user.id)).toEqual([created.id])
    const log = (await control('GET', 'requests')) as {
      requests: { route: string; query: string }[]
    }
    const routes = log.requests.filter((r) => r.route.includes('/users'))
    expect(routes.map((r) => r.route).sort()).toEqual([
      'GET /api/v1/users',
      'GET /api/v1/users/count',
    ])
    expect(routes.every((r) => r.query.includes('email_address='))).toBe(true)

    const everyone = await api.users.getUserList()
    expect(everyone.totalCount).toBe(2)

    const signIn = await browserToken(PAGE, 'grace@example.test', 'cobol-1959')
    expect(decodeJwt(signIn.jwt).payload).toMatchObject({ sub: created.id, birthday: '1906-12-09' })
  })

  it('deep-merges metadata, deletes on null, and the next minted token carries the change', async () => {
    const api = clerk()
    const { browser, sessionId, jwt } = await browserToken()
    const userId = decodeJwt(jwt).payload.sub as string
    await api.users.updateUserMetadata(userId, {
      publicMetadata: { prefs: { theme: 'dark', lang: 'en' } },
      privateMetadata: { stripe: 'cus_1' },
    })
    const updated = await api.users.updateUserMetadata(userId, {
      publicMetadata: { birthday: '2001-02-03', prefs: { lang: null, tz: 'UTC' } },
    })
    expect(updated.publicMetadata).toEqual({
      birthday: '2001-02-03',
      prefs: { theme: 'dark', tz: 'UTC' },
    })
    expect(updated.privateMetadata).toEqual({ stripe: 'cus_1' })
    const claims = await verifyToken(await browser.token(sessionId, true), {
      jwtKey: emu.config.jwtKey,
    })
    expect(claims.birthday).toBe('2001-02-03')

    await api.users.updateUserMetadata(userId, { publicMetadata: { birthday: null } })
    expect((await api.users.getUser(userId)).publicMetadata).toEqual({
      prefs: { theme: 'dark', tz: 'UTC' },
    })
    const after = decodeJwt(await browser.token(sessionId, true)).payload
    expect(after).toHaveProperty('birthday', null)
  })

  it('refuses metadata over 8 KB with a 422', async () => {
    const { jwt } = await browserToken()
    const error = await rejection(
      clerk().users.updateUserMetadata(decodeJwt(jwt).payload.sub as string, {
        publicMetadata: { blob: 'x'.repeat(8200) },
      }),
    )
    expect(error.status).toBe(422)
    expect((error.errors as { code: string }[])[0]?.code).toBe('form_param_exceeds_allowed_size')
  })

  it('answers 429 with Retry-After past the per-user write limit', async () => {
    const api = clerk()
    const userId = (await api.users.getUserList()).data[0]?.id ?? ''
    for (let i = 0; i < 3; i++) {
      await api.users.updateUserMetadata(userId, { publicMetadata: { n: i } })
    }
    const error = await rejection(
      api.users.updateUserMetadata(userId, { publicMetadata: { n: 9 } }),
    )
    expect(error.status).toBe(429)
    expect(error.retryAfter).toBeGreaterThanOrEqual(1)
    expect(error.retryAfter).toBeLessThanOrEqual(10)
    const other = await api.users.createUser({
      emailAddress: ['other@example.test'],
      password: 'long-enough',
    })
    await expect(
      api.users.updateUserMetadata(other.id, { publicMetadata: { n: 1 } }),
    ).resolves.toBeTruthy()
    await control('PATCH', 'settings', { clockOffsetMs: 11_000 })
    const later = await api.users.updateUserMetadata(userId, { publicMetadata: { n: 4 } })
    expect(later.publicMetadata.n).toBe(4)
  })

  it('answers 404 for an unknown user and 401 for a wrong secret key', async () => {
    expect((await rejection(clerk().users.getUser('user_missing'))).status).toBe(404)
    const error = await rejection(clerk('sk_test_wrong').users.getUserList())
    expect(error.status).toBe(401)
    expect((error.errors as { code: string }[])[0]?.code).toBe('clerk_key_invalid')
  })
})

describe('the users an app’s server manages', () => {
  const ada = async () =>
    (await clerk().users.getUserList({ emailAddress: ['ada@example.test'] })).data[0]!

  it('updateUser changes names and the password; the old password stops working', async () => {
    const user = await ada()
    const updated = await clerk().users.updateUser(user.id, {
      firstName: 'Augusta',
      lastName: 'King',
      externalId: 'ext-1815',
      password: 'a-new-password-1',
    })
    expect(updated).toMatchObject({
      firstName: 'Augusta',
      lastName: 'King',
      externalId: 'ext-1815',
    })
    expect((await clerk().users.getUser(user.id)).firstName).toBe('Augusta')
    const browser = new TestBrowser(emu.config.proxyUrl, { origin: PAGE })
    await expect(browser.signIn()).rejects.toThrow(/422.*form_password_incorrect/)
    await expect(browser.signIn('ada@example.test', 'a-new-password-1')).resolves.toMatch(/^sess_/)
  })

  it('updateUser refuses an unknown user, a short password and an unknown email id', async () => {
    const user = await ada()
    expect(
      await rejection(clerk().users.updateUser('user_missing', { firstName: 'X' })),
    ).toMatchObject({
      status: 404,
      errors: [expect.objectContaining({ code: 'resource_not_found' })],
    })
    expect(await rejection(clerk().users.updateUser(user.id, { password: 'short' }))).toMatchObject(
      {
        status: 422,
        errors: [expect.objectContaining({ code: 'form_password_length_too_short' })],
      },
    )
    expect(
      await rejection(clerk().users.updateUser(user.id, { primaryEmailAddressID: 'idn_missing' })),
    ).toMatchObject({ status: 422 })
    expect((await clerk().users.getUser(user.id)).firstName).toBe('Ada')
  })

  it('deleteUser removes the user and signs their browser out', async () => {
    const { browser, sessionId } = await browserToken()
    const user = await ada()
    expect(await clerk().users.deleteUser(user.id)).toMatchObject({ id: user.id, deleted: true })
    expect((await rejection(clerk().users.getUser(user.id))).status).toBe(404)
    expect((await browser.load())?.sessions).toEqual([])
    await expect(browser.token(sessionId)).rejects.toThrow(/401/)
    expect((await rejection(clerk().users.deleteUser(user.id))).status).toBe(404)
  })

  it('banUser revokes every session and refuses sign-in with 403 user_banned; unbanUser lifts it', async () => {
    const { browser, sessionId } = await browserToken()
    const user = await ada()
    expect((await clerk().users.banUser(user.id)).banned).toBe(true)
    await expect(browser.token(sessionId)).rejects.toThrow(/401.*signed_out/)
    const sessions = await clerk().sessions.getSessionList({ userId: user.id })
    expect(sessions.data.map((session) => session.status)).toEqual(['revoked'])
    await expect(new TestBrowser(emu.config.proxyUrl).signIn()).rejects.toThrow(/403.*user_banned/)
    expect((await clerk().users.getUserList({ banned: true } as never)).data).toHaveLength(1)
    expect((await clerk().users.unbanUser(user.id)).banned).toBe(false)
    await expect(new TestBrowser(emu.config.proxyUrl).signIn()).resolves.toMatch(/^sess_/)
    expect((await rejection(clerk().users.banUser('user_missing'))).status).toBe(404)
  })

  it('lockUser refuses sign-in with 403 user_locked and keeps sessions; unlockUser lifts it', async () => {
    const { browser, sessionId } = await browserToken()
    const user = await ada()
    const locked = await clerk().users.lockUser(user.id)
    expect(locked.locked).toBe(true)
    await expect(browser.token(sessionId)).resolves.toMatch(/^ey/)
    const refused = await new TestBrowser(emu.config.proxyUrl).call<ErrorJson>(
      'POST',
      '/v1/client/sign_ins',
      { identifier: 'ada@example.test', password: 'lovelace-1815' },
    )
    expect(refused.status).toBe(403)
    expect(refused.body.errors[0]).toMatchObject({
      code: 'user_locked',
      meta: { lockout_expires_in_seconds: 3600 },
    })
    expect((await clerk().users.unlockUser(user.id)).locked).toBe(false)
    await expect(new TestBrowser(emu.config.proxyUrl).signIn()).resolves.toMatch(/^sess_/)
  })

  it('verifyPassword: verified, 422 incorrect_password, 404 for an unknown user', async () => {
    const user = await ada()
    expect(
      await clerk().users.verifyPassword({ userId: user.id, password: 'lovelace-1815' }),
    ).toEqual({
      verified: true,
    })
    expect(
      await rejection(clerk().users.verifyPassword({ userId: user.id, password: 'wrong-one' })),
    ).toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ code: 'incorrect_password' })],
    })
    expect(
      (await rejection(clerk().users.verifyPassword({ userId: 'user_missing', password: 'x' })))
        .status,
    ).toBe(404)
  })

  it('getUserList({ query }) matches a part of the email, the name or the id, case-insensitively', async () => {
    const grace = await clerk().users.createUser({
      emailAddress: ['grace@navy.test'],
      password: 'hopper-1906',
      firstName: 'Grace',
    })
    const found = async (query: string) =>
      (await clerk().users.getUserList({ query })).data.map((user) => user.id).sort()
    const both = [grace.id, (await ada()).id].sort()
    expect(await found('NAVY')).toEqual([grace.id])
    expect(await found('grac')).toEqual([grace.id])
    expect(await found('.test')).toEqual(both)
    expect(await found(grace.id.slice(-6))).toEqual([grace.id])
    expect(await found('nobody')).toEqual([])
    expect((await clerk().users.getUserList({ query: 'navy' })).totalCount).toBe(1)
  })
})

describe('the sessions an app’s server manages', () => {
  it('lists a user’s sessions, gets one, mints a token for it and revokes it; the browser is signed out', async () => {
    const { browser, sessionId } = await browserToken()
    const userId = (await decodeJwt(await browser.token(sessionId))).payload.sub as string
    const list = await clerk().sessions.getSessionList({ userId, status: 'active' })
    expect(list.data.map((session) => session.id)).toEqual([sessionId])
    expect(await clerk().sessions.getSession(sessionId)).toMatchObject({ userId, status: 'active' })

    const { jwt } = await clerk().sessions.getToken(sessionId)
    const claims = await verifyToken(jwt, { jwtKey: emu.config.jwtKey })
    expect(claims).toMatchObject({ sid: sessionId, sub: userId, birthday: '1990-12-10' })
    expect(claims.azp).toBeUndefined()
    const short = await clerk().sessions.getToken(sessionId, undefined, 120)
    const decoded = (await decodeJwt(short.jwt)).payload
    expect(Number(decoded.exp) - Number(decoded.iat)).toBe(120)

    expect((await clerk().sessions.revokeSession(sessionId)).status).toBe('revoked')
    await expect(browser.token(sessionId)).rejects.toThrow(/401.*signed_out/)
    expect((await browser.load())?.sessions).toEqual([])
    expect(await rejection(clerk().sessions.getToken(sessionId))).toMatchObject({ status: 404 })
  })

  it('answers Clerk’s errors: unknown session, no user or client id', async () => {
    expect((await rejection(clerk().sessions.revokeSession('sess_missing'))).status).toBe(404)
    expect((await rejection(clerk().sessions.getSession('sess_missing'))).status).toBe(404)
    expect((await rejection(clerk().sessions.getToken('sess_missing'))).status).toBe(404)
    expect((await rejection(clerk().sessions.getSessionList({}))).status).toBe(422)
  })

  it('createSession makes an active session for testing that mints tokens', async () => {
    const userId = (await clerk().users.getUserList({ emailAddress: ['ada@example.test'] }))
      .data[0]!.id
    const session = await clerk().sessions.createSession({ userId })
    expect(session).toMatchObject({ userId, status: 'active' })
    const { jwt } = await clerk().sessions.getToken(session.id)
    expect((await verifyToken(jwt, { jwtKey: emu.config.jwtKey })).sid).toBe(session.id)
    expect(
      (await rejection(clerk().sessions.createSession({ userId: 'user_missing' }))).status,
    ).toBe(404)
  })
})

describe('PATCH /v1/me (user.update, <UserProfile/>’s name form)', () => {
  it('changes the name, visible to the Backend API; refuses what it does not model', async () => {
    const browser = new TestBrowser(emu.config.proxyUrl, { origin: PAGE })
    await browser.signIn()
    const updated = await browser.call<{ response: { first_name: string; last_name: string } }>(
      'PATCH',
      '/v1/me',
      { first_name: 'Augusta', last_name: 'King' },
    )
    expect(updated.status).toBe(200)
    expect(updated.body.response).toMatchObject({ first_name: 'Augusta', last_name: 'King' })
    const [ada] = (await clerk().users.getUserList({ emailAddress: ['ada@example.test'] })).data
    expect(ada).toMatchObject({ firstName: 'Augusta', lastName: 'King' })

    const unsupported = await browser.call<ErrorJson>('PATCH', '/v1/me', { username: 'ada' })
    expect(unsupported.status).toBe(501)
    expect(unsupported.body.errors[0]?.message).toContain('username')
    const long = await browser.call<ErrorJson>('PATCH', '/v1/me', { first_name: 'x'.repeat(257) })
    expect(long.status).toBe(422)
    expect(long.body.errors[0]?.code).toBe('form_param_exceeds_allowed_size')
    expect((await clerk().users.getUser(ada!.id)).firstName).toBe('Augusta')
    const signedOut = new TestBrowser(emu.config.proxyUrl, { origin: PAGE })
    await signedOut.load()
    expect((await signedOut.call('PATCH', '/v1/me', { first_name: 'X' })).status).toBe(401)
  })
})
