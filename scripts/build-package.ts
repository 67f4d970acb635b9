/**
 * Builds the package after the demo build: unbundled ES modules with `.d.ts` files for `src/`,
 * `server/` and `emulator/` (tsc), the self-registering single-file bundle, and
 * `custom-elements.json`. Run by `npm run build`.
 */
import { execFileSync } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { BUNDLE_FILE, writeBundle } from './bundle.ts'
import { buildManifest } from './manifest.ts'

for (const path of ['dist/src', 'dist/server', 'dist/emulator', 'dist/bin', BUNDLE_FILE]) {
  await rm(path, { recursive: true, force: true })
}
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
})
await writeBundle()
await writeFile('custom-elements.json', `${JSON.stringify(await buildManifest(), null, 2)}\n`)
console.log(
  `package built: dist/src, dist/server, dist/emulator, dist/bin, ${BUNDLE_FILE}, custom-elements.json`,
)
