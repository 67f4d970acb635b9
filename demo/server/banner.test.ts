import { afterEach, describe, expect, it } from 'vitest'
import { createDemoBackend, type DemoBackend } from './backend.ts'
import { startBanner } from './banner.ts'

const ORIGIN = 'http://localhost:5173'
let backend: DemoBackend | undefined
afterEach(async () => {
  await backend?.close()
  backend = undefined
})

describe('the block npm start prints', () => {
  it('on the emulator: mode and why, page, demo user, both handler URLs, data folder', async () => {
    backend = await createDemoBackend({ origin: ORIGIN, handlerPort: 0, env: {} })
    const lines = startBanner(backend, { origin: ORIGIN, dataDir: '/tmp/data' }).split('\n')
    expect(lines).toEqual([
      'birthday-editor demo',
      '  mode     embedded Clerk emulator (no Clerk keys are set)',
      `  page     ${ORIGIN}/`,
      '  sign in  ada@example.test / lovelace-1815',
      `  handler  ${ORIGIN}/api/update-user-metadata (same origin)`,
      `           ${backend.handlerOrigin}/api/update-user-metadata (cross-origin page: ${ORIGIN}/demo/page/cross-origin.html)`,
      '  data     /tmp/data',
    ])
  })

  it("on real Clerk: the instance's host, no demo user and no data folder", async () => {
    backend = await createDemoBackend({
      origin: ORIGIN,
      handlerPort: 0,
      env: {
        CLERK_PUBLISHABLE_KEY: `pk_live_${btoa('clerk.example.com$')}`,
        CLERK_SECRET_KEY: 'sk_live_real',
      },
    })
    const banner = startBanner(backend, { origin: ORIGIN, dataDir: '/tmp/data' })
    expect(banner).toContain('  mode     real Clerk: clerk.example.com\n')
    expect(banner).not.toContain('sign in')
    expect(banner).not.toContain('/tmp/data')
  })
})
