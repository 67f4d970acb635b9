import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './test/support/chromium.ts'

export default defineConfig<unknown, { clerkJsMajor: '5' | '6' }>({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [
    { name: 'clerk-js-6', use: { clerkJsMajor: '6' } },
    {
      // The element's journeys again on ClerkJS 5 (Clerk's Core 2), served by the emulator from this
      // checkout's `clerk-js-5` alias: display, saves with both refresh strategies and the verified
      // claim, Clerk's script tag and the npm import.
      name: 'clerk-js-5',
      use: { clerkJsMajor: '5' },
      testMatch: ['**/save.spec.ts', '**/clerk-arrival.spec.ts'],
      grep: [
        /a save with the (token|user) strategy/,
        /the saved birthday is there after a reload/,
        /finding Clerk on the page/,
      ],
    },
  ],
})
