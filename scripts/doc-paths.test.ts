/**
 * The docs name files as they are: every repository path quoted in backticks in the READMEs and
 * the decision records (`server/node/start.ts`, `demo/page/`, `emulator/routes/`) exists, so a
 * move that forgets a doc fails here. A path counts when it starts at a top-level folder of the
 * project; the emulator's README may also name files relative to `emulator/`. Globs are skipped.
 *
 * Code comments name files too ("the Node layer is `server/node/start.ts`"), so the same check reads
 * every comment of the project's own .ts/.js/.mjs files (not node_modules, dist or test fixtures):
 * a path there, quoted or not, that starts at a top-level folder must exist. A file in an example
 * app may also name files relative to that app (`examples/vue-vite/`).
 *
 * The same docs link only to headings they have (`[in your own form](#entering-the-date-and-in-your-own-form)`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import ts from 'typescript'
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

  it('links only to headings it has', () => {
    const anchors = new Set(headingAnchors(text))
    const links = [...text.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]!)
    expect(links.filter((link) => !anchors.has(link))).toEqual([])
  })
})

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as `-`. */
export function headingAnchors(markdown: string): string[] {
  return [...markdown.matchAll(/^#{1,6} +(.+)$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-'),
  )
}

describe('heading anchors', () => {
  it('are made as GitHub makes them', () => {
    expect(
      headingAnchors('## Entering the date, and in your own form\n### `<birthday-editor>` API'),
    ).toEqual(['entering-the-date-and-in-your-own-form', 'birthday-editor-api'])
  })
})

const SKIP = new Set(['node_modules', 'dist', 'fixtures', '.git', '.next', 'test-results'])

/** The project's own source files, as paths from the root. */
function sourceFiles(dir = ''): string[] {
  return readdirSync(new URL(dir || '.', root), { withFileTypes: true }).flatMap((entry) => {
    const path = dir + entry.name
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(`${path}/`)
    return /\.(?:ts|tsx|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path]
      : []
  })
}

/** The text of every comment in a file, found by TypeScript's parser (not in strings or URLs). */
function comments(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false)
  const found = new Map<number, string>()
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) found.set(range.pos, text.slice(range.pos, range.end))
  }
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()))
    collect(ts.getTrailingCommentRanges(text, node.getEnd()))
    node.forEachChild(visit)
  }
  visit(source)
  collect(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()))
  return [...found.values()]
}

/** Path-like words in a comment that start at a top-level folder: `server/node/start.ts`, `demo/page/`. */
function commentPaths(comment: string): string[] {
  const tokens = [
    ...comment.matchAll(/(?<![\w.@/:-])([a-z][\w-]*\/[\w.@[\]-]*(?:\/[\w.@[\]-]+)*\/?)/g),
  ]
    .map((m) => m[1]!.replace(/[.]+$/, ''))
    .filter((token) => TOP.includes(token.split('/')[0]!) && !token.includes('*'))
  return [...new Set(tokens)]
}

describe('code comments', () => {
  const files = sourceFiles()
  it('reads the project’s source files', () => {
    expect(files).toContain('scripts/doc-paths.test.ts')
    expect(files.some((file) => file.includes('node_modules/'))).toBe(false)
  })

  it('name only paths that exist', () => {
    const named = files.flatMap((file) => {
      const app = /^examples\/[^/]+\//.exec(file)?.[0]
      const bases = app ? ['', app] : ['']
      return comments(file, readFileSync(new URL(file, root), 'utf8'))
        .flatMap(commentPaths)
        .map((path) => ({ file, path, bases }))
    })
    expect(named.length).toBeGreaterThan(20)
    const missing = named
      .filter(({ path, bases }) => !bases.some((base) => existsSync(new URL(base + path, root))))
      .map(({ file, path }) => `${file}: ${path}`)
    expect(missing).toEqual([])
  })
})
