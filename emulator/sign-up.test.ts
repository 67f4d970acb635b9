/**
 * Sign-up in-process, on the wire as ClerkJS sends it: test mode (`+clerk_test` verifies with 424242
 * and nothing else), codes of other addresses on the control surface, and every failure path. Through
 * the real ClerkJS in test/e2e/sign-up.spec.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createEmulator, type Emulator, type EmulatorSnapshot } from './app.ts'
import { generateSigningKey } from './keys.ts'
import { TestBrowser, type ClientJson, type ErrorJson } from './testing/browser.ts'

const ORIGIN = 'http://localhost:4010'
const PAGE = 'http://localhost:5173'
const PASSWORD = 'a-good-password-1'
let privateKeyPem: string

beforeAll(async () => {
  privateKeyPem = (await generateSigningKey()).privateKeyPem
})

interface SignUpJson {
  id: string
  status: string
  created_session_id: string | null
  created_user_id: string | null
  unverified_fields: string[]
  verifications: {
    email_address: { status: string; next_action: string; attempts: number | null } | null
  }
}

type Answer = { status: number; body: { response: SignUpJson; client: ClientJson } & ErrorJson }

async function setup(
  options: { now?: () => number; onStateChange?: (s: EmulatorSnapshot) => void } = {},
) {
  const emulator: Emulator = await createEmulator({
    privateKeyPem,
    publicOrigin: ORIGIN,
    ...options,
  })
  const page = new TestBrowser(ORIGIN, { origin: PAGE, fetch: (r) => emulator.fetch(r) })
  const post = (path: string, form: Record<string, string>) =>
    page.call('POST', path, form) as Promise<Answer>
  const create = (email: string, password = PASSWORD) =>
    post('/v1/client/sign_ups', { email_address: email, password })
  const prepare = (id: string) =>
    post(`/v1/client/sign_ups/${id}/prepare_verification`, { strategy: 'email_code' })
  const attempt = (id: string, code: string) =>
    post(`/v1/client/sign_ups/${id}/attempt_verification`, { strategy: 'email_code', code })
  const codes = async (email?: string) => {
    const url = `${ORIGIN}/__emulator/verification_codes${email ? `?email_address=${encodeURIComponent(email)}` : ''}`
    const response = await emulator.fetch(new Request(url))
    return (
      (await response.json()) as {
        codes: { email_address: string; code: string; sign_up_id: string }[]
      }
    ).codes
  }
  return { emulator, page, post, create, prepare, attempt, codes }
}

const codeOf = (answer: Answer) => [answer.status, answer.body.errors?.[0]?.code]

describe('sign-up with an email address and a password', () => {
  it('verifies a +clerk_test address with 424242 only, then signs the new user in', async () => {
    const { emulator, page, create, prepare, attempt, codes } = await setup()
    const created = await create('Lin+clerk_test@example.test')
    expect(created.status).toBe(200)
    expect(created.body.response).toMatchObject({
      status: 'missing_requirements',
      unverified_fields: ['email_address'],
      // The code goes out with the address: <SignUp/> skips its initial prepare on this.
      verifications: {
        email_address: {
          status: 'unverified',
          strategy: 'email_code',
          next_action: 'needs_attempt',
        },
      },
    })
    expect(created.body.client.sign_up).toMatchObject({ id: created.body.response.id })
    expect(page.cookies.size).toBe(1)
    const id = created.body.response.id
    const prepared = await prepare(id)
    expect(prepared.body.response.verifications.email_address).toMatchObject({
      status: 'unverified',
      next_action: 'needs_attempt',
    })
    expect(await codes()).toEqual([]) // test mode sends nothing
    for (const wrong of ['000000', '424243', '123456']) {
      expect(codeOf(await attempt(id, wrong))).toEqual([422, 'form_code_incorrect'])
    }
    const done = await attempt(id, '424242')
    expect(done.status).toBe(200)
    expect(done.body.response).toMatchObject({
      status: 'complete',
      unverified_fields: [],
      created_session_id: expect.stringMatching(/^sess_/),
      created_user_id: expect.stringMatching(/^user_/),
    })
    expect(done.body.client).toMatchObject({
      sign_up: null,
      last_active_session_id: done.body.response.created_session_id,
      sessions: [{ user: { email_addresses: [{ email_address: 'Lin+clerk_test@example.test' }] } }],
    })
    // The new user signs in with the password in another browser.
    const other = new TestBrowser(ORIGIN, { origin: PAGE, fetch: (r) => emulator.fetch(r) })
    expect(await other.signIn('lin+clerk_test@example.test', PASSWORD)).toMatch(/^sess_/)
  })

  it('sends other addresses a random code at create, readable on the control surface; 424242 is not it', async () => {
    const { create, attempt, codes } = await setup()
    const id = (await create('grace@example.test')).body.response.id
    const sent = await codes('GRACE@example.test')
    expect(sent).toEqual([
      {
        at: expect.any(Number),
        email_address: 'grace@example.test',
        code: expect.stringMatching(/^\d{6}$/),
        sign_up_id: id,
      },
    ])
    const code = sent[0]?.code ?? ''
    if (code !== '424242')
      expect(codeOf(await attempt(id, '424242'))).toEqual([422, 'form_code_incorrect'])
    expect((await attempt(id, code)).body.response.status).toBe('complete')
    expect(codeOf(await attempt(id, code))).toEqual([400, 'sign_up_already_complete'])
  })

  it('a re-prepared code replaces the old one', async () => {
    const { create, prepare, attempt, codes } = await setup()
    const id = (await create('ann@example.test')).body.response.id
    await prepare(id)
    const [first, second, ...more] = await codes()
    expect(more).toEqual([])
    if (first && second && first.code !== second.code) {
      expect(codeOf(await attempt(id, first.code))).toEqual([422, 'form_code_incorrect'])
    }
    expect((await attempt(id, second?.code ?? '')).status).toBe(200)
  })

  it('refuses a taken address, a weak or too long password and a malformed address', async () => {
    const { create, codes, emulator } = await setup()
    expect(codeOf(await create('ADA@example.test'))).toEqual([422, 'form_identifier_exists'])
    expect(codeOf(await create('short@example.test', 'abc'))).toEqual([
      422,
      'form_password_length_too_short',
    ])
    expect(codeOf(await create('long@example.test', 'x'.repeat(73)))).toEqual([
      422,
      'form_password_length_too_long',
    ])
    expect(codeOf(await create('not-an-email'))).toEqual([422, 'form_param_format_invalid'])
    const taken = await create('ada@example.test')
    expect(taken.body.errors?.[0]?.meta).toEqual({ param_name: 'email_address' })
    expect(await codes()).toEqual([])
    const users = await emulator.fetch(
      new Request(`${ORIGIN}/api/v1/users/count`, {
        headers: { Authorization: `Bearer ${emulator.config().secretKey}` },
      }),
    )
    expect(await users.json()).toEqual({ object: 'total_count', total_count: 1 })
  })

  it('fails an attempt before an address, without a code, after five wrong codes and after expiry', async () => {
    let now = Date.UTC(2026, 0, 1)
    const { page, post, prepare, attempt } = await setup({ now: () => now })
    const id = (await post('/v1/client/sign_ups', { password: PASSWORD })).body.response.id
    expect(codeOf(await attempt(id, '424242'))).toEqual([400, 'verification_missing'])
    const patched = (await page.call('PATCH', `/v1/client/sign_ups/${id}`, {
      email_address: 'x+clerk_test@example.test',
    })) as Answer
    expect(patched.body.response).toMatchObject({
      verifications: { email_address: { next_action: 'needs_attempt' } },
    })
    expect(codeOf(await attempt(id, ''))).toEqual([422, 'form_param_missing'])
    for (let i = 0; i < 5; i += 1)
      expect(codeOf(await attempt(id, '111111'))[1]).toBe('form_code_incorrect')
    expect(codeOf(await attempt(id, '424242'))).toEqual([422, 'verification_failed'])
    await prepare(id)
    now += 10 * 60_000 + 1
    expect(codeOf(await attempt(id, '424242'))).toEqual([422, 'verification_expired'])
    await prepare(id)
    expect((await attempt(id, '424242')).body.response.status).toBe('complete')
  })

  it('is refused while signed in (single session), for unknown ids and for unsupported strategies', async () => {
    const { page, create, post, emulator } = await setup()
    const stranger = await create('s+clerk_test@example.test')
    const other = new TestBrowser(ORIGIN, { origin: PAGE, fetch: (r) => emulator.fetch(r) })
    const foreign = await other.call(
      'POST',
      `/v1/client/sign_ups/${stranger.body.response.id}/prepare_verification`,
      { strategy: 'email_code' },
    )
    expect(foreign.status).toBe(404)
    expect(codeOf(await post('/v1/client/sign_ups', { strategy: 'oauth_google' }))).toEqual([
      501,
      'emulator_not_implemented',
    ])
    expect(codeOf(await post('/v1/client/sign_ups', { phone_number: '+15555550100' }))).toEqual([
      501,
      'emulator_not_implemented',
    ])
    expect(
      codeOf(
        await post(`/v1/client/sign_ups/${stranger.body.response.id}/prepare_verification`, {
          strategy: 'phone_code',
        }),
      ),
    ).toEqual([501, 'emulator_not_implemented'])
    await page.signIn()
    expect(codeOf(await create('t+clerk_test@example.test'))).toEqual([400, 'session_exists'])
  })

  it('updates fields with PATCH and reads the sign-up back; the new user is persisted', async () => {
    const snapshots: EmulatorSnapshot[] = []
    const { page, create, prepare, attempt } = await setup({
      onStateChange: (s) => void snapshots.push(s),
    })
    const id = (await create('u+clerk_test@example.test')).body.response.id
    const patched = (await page.call('PATCH', `/v1/client/sign_ups/${id}`, {
      first_name: 'Una',
      unsafe_metadata: '{"plan":"free"}',
    })) as Answer
    expect(patched.body.response).toMatchObject({
      first_name: 'Una',
      unsafe_metadata: { plan: 'free' },
    })
    expect(((await page.call('GET', `/v1/client/sign_ups/${id}`)) as Answer).body.response.id).toBe(
      id,
    )
    expect(
      codeOf(
        (await page.call('PATCH', `/v1/client/sign_ups/${id}`, {
          unsafe_metadata: '[1]',
        })) as Answer,
      ),
    ).toEqual([422, 'form_param_format_invalid'])
    await prepare(id)
    await attempt(id, '424242')
    expect(
      snapshots.at(-1)?.users.map((u) => [u.emailAddress, u.firstName, u.unsafeMetadata]),
    ).toContainEqual(['u+clerk_test@example.test', 'Una', { plan: 'free' }])
    expect(snapshots.at(-1)?.sessions).toHaveLength(1)
  })
})
