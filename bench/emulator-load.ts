/**
 * The emulator's figures a test suite cares about, without a browser:
 * - cold start: `npm run emulator -- --port 0` spawned until it prints its first line (median of 3);
 * - session-token mints per second over loopback HTTP (`POST /v1/client/sessions/:id/tokens`, each a
 *   fresh RS256 signature, the request ClerkJS's `getToken({ skipCache: true })` makes) at
 *   concurrency 1 and 8 (8 signed-in clients), 3 s each after a 1 s warm-up;
 * - the heap after 10,000 mints (after a forced GC), against the heap before them.
 * Bounded in count and time; loopback only. Printed, never asserted.
 * Run alone with `npx tsx bench/emulator-load.ts`.
 */
import { spawn } from 'node:child_process'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startEmulator, type StartedEmulator } from '../emulator/node/start.ts'
import { TestBrowser } from '../emulator/testing/browser.ts'
import { median, printTable, type Row } from './table.ts'

const COLD_STARTS = 3
const PHASE_MS = 3000
const WARM_UP_MS = 1000
const MEMORY_MINTS = 10_000

/** Milliseconds from spawning `npm run emulator` to its first byte of output (stdout or stderr). */
async function coldStart(): Promise<number> {
  const started = performance.now()
  const child = spawn('npm', ['run', '-s', 'emulator', '--', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no output within 60 s')), 60_000)
      const first = () => {
        clearTimeout(timer)
        resolve(performance.now() - started)
      }
      child.stdout.once('data', first)
      child.stderr.once('data', first)
      child.once('error', reject)
    })
  } finally {
    // The npm → tsx → node chain is one process group: end all of it.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM')
    await new Promise((resolve) => child.once('close', resolve))
  }
}

async function signedIn(emulator: StartedEmulator, count: number) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const browser = new TestBrowser(emulator.config.proxyUrl)
      return { browser, sessionId: await browser.signIn() }
    }),
  )
}

/** Mints per second with `concurrency` clients minting back to back for `ms`. */
async function mintRate(emulator: StartedEmulator, concurrency: number, ms: number) {
  const clients = await signedIn(emulator, concurrency)
  const until = performance.now() + ms
  let mints = 0
  const started = performance.now()
  await Promise.all(
    clients.map(async ({ browser, sessionId }) => {
      while (performance.now() < until) {
        await browser.token(sessionId, true)
        mints += 1
      }
    }),
  )
  return mints / ((performance.now() - started) / 1000)
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
  gc()
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

export async function benchEmulatorLoad(): Promise<Row[]> {
  const starts: number[] = []
  for (let i = 0; i < COLD_STARTS; i += 1) starts.push(await coldStart())

  const emulator = await startEmulator()
  try {
    await mintRate(emulator, 8, WARM_UP_MS)
    const one = await mintRate(emulator, 1, PHASE_MS)
    const eight = await mintRate(emulator, 8, PHASE_MS)

    await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' })
    const clients = await signedIn(emulator, 8)
    collectGarbage()
    const before = process.memoryUsage().heapUsed
    let next = 0
    await Promise.all(
      clients.map(async ({ browser, sessionId }) => {
        while (next < MEMORY_MINTS) {
          next += 1
          await browser.token(sessionId, true)
        }
      }),
    )
    collectGarbage()
    const after = process.memoryUsage()
    return [
      [
        'cold start: npm run emulator to its first line, median of 3',
        `${median(starts).toFixed(0)} ms`,
      ],
      ['token mints per second, concurrency 1 (3 s, loopback HTTP)', one.toFixed(0)],
      ['token mints per second, concurrency 8 (3 s, loopback HTTP)', eight.toFixed(0)],
      ['heap after 10,000 mints (GC forced; emulator and client)', mib(after.heapUsed)],
      ['heap growth over those 10,000 mints', mib(after.heapUsed - before)],
      ['process RSS after them', mib(after.rss)],
    ]
  } finally {
    await emulator.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('Emulator under load (no browser)', await benchEmulatorLoad())
}
