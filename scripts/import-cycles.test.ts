/**
 * No import cycle inside any room: the product code of `src/`, `server/`, `emulator/` and `demo/`
 * (tests and `testing/` helpers aside) forms a graph that only flows one way, so each file can be
 * read after the files it imports. Type-only imports count too: a cycle through types is still two
 * files that each need the other to be read. The rooms' boundaries (what may import what) are
 * ESLint's, in `eslint.config.js`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const ROOMS = ['src', 'server', 'emulator', 'demo']

/** The room's product files, as paths from the project's root. */
function productFiles(room: string): string[] {
  return readdirSync(join(root, room), { recursive: true, encoding: 'utf8' })
    .map((file) => join(room, file))
    .filter((file) => /\.ts$/.test(file) && !/\.test\.ts$|\.d\.ts$|(^|\/)testing\//.test(file))
}

/** Each file's relative imports that land on another product file. */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files)
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(
        readFileSync(join(root, file), 'utf8'),
        true,
        true,
      )
      const targets = importedFiles
        .map(({ fileName }) => fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => normalize(join(dirname(file), name)))
        .filter((target) => known.has(target))
      return [file, targets]
    }),
  )
}

/** Every cycle a depth-first walk meets, each written `a.ts → b.ts → a.ts`. */
export function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = []
  const done = new Set<string>()
  const path: string[] = []
  const visit = (file: string): void => {
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      const at = path.indexOf(next)
      if (at >= 0) found.push([...path.slice(at), next].join(' → '))
      else if (!done.has(next)) visit(next)
    }
    path.pop()
    done.add(file)
  }
  for (const file of graph.keys()) if (!done.has(file)) visit(file)
  return found
}

describe('imports', () => {
  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(cycles(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts'])
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([])
  })

  it.each(ROOMS)('%s/ has no import cycle', (room) => {
    const files = productFiles(room)
    const graph = importGraph(files)
    expect(files.length).toBeGreaterThan(3)
    expect([...graph.values()].flat().length, 'imports read').toBeGreaterThan(0)
    expect(cycles(graph)).toEqual([])
  })

  it('has no cycle across the rooms either', () => {
    expect(cycles(importGraph(ROOMS.flatMap(productFiles)))).toEqual([])
  })
})
