/**
 * JWT templates in-process: the Backend API resource and its failure paths, and the Frontend API mint
 * (claims, lifetime, clock skew, shortcodes). Through the real SDKs in test/e2e/jwt-templates.spec.ts
 * and test/e2e/conformance.spec.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createEmulator } from './app.ts'
import { generateSigningKey } from './keys.ts'
import { TestBrowser, type ErrorJson } from './testing/browser.ts'
import { decodeJwt } from './testing/jwt.ts'

const ORIGIN = 'http://localhost:4010'
const PAGE = 'http://localhost:5173'
let privateKeyPem: string

beforeAll(async () => {
  privateKeyPem = (await generateSigningKey()).privateKeyPem
})

async function setup(now?: () => number) {
  const emulator = await createEmulator({
    privateKeyPem,
    publicOrigin: ORIGIN,
    ...(now ? { now } : {}),
  })
  const bapi = async (method: string, path: string, body?: unknown) => {
    const response = await emulator.fetch(
      new Request(`${ORIGIN}/api/v1${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${emulator.config().secretKey}`,
          'Content-Type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    )
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  return { emulator, bapi }
}

function code(body: unknown): string | undefined {
  return (body as ErrorJson).errors?.[0]?.code
}

describe('Backend API jwt_templates', () => {
  it('creates, lists, gets, updates and deletes a template', async () => {
    const { bapi } = await setup()
    const created = await bapi('POST', '/jwt_templates', { name: 'hasura', claims: { a: 1 } })
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({
      object: 'jwt_template',
      name: 'hasura',
      claims: { a: 1 },
      lifetime: 60,
      allowed_clock_skew: 5,
      custom_signing_key: false,
      signing_algorithm: 'RS256',
    })
    const id = String(created.body.id)
    expect(id).toMatch(/^jtmp_/)
    await bapi('POST', '/jwt_templates', { name: 'second', claims: {} })
    const listed = await bapi('GET', '/jwt_templates?limit=1&offset=1')
    expect((listed.body as unknown as { name: string }[]).map((t) => t.name)).toEqual(['second'])
    expect((await bapi('GET', `/jwt_templates/${id}`)).body).toEqual(created.body)
    const updated = await bapi('PATCH', `/jwt_templates/${id}`, {
      name: 'renamed',
      claims: { b: 2 },
      lifetime: 300,
      allowed_clock_skew: 0,
    })
    expect(updated.body).toMatchObject({
      name: 'renamed',
      claims: { b: 2 },
      lifetime: 300,
      allowed_clock_skew: 0,
    })
    expect((await bapi('DELETE', `/jwt_templates/${id}`)).body).toEqual({
      object: 'jwt_template',
      id,
      deleted: true,
    })
    expect((await bapi('GET', `/jwt_templates/${id}`)).status).toBe(404)
    expect((await bapi('DELETE', `/jwt_templates/${id}`)).status).toBe(404)
  })

  it('refuses bad input with Clerk errors and changes nothing', async () => {
    const { bapi } = await setup()
    await bapi('POST', '/jwt_templates', { name: 'taken', claims: {} })
    const cases: [unknown, number, string][] = [
      [{ name: 'taken', claims: {} }, 422, 'form_identifier_exists'],
      [{ name: '', claims: {} }, 422, 'form_param_missing'],
      [{ name: 'x' }, 422, 'form_param_format_invalid'],
      [{ name: 'x', claims: [] }, 422, 'form_param_format_invalid'],
      [{ name: 'x', claims: { sub: 'me' } }, 422, 'form_param_value_invalid'],
      [{ name: 'x', claims: {}, lifetime: 29 }, 422, 'form_param_format_invalid'],
      [{ name: 'x', claims: {}, allowed_clock_skew: 301 }, 422, 'form_param_format_invalid'],
      [{ name: 'x', claims: {}, custom_signing_key: true }, 501, 'emulator_not_implemented'],
    ]
    for (const [body, status, expected] of cases) {
      const answer = await bapi('POST', '/jwt_templates', body)
      expect([JSON.stringify(body), answer.status, code(answer.body)]).toEqual([
        JSON.stringify(body),
        status,
        expected,
      ])
    }
    const other = await bapi('POST', '/jwt_templates', { name: 'other', claims: {} })
    const renamed = await bapi('PATCH', `/jwt_templates/${String(other.body.id)}`, {
      name: 'taken',
      claims: {},
    })
    expect([renamed.status, code(renamed.body)]).toEqual([422, 'form_identifier_exists'])
    const names = (await bapi('GET', '/jwt_templates')).body as unknown as { name: string }[]
    expect(names.map((t) => t.name)).toEqual(['taken', 'other'])
    expect((await bapi('GET', '/jwt_templates?limit=0')).status).toBe(422)
  })
})

describe('Frontend API tokens from a template', () => {
  it("mints with the template's claims, lifetime and clock skew and no session claims", async () => {
    let now = Date.UTC(2026, 0, 1)
    const { emulator, bapi } = await setup(() => now)
    await bapi('POST', '/jwt_templates', {
      name: 'api',
      claims: {
        aud: 'my-api',
        email: '{{user.primary_email_address}}',
        birthday: '{{user.public_metadata.birthday}}',
        greeting: 'Hi {{user.first_name}}',
        fallback: "{{user.last_name || 'none'}}",
        sid: 'ignored',
      },
      lifetime: 600,
      allowed_clock_skew: 30,
    })
    const page = new TestBrowser(ORIGIN, { origin: PAGE, fetch: (r) => emulator.fetch(r) })
    const sessionId = await page.signIn()
    now += 5000
    const minted = await page.call<{ object: string; jwt: string }>(
      'POST',
      `/v1/client/sessions/${sessionId}/tokens/api`,
      { organization_id: '' },
    )
    expect(minted.status).toBe(200)
    expect(minted.body.object).toBe('token')
    const { header, payload } = decodeJwt(minted.body.jwt)
    const iat = Math.floor(now / 1000)
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(payload).toEqual({
      azp: PAGE,
      exp: iat + 600,
      iat,
      iss: 'https://clerk.emulator.localhost',
      jti: expect.stringMatching(/^[0-9a-f]{20}$/),
      nbf: iat - 30,
      sub: expect.stringMatching(/^user_/),
      aud: 'my-api',
      email: 'ada@example.test',
      birthday: '1990-12-10',
      greeting: 'Hi Ada',
      fallback: 'none',
    })
  })

  it('answers 404 for an unknown template and 401 for a session that is not signed in', async () => {
    const { emulator } = await setup()
    const page = new TestBrowser(ORIGIN, { origin: PAGE, fetch: (r) => emulator.fetch(r) })
    const sessionId = await page.signIn()
    const unknown = await page.call('POST', `/v1/client/sessions/${sessionId}/tokens/nope`)
    expect([unknown.status, code(unknown.body)]).toEqual([404, 'resource_not_found'])
    const stranger = new TestBrowser(ORIGIN, { origin: PAGE, fetch: (r) => emulator.fetch(r) })
    const foreign = await stranger.call('POST', `/v1/client/sessions/${sessionId}/tokens/nope`)
    expect([foreign.status, code(foreign.body)]).toEqual([401, 'signed_out'])
  })

  it('keeps templates in the persisted state and forgets them on reset to the seed', async () => {
    const snapshots: unknown[] = []
    const emulator = await createEmulator({
      privateKeyPem,
      publicOrigin: ORIGIN,
      onStateChange: (snapshot) => {
        snapshots.push(snapshot)
      },
    })
    const headers = { Authorization: `Bearer ${emulator.config().secretKey}` }
    await emulator.fetch(
      new Request(`${ORIGIN}/api/v1/jwt_templates`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'kept', claims: { k: 1 } }),
      }),
    )
    expect(snapshots.at(-1)).toMatchObject({ jwtTemplates: [{ name: 'kept', claims: { k: 1 } }] })
    const restored = await createEmulator({
      privateKeyPem,
      publicOrigin: ORIGIN,
      state: snapshots.at(-1) as never,
    })
    // The restored emulator keeps the instance's secret key, so the same backend keeps reading.
    expect(restored.config().secretKey).toBe(emulator.config().secretKey)
    const listed = await restored.fetch(new Request(`${ORIGIN}/api/v1/jwt_templates`, { headers }))
    expect(listed.status).toBe(200)
    expect(((await listed.json()) as { name: string }[]).map((t) => t.name)).toEqual(['kept'])
    const last = snapshots.at(-1) as { jwtTemplates: unknown[] }
    const doubled = { ...last, jwtTemplates: [...last.jwtTemplates, ...last.jwtTemplates] }
    await expect(
      createEmulator({ privateKeyPem, publicOrigin: ORIGIN, state: doubled as never }),
    ).rejects.toThrow(/duplicate JWT template/)
    await emulator.fetch(new Request(`${ORIGIN}/__emulator/reset`, { method: 'POST' }))
    const afterReset = await emulator.fetch(
      new Request(`${ORIGIN}/api/v1/jwt_templates`, { headers }),
    )
    expect(await afterReset.json()).toEqual([])
  })
})
