/**
 * Installed Clerk browser packages as `ClerkJsSource`s, read with node:fs: `@clerk/clerk-js` (ClerkJS)
 * and `@clerk/ui` (the prebuilt components), both optional peers. These are the default sources of the
 * script routes; `app.ts` imports this file lazily, on the first script request, so the app itself
 * stays free of Node imports.
 */

import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { ClerkJsSource } from '../context.ts'

/**
 * `@clerk/clerk-js`, with any other major the project installs under an npm alias (a dependency of
 * the project's `package.json` written `npm:@clerk/clerk-js@…`) alongside it.
 */
export async function installedClerkJs(): Promise<ClerkJsSource> {
  const name = '@clerk/clerk-js'
  const root = await packageRoot(name)
  const source = await installedDist(name, root)
  // <project>/node_modules/@clerk/clerk-js
  const modules = path.dirname(path.dirname(root))
  const project = JSON.parse(
    await readFile(path.join(modules, '..', 'package.json'), 'utf8').catch(() => '{}'),
  ) as Record<string, Record<string, string> | undefined>
  const aliases = Object.entries({ ...project.dependencies, ...project.devDependencies })
    .filter(([, spec]) => spec.startsWith(`npm:${name}@`))
    .map(([alias]) => installedDist(name, path.join(modules, alias)).catch(() => null))
  const alongside = (await Promise.all(aliases)).filter((other) => other !== null)
  return alongside.length ? { ...source, alongside } : source
}

export function installedClerkUi(): Promise<ClerkJsSource> {
  return installedDist('@clerk/ui')
}

/** The top-level files of a package's `dist/` folder, served from memory after the first read. */
async function installedDist(name: string, root?: string): Promise<ClerkJsSource> {
  root ??= await packageRoot(name)
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    name: string
    version: string
  }
  if (manifest.name !== name) throw new Error(`${root} is not ${name}`)
  const dist = path.join(root, 'dist')
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

/**
 * The folder of an installed package. Neither package exports `./package.json`, so this resolves its
 * entry and walks up to the `package.json` that names it.
 */
async function packageRoot(name: string): Promise<string> {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name))
  for (;;) {
    const manifest = await readFile(path.join(dir, 'package.json'), 'utf8').catch(() => null)
    if (manifest !== null && (JSON.parse(manifest) as { name?: string }).name === name) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`cannot find the package.json of ${name}`)
    dir = parent
  }
}
