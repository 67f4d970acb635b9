/**
 * The README's handler snippets as written: each `<!-- snippet: server/snippets/… -->` block must
 * equal its file here (so the README cannot drift from the tested code), `npm run typecheck`
 * type-checks the files, and this test imports each one before any setting exists (as a framework
 * does at build time), then saves and reads a birthday through it against the emulator with a
 * session token of a signed-in user.
 */
import { once } from 'node:events'
import { readdir, readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type StartedEmulator } from '../emulator/node/start.ts'
import { signIn, type EmulatorSession } from './testing/emulator-client.ts'

const ORIGIN = 'http://app.test'
const URL_ = `${ORIGIN}/api/update-user-metadata`
type Fetch = (request: Request) => Promise<Response>

let emu: StartedEmulator
let ada: EmulatorSession
const VARIABLES = ['CLERK_SECRET_KEY', 'CLERK_JWT_KEY', 'CLERK_API_URL', 'ALLOWED_ORIGINS']

beforeAll(async () => {
  for (const name of [...VARIABLES, 'CLERK_PUBLISHABLE_KEY', 'CLERK_AUTHORIZED_PARTIES']) {
    vi.stubEnv(name, '')
  }
  emu = await startEmulator({ port: 0 })
  ada = await signIn(emu.config.proxyUrl, ORIGIN)
}, 30_000)

afterAll(async () => {
  vi.unstubAllEnvs()
  await emu.close()
})

function useEmulatorEnv(): void {
  vi.stubEnv('CLERK_SECRET_KEY', emu.config.secretKey)
  vi.stubEnv('CLERK_JWT_KEY', emu.config.jwtKey)
  vi.stubEnv('CLERK_API_URL', emu.config.apiUrl)
  vi.stubEnv('ALLOWED_ORIGINS', ORIGIN)
}

async function saveAndRead(fetch: Fetch, birthday: string): Promise<void> {
  const headers = { Origin: ORIGIN, Authorization: `Bearer ${await ada.mint()}` }
  const saved = await fetch(
    new Request(URL_, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ birthday }),
    }),
  )
  expect(saved.status).toBe(200)
  expect(await saved.json()).toEqual({ birthday })
  const read = await fetch(new Request(URL_, { headers }))
  expect(await read.json()).toEqual({ birthday })
}

describe('the README handler snippets', () => {
  it('are in the README exactly as in server/snippets/, one block per file', async () => {
    const readme = await readFile('README.md', 'utf8')
    const blocks = new Map(
      [
        ...readme.matchAll(
          /<!-- snippet: (server\/snippets\/[\w-]+\.ts) -->\n\n```ts\n([\s\S]*?)```/g,
        ),
      ].map((match) => [match[1] ?? '', match[2] ?? '']),
    )
    const files = (await readdir('server/snippets')).map((name) => `server/snippets/${name}`)
    expect([...blocks.keys()].sort()).toEqual(files.sort())
    for (const file of files) expect(blocks.get(file), file).toBe(await readFile(file, 'utf8'))
  })

  it('Next.js (Node and edge runtime), Hono and Bun: imported with nothing set, then they serve', async () => {
    // Module scope runs first, with no settings at all: nothing may throw or fetch.
    const route = await import('./snippets/nextjs-route.ts')
    const edge = await import('./snippets/nextjs-edge-route.ts')
    const hono = await import('./snippets/hono.ts')
    const bun = await import('./snippets/bun.ts')
    const noSecret = await route.GET(new Request(URL_, { headers: { Origin: ORIGIN } }))
    expect(noSecret.status).toBe(500)
    useEmulatorEnv()
    expect(edge.runtime).toBe('edge')
    await saveAndRead(route.POST, '1990-12-11')
    await saveAndRead(edge.POST, '1991-12-09')
    await saveAndRead((request) => Promise.resolve(hono.default.fetch(request)), '1992-06-23')
    await saveAndRead(bun.default.fetch, '1993-12-28')
    // Bun's snippet sets `path`: another path is a 404; the others answer wherever mounted.
    const elsewhere = await bun.default.fetch(new Request(`${ORIGIN}/other`))
    expect(elsewhere.status).toBe(404)
    const preflight = await route.OPTIONS(
      new Request(URL_, {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
      }),
    )
    expect(preflight.status).toBe(204)
  })

  it('Express 5: with express.json() before it, over HTTP', async () => {
    useEmulatorEnv()
    vi.stubEnv('PORT', '0')
    const { server } = await import('./snippets/express.ts')
    try {
      if (!server.listening) await once(server, 'listening')
      const { port } = server.address() as AddressInfo
      const base = `http://127.0.0.1:${port}`
      await saveAndRead(
        (request) => fetch(new Request(request.url.replace(ORIGIN, base), request)),
        '1994-03-14',
      )
    } finally {
      await new Promise((done) => server.close(done))
    }
  })

  it("Cloudflare Workers: the settings come from the Worker's bindings", async () => {
    for (const name of VARIABLES) vi.stubEnv(name, '')
    const worker = await import('./snippets/worker.ts')
    const bindings = {
      CLERK_SECRET_KEY: emu.config.secretKey,
      CLERK_JWT_KEY: emu.config.jwtKey,
      CLERK_API_URL: emu.config.apiUrl,
      ALLOWED_ORIGINS: ORIGIN,
    }
    await saveAndRead((request) => worker.default.fetch(request, bindings), '1995-06-08')
  })
})
