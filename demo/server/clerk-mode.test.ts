import { describe, expect, it } from 'vitest'
import { createEmulator } from '../../emulator/app.ts'
import { chooseClerk } from './clerk-mode.ts'

const REAL_PK = `pk_test_${btoa('clerk.example-app.dev$')}`

describe('choosing which Clerk the demo runs on', () => {
  it('runs on the embedded emulator when no keys are set', () => {
    expect(chooseClerk({})).toEqual({ mode: 'emulator', why: 'no Clerk keys are set' })
  })

  it('needs both keys of a real instance, and says which one is missing', () => {
    expect(chooseClerk({ CLERK_PUBLISHABLE_KEY: REAL_PK })).toEqual({
      mode: 'emulator',
      why: 'CLERK_SECRET_KEY is not set (real Clerk needs both keys)',
    })
    expect(chooseClerk({ CLERK_SECRET_KEY: 'sk_test_real' })).toMatchObject({
      mode: 'emulator',
      why: expect.stringContaining('CLERK_PUBLISHABLE_KEY is not set'),
    })
  })

  it.each([
    'CLERK_PUBLISHABLE_KEY',
    'VITE_CLERK_PUBLISHABLE_KEY',
    'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY',
  ])("switches to a real instance's keys (%s), with its JWT key and API URL", (name) => {
    expect(
      chooseClerk({
        [name]: REAL_PK,
        CLERK_SECRET_KEY: 'sk_test_real',
        CLERK_JWT_KEY: 'PEM',
        CLERK_API_URL: 'https://api.clerk.example',
      }),
    ).toEqual({
      mode: 'clerk',
      keys: {
        publishableKey: REAL_PK,
        secretKey: 'sk_test_real',
        jwtKey: 'PEM',
        apiUrl: 'https://api.clerk.example',
      },
      frontendApi: 'clerk.example-app.dev',
    })
  })

  it('keeps to the embedded emulator with the lines another emulator printed (a .env from `npm run emulator`)', async () => {
    for (const instanceType of ['development', 'production'] as const) {
      const config = (await createEmulator({ instanceType })).config('http://localhost:4010')
      const env = {
        CLERK_PUBLISHABLE_KEY: config.publishableKey,
        CLERK_SECRET_KEY: config.secretKey,
        CLERK_PROXY_URL: config.proxyUrl,
        CLERK_API_URL: config.apiUrl,
        CLERK_JWT_KEY: config.jwtKey,
      }
      expect(chooseClerk(env)).toEqual({
        mode: 'emulator',
        why: "the Clerk keys set are an emulator's, not a Clerk instance's",
      })
      // Either key alone gives it away.
      expect(chooseClerk({ ...env, CLERK_SECRET_KEY: 'sk_test_real' }).mode).toBe('emulator')
      expect(chooseClerk({ ...env, CLERK_PUBLISHABLE_KEY: REAL_PK }).mode).toBe('emulator')
    }
  })
})
