/**
 * The self-registering single-file bundle of the element (`dist/birthday-editor.js`, for a plain
 * `<script type="module">`), and the size figures the budget test and the benchmark read. Bundled
 * by esbuild, then compressed again by terser, which finds what one pass misses (about 170 B of
 * min+gzip on this element). (Vite's library mode keeps whitespace in ES output, so it is not used
 * for this file.)
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { build, transform } from 'esbuild'
import { minify } from 'terser'

export const BUNDLE_FILE = 'dist/birthday-editor.js'

/**
 * Property names used only inside the element's own objects (its edit, view, controllers, checked
 * entries, save settings), which the minifier cannot rename by itself: the shipped code renames
 * them (esbuild's `mangleProps`), in the bundle and in `dist/src` alike. None is a DOM or
 * ECMAScript name, a public name, a string of `defaultStrings` or a `{placeholder}`, or anything
 * read by name; scripts/mangle.test.ts checks. A name left off the list is simply not renamed.
 */
export const INTERNAL_PROPS = [
  'problem',
  'faulty',
  'stored',
  'missed',
  'typed',
  'tokenClaim',
  'optimistic',
  'shown',
  'fieldFor',
  'texts',
  'listen',
  'enter',
  'leave',
  'restored',
  'hold',
  'safely',
  'unusable',
  'iso',
  'edit',
  'native',
  'onStored',
  'failure',
  'given',
  'settings',
  'internals',
  'paste',
  'render',
  'change',
  'token',
  'restoreState',
  'formState',
  'typedEntry',
  'fillParts',
  'showValue',
  'onSubmit',
  'onInput',
  'onRemove',
  'openPort',
  'closePort',
  'onClerkChange',
  'whileLoading',
  'onReady',
  'watchOnline',
  'clearPending',
  'publish',
  'showStates',
  'savedValue',
  'inFlight',
  'verdict',
  'sent',
  'entered',
  'langTag',
  'overrides',
  'inactive',
  'attrs',
]

const mangleProps = new RegExp(`^(?:${INTERNAL_PROPS.join('|')})$`)

/** Builds `src/define.ts` into one minified ES module: its code and the names it gave. */
async function buildElement(): Promise<{
  code: string
  mangleCache: Record<string, string | false>
}> {
  const result = await build({
    entryPoints: ['src/define.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    mangleProps,
  })
  const file = result.outputFiles[0]
  if (!file) throw new Error('the element bundle produced no output')
  const { code } = await minify(file.text, {
    module: true,
    ecma: 2020,
    compress: { passes: 3 },
    format: { comments: false },
  })
  if (!code) throw new Error('terser produced no output for the element bundle')
  return { code, mangleCache: result.mangleCache ?? {} }
}

/** Builds `src/define.ts` into one minified ES module and returns its code. */
export async function bundleElement(): Promise<string> {
  return (await buildElement()).code
}

/**
 * Writes {@link BUNDLE_FILE}, then renames the same properties to the same names in the modules
 * tsc wrote to `dist/src` (not minified), so that both ship the same code.
 */
export async function writeBundle(): Promise<void> {
  await mkdir('dist', { recursive: true })
  const { code, mangleCache } = await buildElement()
  await writeFile(BUNDLE_FILE, code)
  let cache = mangleCache
  for (const name of (await readdir('dist/src')).filter((file) => file.endsWith('.js')).sort()) {
    const path = `dist/src/${name}`
    const result = await transform(await readFile(path, 'utf8'), {
      format: 'esm',
      target: 'es2022',
      mangleProps,
      mangleCache: cache,
    })
    await writeFile(path, result.code)
    cache = result.mangleCache ?? cache
  }
}

export const gzipSize = (code: string): number => gzipSync(code, { level: 9 }).length

/** Strings found only in ClerkJS's code: any of them in our bundle means ClerkJS was bundled. */
export const CLERK_JS_MARKERS = ['__clerk_api_version', 'ClerkAPIResponseError', 'clerk_js_version']

/**
 * A string only zod's code has (its internals live under `_zod`): the element ships the birthday
 * rule of `src/birthday.ts` without zod, which only the server's body parsing uses.
 */
export const ZOD_MARKER = '_zod'

export interface ElementSizes {
  /** Minified + gzip bytes of the element as shipped, validation included. */
  shipped: number
  /** Minified bytes of the shipped bundle, before gzip. */
  shippedRaw: number
  /** ClerkJS markers found in the shipped bundle (0 is the only right answer). */
  clerkMarkers: number
  /** Whether zod's code is in the bundle (it should not be). */
  zod: boolean
}

export async function measureElement(): Promise<ElementSizes> {
  const shipped = await bundleElement()
  return {
    shipped: gzipSize(shipped),
    zod: shipped.includes(ZOD_MARKER),
    shippedRaw: shipped.length,
    clerkMarkers: CLERK_JS_MARKERS.filter((marker) => shipped.includes(marker)).length,
  }
}
