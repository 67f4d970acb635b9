/**
 * `<birthday-editor>` in WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver under Xvfb;
 * `test/support/webkit.ts`): submit → optimistic display (ms and frames) and submit → verified claim, per refresh
 * strategy, with the same in-page measurement as Chromium and Firefox (`measureSubmit` in
 * `bench/element.ts`). Bounded: 20 saves per strategy. Printed, never asserted. Run alone with
 * `npx tsx bench/element-webkit.ts`.
 */
import { fileURLToPath } from 'node:url'
import { startBuiltDemo } from '../demo/server/serve-built.ts'
import { isoTexts } from '../src/memorable-date.ts'
import { startWebKit } from '../test/support/webkit.ts'
import { frameRow, measureSubmit, type SubmitTimes } from './element.ts'
import { median, printTable, type Row } from './table.ts'

const SAVES = 20

export async function benchElementWebKit(): Promise<{ version: string; rows: Row[] }> {
  const demo = await startBuiltDemo({
    handlerOptions: { rateLimit: { max: 10_000, windowMs: 1_000 } },
    emulatorOptions: { metadataWriteLimit: { max: 10_000, windowMs: 1_000 } },
  })
  const webkit = await startWebKit()
  const { driver } = webkit
  const run = <T>(source: string, ...args: unknown[]) =>
    driver.executeScript(source, ...args) as Promise<T>
  try {
    await driver.get(`${demo.origin}/`)
    await driver.wait(
      () => run<boolean>('return !document.getElementById("sign-in").hidden'),
      15_000,
    )
    // The demo's form comes filled with the seeded demo user.
    await run('document.querySelector("#sign-in button").click()')
    await driver.wait(
      () =>
        run<boolean>(
          'return document.querySelector("birthday-editor")?.status === "idle" && !!window.Clerk?.user',
        ),
      15_000,
    )
    const rows: Row[] = []
    for (const strategy of ['token', 'user'] as const) {
      await run(
        'document.querySelector("birthday-editor").setAttribute("refresh", arguments[0])',
        strategy,
      )
      const optimistic: number[] = []
      const frames: number[] = []
      const verified: number[] = []
      for (let i = 0; i < SAVES; i += 1) {
        // The value goes in untimed, as Playwright's `fill` does in the other engines.
        await run(
          `const root = document.querySelector('birthday-editor').shadowRoot
           for (const [part, text] of Object.entries(arguments[0])) {
             const input = root.querySelector('[part=' + part + ']')
             input.value = text
             input.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
             input.dispatchEvent(new Event('change', { bubbles: true }))
           }`,
          isoTexts(`19${50 + i}-0${(i % 9) + 1}-1${i % 9}`),
        )
        const result = await driver.executeAsyncScript<SubmitTimes>(
          // `__name`: the helper a TypeScript loader may put into a function's text.
          `const done = arguments[arguments.length - 1]; const __name = (f) => f;
           (${measureSubmit.toString()})().then(done, (error) => done({ error: String(error) }))`,
        )
        if ('error' in result) throw new Error(String(result.error))
        optimistic.push(result.optimistic)
        frames.push(result.frames)
        verified.push(result.verified)
      }
      rows.push(
        [
          `save (${strategy}): submit → optimistic display, median`,
          `${median(optimistic).toFixed(2)} ms`,
        ],
        frameRow(strategy, frames),
        [
          `save (${strategy}): submit → verified claim, median`,
          `${median(verified).toFixed(1)} ms`,
        ],
      )
    }
    return { version: webkit.version, rows }
  } finally {
    await webkit.close()
    await demo.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { version, rows } = await benchElementWebKit()
  printTable(`<birthday-editor> in WebKitGTK ${version} (built demo, loopback)`, rows)
}
