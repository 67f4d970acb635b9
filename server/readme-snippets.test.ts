/**
 * The README's handler snippets as written: each `<!-- snippet: server/snippets/… -->` block must
 * equal its file here (so the README cannot drift from the tested code), `npm run typecheck`
 * type-checks the files, and this test imports each one before any setting exists (as a framework
 * does at build time), then saves and reads a birthday through it against the emulator with a
 * session token of a signed-in user.
 */
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, preview, type ConfigEnv } from 'vite'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type StartedEmulator } from '../emulator/node/start.ts'
import { createClient } from 'redis'
import { signIn, type EmulatorSession } from './testing/emulator-client.ts'
import { startRedisServer } from './testing/redis-server.ts'

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

  it('Vite: the plugin serves the handler on `vite` and `vite preview`, CLERK_* read from .env', async () => {
    // The project's .env, as the emulator prints it; only the origin list comes from the shell.
    const project = await mkdtemp(join(tmpdir(), 'birthday-vite-'))
    await writeFile(
      join(project, '.env'),
      `CLERK_SECRET_KEY=${emu.config.secretKey}\nCLERK_API_URL=${emu.config.apiUrl}\n` +
        `CLERK_JWT_KEY=${JSON.stringify(emu.config.jwtKey)}\n`,
    )
    for (const name of VARIABLES) vi.stubEnv(name, undefined)
    vi.stubEnv('ALLOWED_ORIGINS', ORIGIN)
    vi.spyOn(process, 'cwd').mockReturnValue(project)
    const { default: config } = await import('./snippets/vite.ts')
    const env: ConfigEnv = { command: 'serve', mode: 'development', isSsrBuild: false }
    const user = await config(env)
    const shared = { ...user, configFile: false, root: project, logLevel: 'silent' } as const
    expect(process.env.CLERK_SECRET_KEY).toBe(emu.config.secretKey)
    const at = (base: string) => (request: Request) =>
      fetch(new Request(request.url.replace(ORIGIN, base), request))
    const dev = await createServer({ ...shared, server: { host: '127.0.0.1', port: 0, ws: false } })
    const built = await preview({
      ...shared,
      build: { outDir: project },
      preview: { host: '127.0.0.1', port: 0 },
    })
    try {
      await dev.listen()
      const devPort = (dev.httpServer!.address() as AddressInfo).port
      const previewPort = (built.httpServer.address() as AddressInfo).port
      await saveAndRead(at(`http://127.0.0.1:${devPort}`), '1996-02-29')
      await saveAndRead(at(`http://127.0.0.1:${previewPort}`), '1997-07-07')
    } finally {
      vi.mocked(process.cwd).mockRestore()
      await dev.close()
      await new Promise((done) => built.httpServer.close(done))
      await rm(project, { recursive: true, force: true })
    }
  }, 30_000)

  it('Next.js with Redis: imported with nothing set, then it keeps its window in a real Redis', async () => {
    const redis = await startRedisServer()
    const inspect = createClient({ url: redis.url })
    inspect.on('error', () => undefined)
    try {
      vi.stubEnv('REDIS_URL', '')
      const route = await import('./snippets/nextjs-redis-route.ts')
      useEmulatorEnv()
      vi.stubEnv('REDIS_URL', redis.url)
      await saveAndRead(route.POST, '1994-03-14')
      await inspect.connect()
      // The save and the read were counted in Redis, and the write lease was given back.
      expect(await inspect.zCard(`birthday-editor:{birthday:${ada.userId}}:hits`)).toBe(2)
      await vi.waitFor(async () =>
        expect(await inspect.exists(`birthday-editor:{birthday:${ada.userId}}:lease`)).toBe(0),
      )
      // Redis away: a save is a 503 and writes nothing; back: it saves again.
      await redis.stop({ abruptly: true })
      const headers = { Origin: ORIGIN, Authorization: `Bearer ${await ada.mint()}` }
      const refused = await route.POST(
        new Request(URL_, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify({ birthday: '1994-03-15' }),
        }),
      )
      expect(refused.status).toBe(503)
      expect(refused.headers.get('Retry-After')).toBe('2')
      await redis.start()
      await vi.waitFor(
        async () => {
          const read = await route.GET(new Request(URL_, { headers }))
          expect(await read.json()).toEqual({ birthday: '1994-03-14' })
        },
        { timeout: 10_000, interval: 200 },
      )
    } finally {
      inspect.destroy()
      await redis.stop()
    }
  }, 30_000)

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
