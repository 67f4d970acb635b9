/**
 * The preamble of the specs that run an example app: started once for the file (installed, built and
 * served beside its emulator, within `timeoutMs`), what each step took printed on one line, and
 * closed after the file.
 *
 * @example
 * const example = useExampleApp('examples/react-vite', { build: 'vite build', start: 'vite preview' },
 *   async () => startViteExample(await freePort()), 300_000)
 * test('…', async ({ page }) => page.goto(example.app.url))
 */
import { test } from '@playwright/test'
import type { RunningExample } from './example-apps.ts'

/** What the build and start steps are called in the printed line (no build: none printed). */
export interface ExampleSteps {
  build?: string
  start: string
}

/** Registers the hooks in the calling spec file; read `app` inside hooks and tests. */
export function useExampleApp(
  name: string,
  steps: ExampleSteps,
  start: () => Promise<RunningExample>,
  timeoutMs: number,
): { readonly app: RunningExample } {
  let app: RunningExample | undefined
  test.beforeAll(async () => {
    test.setTimeout(timeoutMs)
    app = await start()
    const { install, build, start: started } = app.timings
    console.log(
      `${name}: npm ci ${install.toFixed(1)} s` +
        (steps.build ? `, ${steps.build} ${build.toFixed(1)} s` : '') +
        `, ${steps.start} ${started.toFixed(1)} s`,
    )
  })
  test.afterAll(async () => {
    await app?.close()
  })
  return {
    get app() {
      if (!app) throw new Error(`${name} starts in beforeAll`)
      return app
    },
  }
}
