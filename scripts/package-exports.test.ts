/**
 * `package.json`'s export map says only what resolvers read: each entry is a path or an object of
 * conditions that Node, bundlers and TypeScript know (`types`, `import`, `require`, `node`, `browser`,
 * `default`). Anything else there (a `bin` block, say) means nothing to any of them; the command is
 * the top-level `bin`.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const CONDITIONS = ['types', 'import', 'require', 'node', 'browser', 'default']

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | Record<string, unknown>>
  bin: Record<string, string>
}

describe('package.json exports', () => {
  it.each(Object.entries(pkg.exports))(
    '%s names only known conditions, each a path',
    (_, entry) => {
      if (typeof entry === 'string') return expect(entry).toMatch(/^\.\//)
      expect(Object.keys(entry).filter((key) => !CONDITIONS.includes(key))).toEqual([])
      for (const target of Object.values(entry)) expect(target).toMatch(/^\.\//)
    },
  )

  it('keeps the command in the top-level bin', () => {
    expect(pkg.bin).toEqual({ 'birthday-editor': './dist/bin/birthday-editor.js' })
  })
})
