/**
 * A journey on `npm start`'s dev server (`dev-server.ts`), as a developer runs it: the server on a
 * data folder of its own (so a restart keeps the emulator's state), a fresh user signed in through
 * the demo page, and, when the journey ends, the page closed, the last server started closed and
 * the folder removed.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import {
  createUser,
  type Editor,
  editorOf,
  type PolicyViolations,
  signInThroughForm,
  type TestUser,
  uniqueEmail,
} from './demo-fixtures.ts'
import { startDevServer, type DevServer } from './dev-server.ts'

type DevOptions = Omit<NonNullable<Parameters<typeof startDevServer>[0]>, 'dataDir'>

export interface DevJourney {
  /** Starts the dev server on the journey's data folder (again after a close: a restart). */
  start: (options?: DevOptions) => Promise<DevServer>
}

/** Runs `journey` with its own data folder; cleans up after it, passed or failed. */
export async function withDevServer(
  page: Page,
  prefix: string,
  journey: (dev: DevJourney) => Promise<void>,
): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix))
  let last: DevServer | undefined
  try {
    await journey({
      start: async (options = {}) => (last = await startDevServer({ ...options, dataDir })),
    })
  } finally {
    await page.close()
    await last?.server.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/**
 * A new user (made through the dev server's emulator) signs in through its demo page, whose policy
 * violations are collected from before it opens; gives the user and the editor.
 */
export async function signInOnDevServer(
  page: Page,
  dev: DevServer,
  collectPolicyViolations: (page: Page) => Promise<PolicyViolations>,
): Promise<{ user: TestUser; editor: Editor }> {
  const user = await createUser(dev.origin, uniqueEmail())
  await collectPolicyViolations(page)
  await page.goto(`${dev.origin}/`)
  await signInThroughForm(page, user)
  return { user, editor: editorOf(page) }
}
