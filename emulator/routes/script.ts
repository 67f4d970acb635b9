/**
 * `GET <base>/npm/@clerk/clerk-js@<version>/dist/<file>`: ClerkJS files from the installed package, as
 * Clerk's Frontend API serves them, so a page can load `clerk.browser.js` by script tag offline. The
 * version may be the major alone (`@6`, what Clerk's loaders ask for), major.minor, or the exact installed
 * version (what `clerk.browser.js` rewrites its chunk URLs to). CORS comes from the app, as for every
 * route, because Clerk's loader adds `crossorigin="anonymous"`.
 */

import { ClerkError, notImplemented } from '../errors.ts'
import type { Ctx } from '../state.ts'

export async function clerkJsFile(ctx: Ctx): Promise<Response> {
  const source = await ctx.state.clerkJs()
  if (!source) throw notImplemented('serving ClerkJS files: no ClerkJS source in this runtime')
  const requested = ctx.params.version ?? ''
  const file = ctx.params.file ?? ''
  const [major = '', minor = ''] = source.version.split('.')
  if (![major, `${major}.${minor}`, source.version].includes(requested)) {
    throw new ClerkError(
      404,
      'resource_not_found',
      `@clerk/clerk-js@${requested} is not available`,
      {
        longMessage: `The emulator serves the installed @clerk/clerk-js ${source.version}: ask for @${major}, @${major}.${minor} or @${source.version}.`,
      },
    )
  }
  const body = /^[\w][\w.-]*$/.test(file) ? await source.read(file) : null
  if (!body) {
    throw new ClerkError(404, 'resource_not_found', `No file dist/${file} in @clerk/clerk-js`)
  }
  const exact = requested === source.version
  return new Response(body, {
    headers: {
      'Content-Type': contentType(file),
      'Cache-Control': exact ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    },
  })
}

function contentType(file: string): string {
  if (/\.m?js$/.test(file)) return 'text/javascript; charset=utf-8'
  if (/\.(map|json)$/.test(file)) return 'application/json'
  if (file.endsWith('.css')) return 'text/css; charset=utf-8'
  return 'application/octet-stream'
}
