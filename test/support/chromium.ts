/**
 * How every browser run of this project launches Chromium: the Playwright suite and the benchmarks.
 *
 * Playwright's own browser download cannot reach the network here, so we use the system Chromium:
 * `CHROMIUM_PATH` if set, else `/usr/bin/chromium`, else Playwright's bundled browser where one is
 * installed.
 *
 * `--disable-blink-features=AutomationControlled` makes `navigator.webdriver` false. ClerkJS treats a
 * webdriver browser as "not a valid browser": it swallows load errors, turns CORS failures into a
 * silent signed-out state, retries less and switches telemetry off. Tests must see what users see.
 * The other flags keep a headless Chromium from calling home on a machine with no network.
 */
import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find(
    (path): path is string => typeof path === 'string' && path !== '' && existsSync(path),
  )
  return {
    ...(executablePath ? { executablePath } : {}),
    args: [
      '--disable-blink-features=AutomationControlled',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  }
}
