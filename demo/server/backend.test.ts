/**
 * The demo's backend switches between the embedded emulator and real Clerk by the environment
 * alone. Real Clerk is not reachable here, so the real-keys side is checked offline: the page's
 * configuration, its policy, that nothing is served at `/__clerk`, and that the handler refuses an
 * unauthenticated save before any call to Clerk.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createDemoBackend, type DemoBackend } from './backend.ts'
import { clerkOrigin, clerkScriptTag } from './page-config.ts'
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
    // The page's key is the emulator's, not the one in the environment.
    expect(backend.config.publishableKey).toBe(backend.emulator!.config().publishableKey)
    expect(backend.config.publishableKey).not.toBe(PUBLISHABLE_KEY)
  })
})

/**
 * Sends `head` and `body` on one new connection and reads what comes back until the server closes
 * it or `waitMs` passes: the answer, and whether the server closed the connection.
 */
function exchange(
  url: string,
  request: string,
  waitMs = 3_000,
): Promise<{ answer: string; closed: boolean }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname)
    let answer = ''
    const finish = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ answer, closed })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (data) => (answer += data.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => finish(true))
    socket.on('connect', () => socket.write(request))
  })
}

const refusedPost = (declared: number, sent: string) =>
  [
    'POST /api/update-user-metadata HTTP/1.1',
    'Host: localhost',
    'Content-Type: application/json',
    `Content-Length: ${declared}`,
    '',
    sent,
  ].join('\r\n')

describe("the demo's handler, on both origins, is served as `npm run server` serves it", () => {
  it('an early reject drains a small body that has arrived, and closes on an unfinished one', async () => {
    backend = await createDemoBackend({ origin: ORIGIN, handlerPort: 0, env: {} })
    const demo = backend
    // The page's own origin: the middleware mounted on a plain Node server, as Vite mounts it.
    const page = createServer((req, res) => demo.middleware(req, res, () => res.end()))
    await new Promise<void>((done) => page.listen(0, '127.0.0.1', done))
    try {
      const pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`
      for (const origin of [backend.handlerOrigin, pageOrigin]) {
        // No token: refused before the body is read. The whole small body is here: drained, and
        // the connection stays open for the next request.
        const kept = await exchange(origin, refusedPost(20, '{"birthday":"1999"} '), 600)
        expect(kept.answer, origin).toMatch(/^HTTP\/1\.1 401 /)
        expect(kept.answer.toLowerCase(), origin).not.toContain('connection: close')
        expect(kept.closed, origin).toBe(false)
        // Only part of the body has come: the answer says so and the connection closes.
        const cut = await exchange(origin, refusedPost(25, '{"birth'))
        expect(cut.answer, origin).toMatch(/^HTTP\/1\.1 401 /)
        expect(cut.answer.toLowerCase(), origin).toContain('connection: close')
        expect(cut.closed, origin).toBe(true)
      }
    } finally {
      page.closeAllConnections()
      await new Promise<void>((done) => page.close(() => done()))
    }
  })
})
