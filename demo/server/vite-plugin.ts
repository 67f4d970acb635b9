/**
 * Mounts the demo backend (emulator, handler, page config) into Vite's dev and preview servers, puts
 * Clerk's script tag into the pages, and sends the demo's Content-Security-Policy with every
 * response, so `npm start` runs under the same policy as the end-to-end tests.
 */
import type { Plugin, PreviewServer, ViteDevServer } from 'vite'
import { createDemoBackend, type DemoBackend } from './backend.ts'
import { clerkOrigin, clerkScriptTag } from './page-config.ts'
import { startBanner } from './banner.ts'
import { contentSecurityPolicy } from './csp.ts'

export interface DemoPluginOptions {
  port: number
  env: Record<string, string | undefined>
  dataDir: string
}

export function birthdayDemo(options: DemoPluginOptions): Plugin {
  let backend: DemoBackend | undefined
  const mount = async (server: ViteDevServer | PreviewServer) => {
    const current = await createDemoBackend({
      origin: `http://localhost:${options.port}`,
      handlerPort: 0,
      env: options.env,
      dataDir: options.dataDir,
    })
    backend = current
    const policy = contentSecurityPolicy(current.handlerOrigin, clerkOrigin(current.config))
    server.middlewares.use((req, res, next) => {
      res.setHeader('content-security-policy', policy)
      current.middleware(req, res, next)
    })
    server.httpServer?.once('close', () => void current.close())
    server.httpServer?.once('listening', () =>
      server.config.logger.info(
        `\n${startBanner(current, { origin: `http://localhost:${options.port}`, dataDir: options.dataDir })}\n`,
      ),
    )
  }
  return {
    name: 'birthday-editor-demo',
    configureServer: mount,
    configurePreviewServer: mount,
    // In a build there is no backend yet: the placeholder stays for the server to fill in.
    transformIndexHtml: (html) =>
      backend ? html.replace('<!--clerk-js-->', clerkScriptTag(backend.config)) : html,
  }
}
