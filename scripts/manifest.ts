/**
 * `custom-elements.json` (Custom Elements Manifest 2.1), generated from the element's header doc
 * comment, the one place its public surface is written down. Tools (IDEs, Storybook, framework type
 * generators) read it; it is built, never committed.
 */
import { readFile } from 'node:fs/promises'

const SOURCE = 'src/birthday-editor.ts'
const MODULE = 'dist/src/birthday-editor.js'
const DEFINE_MODULE = 'dist/src/define.js'

interface Tag {
  tag: string
  type?: string
  name: string
  defaultValue?: string
  description: string
}

/** `@tag {type} name - description` or `@tag {type} [name=default] - description`. */
const TAG = /^@(\w+)(?:\s+\{([^}]*)\})?\s+(\[[^\]]+\]|[^\s]+)(?:\s+-\s+(.*))?$/

export function parseHeader(source: string): { description: string; tags: Tag[] } {
  const start = source.indexOf('/**\n * `<birthday-editor>`')
  const end = source.indexOf('*/', start)
  if (start < 0 || end < 0) throw new Error(`no header doc comment in ${SOURCE}`)
  const lines = source
    .slice(start + 3, end)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd())
  const description: string[] = []
  const tags: Tag[] = []
  for (const line of lines) {
    if (!line.startsWith('@')) {
      if (tags.length === 0 && line) description.push(line)
      else if (line && tags.length > 0) tags[tags.length - 1]!.description += ` ${line}`
      continue
    }
    const match = TAG.exec(line)
    if (!match) throw new Error(`unreadable tag in ${SOURCE}: ${line}`)
    const [, tag = '', type, rawName = '', text = ''] = match
    const [name = '', defaultValue] = rawName.replace(/^\[|\]$/g, '').split('=')
    tags.push({
      tag,
      name,
      description: text,
      ...(type ? { type } : {}),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
    })
  }
  return { description: description.join(' '), tags }
}

export async function buildManifest(): Promise<object> {
  const { description, tags } = parseHeader(await readFile(SOURCE, 'utf8'))
  const of = (tag: string) => tags.filter((t) => t.tag === tag)
  const typed = (t: Tag) => (t.type ? { type: { text: t.type } } : {})
  const tagName = of('tagname')[0]?.name ?? 'birthday-editor'
  return {
    schemaVersion: '2.1.0',
    readme: 'README.md',
    modules: [
      {
        kind: 'javascript-module',
        path: MODULE,
        declarations: [
          {
            kind: 'class',
            name: 'BirthdayEditorElement',
            description,
            tagName,
            customElement: true,
            superclass: { name: 'HTMLElement' },
            attributes: of('attr').map((t) => ({
              name: t.name,
              ...typed(t),
              description: t.description,
              fieldName: t.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
            })),
            members: [
              ...of('prop').map((t) => ({
                kind: 'field',
                name: t.name,
                ...typed(t),
                description: t.description,
                ...(t.name === 'status' ? { readonly: true } : {}),
              })),
              ...of('method').map((t) => ({
                kind: 'method',
                name: t.name,
                description: t.description,
              })),
            ],
            events: of('fires').map((t) => ({
              name: t.name,
              ...typed(t),
              description: t.description,
            })),
            slots: of('slot').map((t) => ({ name: t.name, description: t.description })),
            cssParts: of('csspart').map((t) => ({ name: t.name, description: t.description })),
            cssProperties: of('cssprop').map((t) => ({
              name: t.name,
              description: t.description,
              ...(t.defaultValue ? { default: t.defaultValue } : {}),
            })),
            cssStates: of('cssstate').map((t) => ({ name: t.name, description: t.description })),
          },
        ],
        exports: [
          {
            kind: 'js',
            name: 'BirthdayEditorElement',
            declaration: { name: 'BirthdayEditorElement', module: MODULE },
          },
        ],
      },
      {
        kind: 'javascript-module',
        path: DEFINE_MODULE,
        declarations: [],
        exports: [
          {
            kind: 'custom-element-definition',
            name: tagName,
            declaration: { name: 'BirthdayEditorElement', module: MODULE },
          },
        ],
      },
    ],
  }
}
