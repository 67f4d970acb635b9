/**
 * Benchmark of the emulator as ClerkJS sees it, in a real Chromium on loopback: the median of 20
 * `clerk.load()` calls (signed in, each in a fresh page) and of 20 `getToken({ skipCache: true })`
 * calls, timed inside the page with `performance.now()`, plus how many requests each flow makes (from
 * the emulator's request log). Bounded: 20 + 20 iterations. Printed, never asserted.
 * Run alone with `npx tsx bench/emulator.ts`.
 */
import { chromium, type Page } from '@playwright/test'
import { startEmulator } from '../emulator/node/start.ts'
import { chromiumLaunchOptions } from '../test/support/chromium.ts'
import { startPageServer } from '../test/support/page-server.ts'
import { median, printTable, type Row } from './table.ts'

const RUNS = 20

export async function benchEmulator(): Promise<Row[]> {
  const emulator = await startEmulator()
  const pages = await startPageServer()
  const browser = await chromium.launch(chromiumLaunchOptions())
  const { publishableKey, proxyUrl } = emulator.config
  const log = async () => {
    const response = await fetch(`${proxyUrl}/__emulator/requests`)
    const { requests } = (await response.json()) as { requests: { api: string }[] }
    await fetch(`${proxyUrl}/__emulator/requests`, { method: 'DELETE' })
    return requests.filter((r) => r.api === 'fapi').length
  }
  try {
    const page = await browser.newPage()
    const load = async (p: Page) => {
      await p.goto(`${pages.origin}/`)
      return p.evaluate(
        async ({ publishableKey, proxyUrl }) => {
          const moduleUrl = '/clerk.mjs'
          const { Clerk } = await import(moduleUrl)
          const clerk = new Clerk(publishableKey, { proxyUrl })
          const started = performance.now()
          await clerk.load({ telemetry: false })
          const ms = performance.now() - started
          Object.assign(window, { clerk })
          return ms
        },
        { publishableKey, proxyUrl },
      )
    }
    await load(page)
    const signedOutLoadRequests = await log()
    await page.evaluate(async () => {
      const clerk = Reflect.get(window, 'clerk')
      const attempt = await clerk.client.signIn.create({
        identifier: 'ada@example.test',
        password: 'lovelace-1815',
      })
      await clerk.setActive({ session: attempt.createdSessionId })
    })
    const signInRequests = await log()

    const loads: number[] = []
    for (let i = 0; i < RUNS; i += 1) loads.push(await load(page))
    const signedInLoadRequests = (await log()) / RUNS

    const mints = await page.evaluate(async (runs) => {
      const clerk = Reflect.get(window, 'clerk')
      const times: number[] = []
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now()
        await clerk.session.getToken({ skipCache: true })
        times.push(performance.now() - started)
      }
      return times
    }, RUNS)
    const mintRequests = (await log()) / RUNS

    await page.evaluate(async () => {
      await Reflect.get(window, 'clerk').user.reload()
    })
    const reloadRequests = await log()

    return [
      ['emulator: clerk.load(), signed in, median of 20', `${median(loads).toFixed(1)} ms`],
      ['emulator: getToken({ skipCache: true }), median of 20', `${median(mints).toFixed(1)} ms`],
      ['requests: load() signed out', signedOutLoadRequests],
      ['requests: load() signed in', signedInLoadRequests],
      ['requests: signIn.create + setActive', signInRequests],
      ['requests: getToken({ skipCache: true })', mintRequests],
      ['requests: user.reload()', reloadRequests],
    ]
  } finally {
    await browser.close()
    await pages.close()
    await emulator.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable('Emulator, through ClerkJS in Chromium', await benchEmulator())
}
