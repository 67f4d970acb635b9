/**
 * The preamble of the specs that drive ClerkJS against an emulator from a blank page: one emulator
 * on a free port and one page server (test/support/page-server.ts) for the whole file, both closed
 * after it, and, when asked, the emulator reset before each test.
 *
 * @example
 * const rig = useEmulatorAndPages({ resetEachTest: true })
 * test('…', async ({ page }) => loadClerkModule(page, rig.pages.origin, rig.emulator.config))
 */
import { test } from '@playwright/test'
import {
  startEmulator,
  type StartedEmulator,
  type StartOptions,
} from '../../emulator/node/start.ts'
import { control } from '../../emulator/testing/control.ts'
import { startPageServer, type PageServer, type PageServerOptions } from './page-server.ts'

export interface EmulatorAndPagesOptions {
  /** The emulator's options (seed users, a write limit, `wrapFetch`, …). */
  emulator?: StartOptions
  /** The page server's options (extra routes, the page's HTML). */
  pages?: PageServerOptions
  /** `POST /__emulator/reset` before each test, so each starts from the seed data. */
  resetEachTest?: boolean
}

/** Both servers; read their fields inside hooks and tests, after `beforeAll` has run. */
export interface EmulatorAndPages {
  readonly emulator: StartedEmulator
  readonly pages: PageServer
}

/** Registers the hooks in the calling spec file; call it at the top level of the file. */
export function useEmulatorAndPages(options: EmulatorAndPagesOptions = {}): EmulatorAndPages {
  let emulator: StartedEmulator | undefined
  let pages: PageServer | undefined
  test.beforeAll(async () => {
    emulator = await startEmulator(options.emulator)
    pages = await startPageServer(options.pages)
  })
  test.afterAll(async () => {
    await pages?.close()
    await emulator?.close()
  })
  if (options.resetEachTest) {
    test.beforeEach(async () => {
      await control(started().emulator.url, 'POST', 'reset')
    })
  }
  const started = () => {
    if (!emulator || !pages) throw new Error('the emulator and page server start in beforeAll')
    return { emulator, pages }
  }
  return {
    get emulator() {
      return started().emulator
    },
    get pages() {
      return started().pages
    },
  }
}
