/**
 * The element's public surface cannot drift: the header's `@attr` list, the README's attribute
 * table, `types/attributes.d.ts` and the property table in code (`PRIMITIVES`, typed by the class's
 * `declare` lines) name the same attributes with the same types; the README's strings table is
 * `defaultStrings`. (The error codes: see error-contract.test.ts.)
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { defaultStrings, PRIMITIVES } from '../src/birthday-editor.ts'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const element = read('src/birthday-editor.ts')
const readme = read('README.md')

/** One spelling per type: no spaces, no `null` (an absent attribute), quotes as `'`. */
const normal = (type: string) =>
  type
    .replace(/\s+/g, '')
    .replace(/"/g, "'")
    .replace(/\\\|/g, '|')
    .split('|')
    .filter((part) => part !== 'null')
    .sort()
    .join('|')

const attributeOf = (property: string) =>
  property === 'readOnly' ? 'readonly' : property.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())

/** attribute → type, from the element's header. */
function header(): Record<string, string> {
  const rows = [...element.matchAll(/^ \* @attr \{([^}]+)\} ([\w-]+) - /gm)]
  return Object.fromEntries(rows.map(([, type, name]) => [name!, normal(type!)]))
}

/** attribute → type, from the README's attribute table. */
function readmeTable(): Record<string, string> {
  const table = readme.slice(readme.indexOf('### Attributes'), readme.indexOf('### Properties'))
  const rows = [...table.matchAll(/^\| `([\w-]+)` \| `((?:[^`])+)` \|/gm)]
  return Object.fromEntries(rows.map(([, name, type]) => [name!, normal(type!)]))
}

/** attribute → type, from the framework typings (a number attribute also takes its string). */
function typings(): Record<string, string> {
  const source = read('types/attributes.d.ts')
  const body = source.slice(source.indexOf('interface BirthdayEditorAttributes'))
  const block = body.slice(0, body.indexOf('}'))
  const rows = [...block.matchAll(/^\s+'?([\w-]+)'?\?: ([^\n]+)$/gm)]
  return Object.fromEntries(
    rows.map(([, name, type]) => [name!, normal(type!).replace('number|string', 'number')]),
  )
}

/** attribute → type, from the code: `PRIMITIVES` names them, the class's `declare` lines type them. */
function code(): Record<string, string> {
  const declared = Object.fromEntries(
    [...element.matchAll(/^ {2}declare (\w+): ([^\n]+)$/gm)].map(([, name, type]) => [
      name!,
      normal(type!),
    ]),
  )
  const entries = Object.keys(PRIMITIVES).map((property) => [
    attributeOf(property),
    declared[property] ?? `(no declare line for ${property})`,
  ])
  // `lang` is observed too; its property is HTMLElement's own `lang: string`.
  return { ...Object.fromEntries(entries), lang: 'string' }
}

describe('the attributes', () => {
  it('are the same, with the same types, in the header, README, typings and code', () => {
    const fromCode = code()
    expect(Object.keys(fromCode).length).toBeGreaterThan(10)
    expect(header()).toEqual(fromCode)
    expect(readmeTable()).toEqual(fromCode)
    expect(typings()).toEqual(fromCode)
  })

  it('are all observed by the element', async () => {
    const { BirthdayEditorElement } = await import('../src/birthday-editor.ts')
    expect([...BirthdayEditorElement.observedAttributes].sort()).toEqual(Object.keys(code()).sort())
  })
})

describe('the strings', () => {
  it('are listed in the README, every key with its English default, and no other', () => {
    const table = readme.slice(readme.indexOf('### Strings'), readme.indexOf('### Events'))
    const rows = [...table.matchAll(/^\| `([\w-]+)` \| ([^|]+?) \|/gm)]
    expect(Object.fromEntries(rows.map(([, key, text]) => [key!, text!]))).toEqual(defaultStrings)
  })
})
