/**
 * `GET <base>/npm/@clerk/clerk-js@<version>/dist/<file>` and `GET <base>/npm/@clerk/ui@<version>/dist/<file>`:
 * ClerkJS and Clerk's prebuilt components (`@clerk/ui`) from the installed packages, at the URLs Clerk's
 * loaders compute (`@clerk/shared`'s `clerkJSScriptUrl` / `clerkUIScriptUrl`), so pages load them by
 * script tag offline. The version may be the major alone (`@6`, `@1`: what the loaders ask for),
 * major.minor, or the exact installed version (what the bundles rewrite their chunk URLs to); a source's
 * `alongside` versions (another installed major) are served the same way. CORS comes
 * from the app, as for every route, because Clerk's loader adds `crossorigin="anonymous"`.
 */

import { ClerkError, notImplemented } from '../errors.ts'
import type { ClerkJsSource, Context, RouteRow } from '../context.ts'

export const clerkJsFile = (ctx: Context) =>
  packageFile(ctx, '@clerk/clerk-js', () => ctx.state.clerkJs())

export const clerkUiFile = (ctx: Context) =>
  packageFile(ctx, '@clerk/ui', () => ctx.state.clerkUi())

async function packageFile(
  ctx: Context,
  name: string,
  load: () => Promise<ClerkJsSource | null>,
): Promise<Response> {
  const source = await load()
  if (!source) {
    throw notImplemented(`serving ${name} files: ${name} is not installed next to the emulator`)
  }
  const requested = ctx.params.version ?? ''
  const file = ctx.params.file ?? ''
  const sources = [source, ...(source.alongside ?? [])]
  const names = (version: string) => {
    const [major = '', minor = ''] = version.split('.')
    return [major, `${major}.${minor}`, version]
  }
  const served = sources.find(({ version }) => names(version).includes(requested))
  if (!served) {
    const asks = sources.map(({ version }) =>
      names(version)
        .map((name) => '@' + name)
        .join(', '),
    )
    throw new ClerkError(404, 'resource_not_found', `${name}@${requested} is not available`, {
      longMessage: `The emulator serves the installed ${name} ${sources.map(({ version }) => version).join(' and ')}: ask for ${asks.join('; or ')}.`,
    })
  }
  const body = /^[\w][\w.-]*$/.test(file) ? await served.read(file) : null
  if (!body) {
    throw new ClerkError(404, 'resource_not_found', `No file dist/${file} in ${name}`)
  }
  const exact = requested === served.version
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

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/npm/@clerk/clerk-js@:version/dist/:file', handler: clerkJsFile },
  { method: 'GET', path: '/npm/@clerk/ui@:version/dist/:file', handler: clerkUiFile },
]
