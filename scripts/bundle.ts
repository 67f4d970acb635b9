/**
 * The self-registering single-file bundle of the element (`dist/birthday-editor.js`, for a plain
 * `<script type="module">`), and the size figures the budget test and the benchmark read. Built
 * with esbuild, minified as shipped. (Vite's library mode keeps whitespace in ES output, so it is
 * not used for this file.)
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

export const BUNDLE_FILE = 'dist/birthday-editor.js'

/** Builds `src/define.ts` into one minified ES module and returns its code. */
export async function bundleElement(): Promise<string> {
  const result = await build({
    entryPoints: ['src/define.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    legalComments: 'none',
  })
  const file = result.outputFiles[0]
  if (!file) throw new Error('the element bundle produced no output')
  return file.text
}

/** Writes {@link BUNDLE_FILE}. */
export async function writeBundle(): Promise<void> {
  await mkdir('dist', { recursive: true })
  await writeFile(BUNDLE_FILE, await bundleElement())
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
