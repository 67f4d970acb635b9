import { existsSync } from 'node:fs'
import { defineConfig } from '@playwright/test'

/**
 * Playwright's own browser download cannot reach the network here, so the suite runs the system
 * Chromium: `CHROMIUM_PATH` if set, else `/usr/bin/chromium`, else Playwright's bundled browser where
 * one is installed.
 *
 * `--disable-blink-features=AutomationControlled` makes `navigator.webdriver` false. ClerkJS treats a
 * webdriver browser as "not a valid browser": it swallows load errors, turns CORS failures into a
 * silent signed-out state and retries less. Tests must see what users see, so we switch that off.
 */
const systemChromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find(
  (path): path is string => typeof path === 'string' && path !== '' && existsSync(path),
)

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(systemChromium ? { executablePath: systemChromium } : {}),
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
    },
  },
})
