/**
 * The demo's backend switches between the embedded emulator and real Clerk by the environment
 * alone. Real Clerk is not reachable here, so the real-keys side is checked offline: the page's
 * configuration, its policy, that nothing is served at `/__clerk`, and that the handler refuses an
 * unauthenticated save before any call to Clerk.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { clerkOrigin, clerkScriptTag, createDemoBackend, type DemoBackend } from './backend.ts'
import { contentSecurityPolicy } from './csp.ts'

const ORIGIN = 'http://localhost:5173'
const FRONTEND_API = 'clerk.example-app.dev'
const PUBLISHABLE_KEY = `pk_test_${btoa(`${FRONTEND_API}$`)}`

let backend: DemoBackend | undefined
afterEach(async () => {
  await backend?.close()
  backend = undefined
})

/** Whether the middleware serves `path` itself (true) or passes it on (false). */
function serves(demo: DemoBackend, path: string): boolean {
  let passed = false
  const req = { url: path, method: 'GET', headers: {} } as IncomingMessage
  const res = {
    writeHead: () => res,
    end: () => res,
    setHeader: () => res,
  } as unknown as ServerResponse
  demo.middleware(req, res, () => {
    passed = true
  })
  return !passed
}

describe('the demo backend with real Clerk keys', () => {
  it.each([
    ['CLERK_PUBLISHABLE_KEY', { CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY }],
    ['VITE_CLERK_PUBLISHABLE_KEY', { VITE_CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY }],
  ])('turns the emulator off and points the page at Clerk (%s)', async (_, keys) => {
    backend = await createDemoBackend({
      origin: ORIGIN,
      handlerPort: 0,
      env: { ...keys, CLERK_SECRET_KEY: 'sk_test_real' },
    })
    expect(backend.emulator).toBeUndefined()
    expect(backend.config).toEqual({
      mode: 'clerk',
      publishableKey: PUBLISHABLE_KEY,
      clerkJsUrl: `https://${FRONTEND_API}/npm/@clerk/clerk-js@6/dist/clerk.browser.js`,
      endpoint: '/api/update-user-metadata',
      crossOriginEndpoint: `${backend.handlerOrigin}/api/update-user-metadata`,
    })
    expect(clerkScriptTag(backend.config)).not.toContain('data-clerk-proxy-url')
    const policy = contentSecurityPolicy(backend.handlerOrigin, clerkOrigin(backend.config))
    expect(policy).toContain(`https://${FRONTEND_API}`)
    expect(serves(backend, '/__clerk/v1/client')).toBe(false)
    expect(serves(backend, '/demo-config.json')).toBe(true)

    // The handler runs on the real keys: a save without a session token is refused before any
    // request to Clerk (none could succeed here).
    const response = await fetch(`${backend.handlerOrigin}/api/update-user-metadata`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"birthday":null}',
    })
    expect(response.status).toBe(401)
  })

  it('needs both keys: a publishable key alone keeps the emulator', async () => {
    backend = await createDemoBackend({
      origin: ORIGIN,
      handlerPort: 0,
      env: { CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY },
    })
    expect(backend.config.mode).toBe('emulator')
    expect(backend.config.proxyUrl).toBe(`${ORIGIN}/__clerk`)
    expect(backend.emulator).toBeDefined()
  })
})
