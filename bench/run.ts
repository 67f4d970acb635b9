/**
 * `npm run bench`: every benchmark, printed as tables with the machine they ran on. Figures, never
 * assertions. Needs the built demo (`npm run bench` builds first). Bounded in count and time; all
 * traffic stays on loopback.
 */
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { chromium, firefox } from '@playwright/test'
import { measureElement } from '../scripts/bundle.ts'
import { chromiumLaunchOptions } from '../test/support/chromium.ts'
import { firefoxLaunchOptions } from '../test/support/firefox.ts'
import { benchElement } from './element.ts'
import { benchElementWebKit } from './element-webkit.ts'
import { benchEmulator } from './emulator.ts'
import { benchEmulatorLoad } from './emulator-load.ts'
import { printTable } from './table.ts'

const browser = await chromium.launch(chromiumLaunchOptions())
const chromiumVersion = browser.version()
await browser.close()
const gecko = await firefox.launch({ channel: 'moz-firefox', ...firefoxLaunchOptions() })
const firefoxVersion = gecko.version()
await gecko.close()
const cpu = cpus()
printTable('Machine', [
  ['CPU', `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`],
  ['memory', `${Math.round(totalmem() / 2 ** 30)} GiB`],
  ['Node.js', process.version],
  ['Chromium', chromiumVersion],
  ['Firefox', firefoxVersion],
])

const sizes = await measureElement()
printTable('Element size (dist/birthday-editor.js, minified + gzip -9)', [
  ['shipped, validation included; budget 8192 B', `${sizes.shipped} B`],
  ['zod in the bundle (the rule ships without it)', sizes.zod ? 'yes' : 'no'],
  ['shipped, minified, before gzip', `${sizes.shippedRaw} B`],
  ['ClerkJS markers in the bundle', sizes.clerkMarkers],
])

printTable('<birthday-editor> in Chromium (built demo, loopback)', await benchElement())
printTable(
  `<birthday-editor> in Firefox ${firefoxVersion} (built demo, loopback)`,
  await benchElement('firefox'),
)
const webkit = await benchElementWebKit()
printTable(
  `<birthday-editor> in WebKitGTK ${webkit.version} (built demo, loopback; its clock has 1 ms steps)`,
  webkit.rows,
)
printTable('Emulator, through ClerkJS in Chromium', await benchEmulator())
printTable('Emulator as its own process (compiled bin, no browser)', await benchEmulatorLoad())

// The handler bench replaces the global fetch before @clerk/backend loads: its own process.
console.log('\nHandler (Backend API answered in-process; per phase 6 s warm-up, 1 s measured)')
const handler = execFileSync(process.execPath, ['--import', 'tsx', 'bench/handler.ts'], {
  encoding: 'utf8',
})
console.log(handler.replace(/^/gm, '  ').trimEnd())

// The load bench serves from a child process of its own and measures that process's CPU.
console.log(
  '\nHandler under load (its Node adapter vs bare node:http + @clerk/backend, loopback; ' +
    'alternating 1.5 s slices after 3 s warm-up)',
)
const underLoad = execFileSync(process.execPath, ['--import', 'tsx', 'bench/handler-load.ts'], {
  encoding: 'utf8',
})
console.log(underLoad.replace(/^/gm, '  ').trimEnd())
