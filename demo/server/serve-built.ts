/**
 * Serves the built demo (`npm run build` → `dist/demo`) the way a production server would: static
 * files under the demo's strict Content-Security-Policy, Clerk's script tag filled in, and the same
 * backend as `npm start` (emulator, handler, second handler origin). The end-to-end tests run against
 * this. Listens on loopback only.
 *
 * Run alone: `npx tsx demo/server/serve-built.ts` (honours `PORT`).
 */
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { createDemoBackend, type DemoBackend, type DemoBackendOptions } from './backend.ts'
import { clerkOrigin, clerkScriptTag } from './page-config.ts'
import { contentSecurityPolicy } from './csp.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

export interface BuiltDemo {
  origin: string
  backend: DemoBackend
  close(): Promise<void>
}

export interface BuiltDemoOptions {
  port?: number
  env?: Record<string, string | undefined>
  dataDir?: string
  root?: string
  handlerOptions?: DemoBackendOptions['handlerOptions']
  emulatorOptions?: DemoBackendOptions['emulatorOptions']
  proxyAddsPageOrigin?: boolean
  clerkJsMajor?: DemoBackendOptions['clerkJsMajor']
}

export async function startBuiltDemo(options: BuiltDemoOptions = {}): Promise<BuiltDemo> {
  const root = resolve(options.root ?? 'dist/demo')
  const server = createServer()
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done))
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`
  const backend = await createDemoBackend({
    origin,
    handlerPort: 0,
    env: options.env ?? {},
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.handlerOptions ? { handlerOptions: options.handlerOptions } : {}),
    ...(options.emulatorOptions ? { emulatorOptions: options.emulatorOptions } : {}),
    ...(options.proxyAddsPageOrigin === false ? { proxyAddsPageOrigin: false } : {}),
    ...(options.clerkJsMajor ? { clerkJsMajor: options.clerkJsMajor } : {}),
  })
  const policy = contentSecurityPolicy(backend.handlerOrigin, clerkOrigin(backend.config))
  const scriptTag = clerkScriptTag(backend.config)

  server.on('request', (req, res) => {
    res.setHeader('content-security-policy', policy)
    backend.middleware(req, res, () => {
      void (async () => {
        try {
          const path = decodeURIComponent(new URL(req.url ?? '/', origin).pathname)
          const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
          if (!file.startsWith(root + sep)) throw new Error('outside the built demo')
          let body: Buffer | string = await readFile(file)
          if (extname(file) === '.html')
            body = body.toString('utf8').replace('<!--clerk-js-->', scriptTag)
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
          res.end(body)
        } catch {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
        }
      })()
    })
  })

  return {
    origin,
    backend,
    close: async () => {
      await backend.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const demo = await startBuiltDemo({ port: Number(process.env.PORT) || 4173, env: process.env })
  console.log(`built demo: ${demo.origin}/`)
}
