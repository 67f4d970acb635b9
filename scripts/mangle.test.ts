/**
 * The properties the shipped code renames (`INTERNAL_PROPS` in bundle.ts) are ours alone: none is a
 * name of the DOM or of ECMAScript (TypeScript's own lib files), of the element's public surface
 * (attributes, properties, events, Clerk's objects as the element reads them), or read by name
 * (`defaultStrings` keys and their `{placeholders}`). And the list works: the bundle has none of
 * them left as a property.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultStrings, PRIMITIVES } from '../src/birthday-editor.ts'
import { bundleElement, INTERNAL_PROPS } from './bundle.ts'

/** Member names declared in a `.d.ts` or `.ts` file (`name:`, `name?:`, `name(`, `readonly name`). */
const members = (source: string) =>
  [...source.matchAll(/^\s+(?:readonly\s+|get\s+|set\s+)?(\w+)\??\s*[:(<]/gm)].map(
    ([, name]) => name!,
  )

const libDir = dirname(createRequire(import.meta.url).resolve('typescript/lib/lib.dom.d.ts'))
const platform = new Set(
  readdirSync(libDir)
    .filter((file) => /^lib\..*\.d\.ts$/.test(file))
    .flatMap((file) => members(readFileSync(join(libDir, file), 'utf8'))),
)
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

describe('the properties the shipped code renames', () => {
  it('reads the platform names it guards against', () => {
    for (const name of ['textContent', 'setValidity', 'remove', 'restore', 'host', 'anchor'])
      expect(platform).toContain(name)
  })

  it.each(INTERNAL_PROPS)('%s is no DOM or ECMAScript name', (name) => {
    expect(platform.has(name)).toBe(false)
  })

  it('are no public name and nothing read by name', () => {
    const publicNames = new Set([
      ...Object.keys(PRIMITIVES),
      ...Object.keys(defaultStrings),
      ...Object.values(defaultStrings).flatMap((text) =>
        [...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!),
      ),
      ...members(read('src/events.ts')),
      ...members(read('src/clerk-port.ts')),
      // Tab sync's message, and the names the element's header documents.
      'subject',
      'birthday',
      ...[
        ...read('src/birthday-editor.ts').matchAll(
          /^ \* @(?:prop|method)\s+(?:\{[^}]+\}\s+)?(\w+)/gm,
        ),
      ].map(([, name]) => name!),
    ])
    expect(publicNames.size).toBeGreaterThan(60)
    expect(INTERNAL_PROPS.filter((name) => publicNames.has(name))).toEqual([])
  })

  it('are all renamed in the bundle', async () => {
    const code = await bundleElement()
    expect(INTERNAL_PROPS.filter((name) => new RegExp(`\\.${name}\\b`).test(code))).toEqual([])
  })
})
