/**
 * The emulator's figures as users run it: the compiled command (`dist/bin/birthday-editor.js emulator`,
 * what `npx birthday-editor emulator` runs from the installed package) started as its own process, so
 * the figures are the emulator's, not the bench's:
 * - cold start: spawned until it prints its first line (median of 3), without and with `--data`
 *   (with: a data file the first start wrote);
 * - session-token mints per second over loopback HTTP (`POST /v1/client/sessions/:id/tokens`, each a
 *   fresh RS256 signature, the request ClerkJS's `getToken({ skipCache: true })` makes) at
 *   concurrency 1 and 8 (8 signed-in clients), 3 s each after a 1 s warm-up;
 * - the emulator's CPU time per mint (read from the process, `GET /__emulator/process`) against one
 *   bare RS256 signature (WebCrypto, in this process, same machine);
 * - the emulator's RSS and heap before and after 10,000 mints, read from its process (GC forced there).
 * Needs `npm run build` first. Bounded in count and time; loopback only. Printed, never asserted.
 * Run alone with `npx tsx bench/emulator-load.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { TestBrowser } from '../emulator/testing/browser.ts'
import { median, printTable, type Row } from './table.ts'

const COLD_STARTS = 3
const PHASE_MS = 3000
const WARM_UP_MS = 1000
const MEMORY_MINTS = 10_000

const BIN = path.resolve('dist/bin/birthday-editor.js')
const SIGNATURES = 2000

interface Running {
  child: ChildProcess
  proxyUrl: string
  /** Milliseconds from spawn to the first line of output. */
  firstLineMs: number
}

/** Starts the compiled command with `--expose-gc`; resolves once it printed its proxy URL. */
async function startBin(args: string[]): Promise<Running> {
  const started = performance.now()
  const child = spawn(process.execPath, ['--expose-gc', BIN, 'emulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let firstLineMs = 0
  let output = ''
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no proxy URL within 60 s:\n${output}`)),
      60_000,
    )
    const read = (chunk: Buffer) => {
      if (firstLineMs === 0) firstLineMs = performance.now() - started
      output += chunk.toString()
      const proxyUrl = /^CLERK_PROXY_URL=(\S+)$/m.exec(output)?.[1]
      if (proxyUrl) {
        clearTimeout(timer)
        resolve({ child, proxyUrl, firstLineMs })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)))
  })
}

async function stopBin(running: Running): Promise<void> {
  const closed = new Promise((resolve) => running.child.once('close', resolve))
  running.child.kill('SIGTERM')
  await closed
}

async function coldStarts(args: string[]): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < COLD_STARTS; i += 1) {
    const running = await startBin(args)
    times.push(running.firstLineMs)
    await stopBin(running)
  }
  return median(times)
}

interface ProcessReport {
  memory: { rss: number; heapUsed: number }
  cpu: { user: number; system: number }
}

async function processReport(proxyUrl: string, gc = false): Promise<ProcessReport> {
  const response = await fetch(`${proxyUrl}/__emulator/process${gc ? '?gc' : ''}`)
  return (await response.json()) as ProcessReport
}

async function signedIn(proxyUrl: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const browser = new TestBrowser(proxyUrl)
      return { browser, sessionId: await browser.signIn() }
    }),
  )
}

/** Mints per second with `concurrency` clients minting back to back for `ms` (or `count` mints). */
async function mint(proxyUrl: string, concurrency: number, until: { ms?: number; count?: number }) {
  const clients = await signedIn(proxyUrl, concurrency)
  const deadline = performance.now() + (until.ms ?? Infinity)
  const limit = until.count ?? Infinity
  let started = 0
  let mints = 0
  const t0 = performance.now()
  await Promise.all(
    clients.map(async ({ browser, sessionId }) => {
      while (performance.now() < deadline && started < limit) {
        started += 1
        await browser.token(sessionId, true)
        mints += 1
      }
    }),
  )
  return { mints, perSecond: mints / ((performance.now() - t0) / 1000) }
}

/** CPU milliseconds of one bare RS256 signature of a token-sized payload (WebCrypto, this process). */
async function bareSignatureMs(): Promise<number> {
  const { privateKey } = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    false,
    ['sign'],
  )
  const data = new TextEncoder().encode('x'.repeat(600))
  for (let i = 0; i < 200; i += 1) await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, data)
  const before = process.cpuUsage()
  for (let i = 0; i < SIGNATURES; i += 1) {
    await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, data)
  }
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000 / SIGNATURES
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const cpuMs = (report: ProcessReport) => (report.cpu.user + report.cpu.system) / 1000

export async function benchEmulatorLoad(): Promise<Row[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'emulator-bench-'))
  try {
    const fresh = await coldStarts([])
    const dataFile = path.join(dir, 'state.json')
    await stopBin(await startBin(['--data', dataFile]))
    const kept = await coldStarts(['--data', dataFile])

    const running = await startBin([])
    try {
      const { proxyUrl } = running
      await mint(proxyUrl, 8, { ms: WARM_UP_MS })
      const one = await mint(proxyUrl, 1, { ms: PHASE_MS })
      const eight = await mint(proxyUrl, 8, { ms: PHASE_MS })

      // CPU per mint: the emulator's CPU time over a counted run at concurrency 1.
      const cpuBefore = await processReport(proxyUrl)
      const counted = await mint(proxyUrl, 1, { count: 2000 })
      const cpuAfter = await processReport(proxyUrl)
      // The sign-ins and the two reports are in the window too: a small overestimate.
      const perMint = (cpuMs(cpuAfter) - cpuMs(cpuBefore)) / counted.mints
      const signature = await bareSignatureMs()

      await fetch(`${proxyUrl}/__emulator/reset`, { method: 'POST' })
      const before = await processReport(proxyUrl, true)
      await mint(proxyUrl, 8, { count: MEMORY_MINTS })
      const after = await processReport(proxyUrl, true)
      return [
        [
          'cold start, compiled bin to its first line, no --data (median of 3)',
          `${fresh.toFixed(0)} ms`,
        ],
        ['cold start, with an existing --data file (median of 3)', `${kept.toFixed(0)} ms`],
        ['token mints per second, concurrency 1 (3 s, loopback HTTP)', one.perSecond.toFixed(0)],
        ['token mints per second, concurrency 8 (3 s, loopback HTTP)', eight.perSecond.toFixed(0)],
        ['emulator CPU per mint (2,000 mints, concurrency 1)', `${perMint.toFixed(2)} ms`],
        ['one bare RS256 signature (WebCrypto, this machine)', `${signature.toFixed(2)} ms`],
        ['CPU per mint ÷ bare signature', (perMint / signature).toFixed(2)],
        [
          'emulator heap before / after 10,000 mints (GC forced)',
          `${mib(before.memory.heapUsed)} / ${mib(after.memory.heapUsed)}`,
        ],
        [
          'emulator RSS before / after 10,000 mints',
          `${mib(before.memory.rss)} / ${mib(after.memory.rss)}`,
        ],
      ]
    } finally {
      await stopBin(running)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('Emulator as its own process (compiled bin, no browser)', await benchEmulatorLoad())
}
