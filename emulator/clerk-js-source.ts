/**
 * The installed `@clerk/clerk-js` package as a `ClerkJsSource`, read with node:fs. This is the default
 * source of the script route; `app.ts` imports it lazily, on the first script request, so the app itself
 * stays free of Node imports.
 */

import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ClerkJsSource } from './state.ts'

export async function installedClerkJs(): Promise<ClerkJsSource> {
  // The package exports no `./package.json`; its CommonJS entry is `dist/clerk.js`.
  const dist = path.dirname(createRequire(import.meta.url).resolve('@clerk/clerk-js'))
  const manifest = JSON.parse(await readFile(path.join(dist, '..', 'package.json'), 'utf8')) as {
    version: string
  }
  const entries = await readdir(dist, { withFileTypes: true })
  const files = new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name))
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>()
  return {
    version: manifest.version,
    async read(file) {
      if (!files.has(file)) return null
      let body = cache.get(file)
      if (!body) {
        body = readFile(path.join(dist, file)).then((buffer) => new Uint8Array(buffer))
        cache.set(file, body)
      }
      return body
    },
  }
}
