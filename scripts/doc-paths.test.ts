/**
 * The docs name files as they are: every repository path quoted in backticks in the READMEs and
 * the decision records (`server/node/start.ts`, `demo/page/`, `emulator/routes/`) exists, so a
 * move that forgets a doc fails here. A path counts when it starts at a top-level folder of the
 * project; the emulator's README may also name files relative to `emulator/`. Globs are skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url)
const TOP = [
  'src',
  'server',
  'emulator',
  'demo',
  'test',
  'scripts',
  'bench',
  'bin',
  'types',
  'docs',
]

const DOCS: { file: string; bases: string[] }[] = [
  { file: 'README.md', bases: [''] },
  { file: 'test/README.md', bases: [''] },
  { file: 'emulator/README.md', bases: ['', 'emulator/'] },
  ...readdirSync(new URL('docs/decisions/', root))
    .filter((name) => name.endsWith('.md'))
    .map((name) => ({ file: `docs/decisions/${name}`, bases: [''] })),
]

/** Path-like tokens in backticks: `a/b.ts`, `a/b/`, `b.test.ts` (a file name with an extension). */
function quotedPaths(text: string): string[] {
  const tokens = [...text.matchAll(/`([\w.@[\]-]+(?:\/[\w.@[\]-]+)*\/?)`/g)].map((m) => m[1]!)
  return [...new Set(tokens)].filter(
    (token) => TOP.includes(token.split('/')[0]!) && token.includes('/') && !token.includes('*'),
  )
}

describe.each(DOCS)('$file', ({ file, bases }) => {
  const text = readFileSync(new URL(file, root), 'utf8')
  it('names only paths that exist', () => {
    const paths = quotedPaths(text)
    if (file.endsWith('README.md')) expect(paths.length).toBeGreaterThan(5)
    const missing = paths.filter(
      (path) => !bases.some((base) => existsSync(new URL(base + path, root))),
    )
    expect(missing).toEqual([])
  })
})
