/**
 * The packed package works where a user installs it: `npm pack` the built package, install the
 * tarball into a scratch project (dependencies from npm's cache or registry), and use every entry
 * point from there, in Node and with TypeScript. Run by `npm run test:package` after `npm run build`.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repo = resolve('.')
let scratch = ''

function run(command: string, args: string[], cwd = scratch): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/**
 * Type-checks `file` in the scratch project (strict, NodeNext, every library checked) with this
 * repository's TypeScript; returns the diagnostics, '' when there are none.
 */
async function typecheck(file: string, options: Record<string, unknown> = {}): Promise<string> {
  const config = `tsconfig.${file}.json`
  await writeFile(
    join(scratch, config),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        types: [],
        skipLibCheck: false,
        ...options,
      },
      files: [file],
    }),
  )
  try {
    run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', config])
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'birthday-editor-pack-'))
  run('npm', ['pack', '--silent', '--pack-destination', scratch], repo)
  const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'))
  if (!tarball) throw new Error('npm pack made no tarball')
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  )
  run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    `./${tarball}`,
  ])
}, 180_000)

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

describe('the packed package', () => {
  it('ships exactly the allowlisted files: built code, typings, manifest, READMEs', () => {
    // Each shipped file must match one pattern, and each pattern must match a shipped file.
    const allowlist: [string, RegExp][] = [
      ['the element, built', /^dist\/src\/[\w.-]+\.(js|d\.ts)$/],
      ['the handler, built', /^dist\/server\/[\w.-]+\.(js|d\.ts)$/],
      ['the emulator, built', /^dist\/emulator\/([\w-]+\/)*[\w.-]+\.(js|d\.ts)$/],
      ['the single-file bundle', /^dist\/birthday-editor\.js$/],
      ['the framework typings', /^types\/(attributes|react|vue|svelte)\.d\.ts$/],
      ['the custom elements manifest', /^custom-elements\.json$/],
      ['the READMEs and package.json', /^(README\.md|emulator\/README\.md|package\.json)$/],
    ]
    const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--silent'], repo)) as [
      { files: { path: string }[] },
    ]
    const files = packed.files.map((file) => file.path)
    const unlisted = files.filter((path) => !allowlist.some(([, pattern]) => pattern.test(path)))
    const unused = allowlist.filter(([, pattern]) => !files.some((path) => pattern.test(path)))
    expect(unlisted, 'shipped files that no allowlist entry names').toEqual([])
    expect(
      unused.map(([what]) => what),
      'allowlist entries that match nothing',
    ).toEqual([])
    // Nothing test-only, whatever folder it is in.
    expect(files.filter((path) => /\.test|test-helper|testing\/|\.check\./.test(path))).toEqual([])
  })

  it('imports every entry point in Node and runs the handler against the emulator', async () => {
    await writeFile(
      join(scratch, 'check.mjs'),
      `
import { BirthdayEditorElement, checkBirthday } from 'birthday-editor'
import { createBirthdayHandler } from 'birthday-editor/server'
import { createEmulator } from 'birthday-editor/emulator'
import { startEmulator } from 'birthday-editor/emulator/node'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const manifest = require('birthday-editor/custom-elements.json')
const emulator = await startEmulator()
const handler = createBirthdayHandler({
  secretKey: emulator.config.secretKey,
  jwtKey: emulator.config.jwtKey,
  apiUrl: emulator.config.apiUrl,
  allowedOrigins: ['http://localhost:3000'],
  logger: () => {},
})
const post = (headers) =>
  handler(new Request('http://localhost:3000/api/update-user-metadata', { method: 'POST', headers, body: '{}' }))
const noToken = await post({ origin: 'http://localhost:3000', 'content-type': 'application/json' })
const foreign = await post({ origin: 'http://evil.test', 'content-type': 'application/json' })
const inProcess = await createEmulator()
const jwks = await inProcess.fetch(new Request('http://x/api/v1/jwks', {
  headers: { authorization: 'Bearer ' + inProcess.config('http://x').secretKey },
}))
await emulator.close()
console.log(JSON.stringify({
  element: typeof BirthdayEditorElement,
  leapDay: checkBirthday('2023-02-29'),
  noToken: noToken.status,
  foreign: foreign.status,
  jwks: (await jwks.json()).keys.length,
  tag: manifest.modules[0].declarations[0].tagName,
}))
`,
    )
    const result = JSON.parse(run(process.execPath, ['check.mjs'])) as Record<string, unknown>
    expect(result).toEqual({
      element: 'function',
      leapDay: 'format',
      noToken: 401,
      foreign: 403,
      jwks: 1,
      tag: 'birthday-editor',
    })
  }, 60_000)

  it('registers the tag through ./define and through the single-file bundle, in a DOM', async () => {
    // happy-dom from this repository stands in for a browser; the package under test is the packed one.
    const happyDom = join(repo, 'node_modules/happy-dom/lib/index.js')
    await writeFile(
      join(scratch, 'dom.mjs'),
      `
import { Window } from ${JSON.stringify(happyDom)}
const install = () => {
  const window = new Window({ url: 'http://localhost:3000/' })
  for (const name of ['window', 'document', 'customElements', 'HTMLElement', 'Event', 'CSSStyleSheet']) {
    globalThis[name] = name === 'window' ? window : window[name]
  }
  return window
}
install()
const { BirthdayEditorElement } = await import('birthday-editor')
await import('birthday-editor/define')
const viaDefine = customElements.get('birthday-editor') === BirthdayEditorElement
const element = document.createElement('birthday-editor')
document.body.append(element)
const parts = [...element.shadowRoot.querySelectorAll('[part]')].map((node) => node.getAttribute('part'))
install()
await import('birthday-editor/bundle')
const bundled = customElements.get('birthday-editor')
console.log(JSON.stringify({ viaDefine, parts, bundled: typeof bundled, distinct: bundled !== BirthdayEditorElement }))
process.exit(0)
`,
    )
    const result = JSON.parse(run(process.execPath, ['dom.mjs'])) as Record<string, unknown>
    expect(result).toEqual({
      viaDefine: true,
      parts: ['form', 'label', 'current-value', 'input', 'save-button', 'remove-button', 'message'],
      bundled: 'function',
      distinct: true,
    })
  }, 60_000)

  it('type-checks a TypeScript consumer against the shipped .d.ts files', async () => {
    await writeFile(
      join(scratch, 'consumer.ts'),
      `
import { BirthdayEditorElement, type BirthdayEditorStatus } from 'birthday-editor'
import 'birthday-editor/define'
import { createBirthdayHandler, type BirthdayHandler } from 'birthday-editor/server'
import type { EmulatorConfig } from 'birthday-editor/emulator'
const status: BirthdayEditorStatus = 'saving'
const handler: BirthdayHandler = createBirthdayHandler({ secretKey: 'sk_test_x', allowedOrigins: [] })
declare const config: EmulatorConfig
export const used = [status, handler, config.proxyUrl, BirthdayEditorElement.observedAttributes]
document.querySelector('birthday-editor')?.addEventListener('birthday-editor-saved', (e) => e.birthday)
`,
    )
    expect(await typecheck('consumer.ts')).toBe('')
  }, 60_000)

  it('types the tag and its events in React 19, Vue and Svelte from the shipped typings', async () => {
    // The frameworks' own types come from this repository (linked, as a user's project has them
    // installed); the typings under test are the packed ones.
    for (const name of ['@types/react', 'csstype', 'vue', 'svelte']) {
      const link = join(scratch, 'node_modules', name)
      await mkdir(dirname(link), { recursive: true })
      await symlink(join(repo, 'node_modules', name), link, 'dir').catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw error
      })
    }
    // The repository's own compile-time checks of the typings, pointed at the packed package.
    const checks = await readFile(join(repo, 'types/frameworks.check.tsx'), 'utf8')
    const packed = checks.replace(
      /from '\.\/(react|vue|svelte)\.d\.ts'/g,
      "from 'birthday-editor/$1'",
    )
    expect(packed.match(/from 'birthday-editor\/(react|vue|svelte)'/g)).toHaveLength(3)
    await writeFile(join(scratch, 'frameworks.tsx'), packed)
    expect(await typecheck('frameworks.tsx', { jsx: 'react-jsx' })).toBe('')
  }, 60_000)
})
