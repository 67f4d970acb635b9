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
