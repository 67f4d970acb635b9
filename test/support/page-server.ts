/**
 * A tiny static origin for browser tests of the emulator: a blank page, the npm build of ClerkJS
 * (`dist/clerk.mjs`, the module a bundler would take), and optionally an emulator mounted at a path
 * (same-origin `proxyUrl`). Listens on 127.0.0.1 only.
 */
import type { Page } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const clerkDist = dirname(require.resolve('@clerk/clerk-js'))

export interface PageServer {
  /** `http://localhost:<port>` */
  origin: string
  close(): Promise<void>
}

export interface PageServerOptions {
  /** Extra routes, tried first: return true when handled. */
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>
  /** HTML body of `/`; default a blank page. */
  html?: string
}

export async function startPageServer(options: PageServerOptions = {}): Promise<PageServer> {
  const server = createServer((req, res) => {
    void (async () => {
      if (options.handle && (await options.handle(req, res))) return
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      if (path === '/clerk.mjs') {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        res.end(await readFile(join(clerkDist, 'clerk.mjs')))
        return
      }
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        res.end(
          options.html ?? '<!doctype html><html><head><title>t</title></head><body></body></html>',
        )
        return
      }
      res.writeHead(404).end()
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Opens the page server's blank page and loads ClerkJS from its `/clerk.mjs` as `window.clerk`,
 * with routing that goes nowhere: sign-out and sign-up would otherwise leave the page.
 */
export async function loadClerkModule(
  page: Page,
  origin: string,
  clerk: { publishableKey: string; proxyUrl: string },
): Promise<void> {
  await page.goto(`${origin}/`)
  await page.evaluate(
    async ({ publishableKey, proxyUrl }) => {
      const moduleUrl = '/clerk.mjs'
      const { Clerk } = await import(moduleUrl)
      const clerk = new Clerk(publishableKey, { proxyUrl })
      await clerk.load({ telemetry: false, routerPush: () => {}, routerReplace: () => {} })
      Object.assign(window, { clerk })
    },
    { publishableKey: clerk.publishableKey, proxyUrl: clerk.proxyUrl },
  )
}
