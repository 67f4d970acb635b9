import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './test/support/chromium.ts'
import { firefoxLaunchOptions } from './test/support/firefox.ts'

/**
 * The journeys Firefox runs too: the element's, and the emulator's hosted sign-in and sign-up pages.
 * Every spec runs in Chromium; Firefox leaves out the specs whose subject is not the element in a
 * browser, each named here with why:
 * - `conformance`, `emulator`, `jwt-templates`, `sign-up`, `many-clients`, `user-profile`: the
 *   emulator's fidelity to Clerk's API, seen through ClerkJS and its prebuilt UI; the engine does not
 *   change what the emulator answers (the hosted pages' journeys make the same requests in both
 *   engines and get the same answers; a trial's sign-in that stalled in Firefox was the test driver,
 *   see `account-portal`'s header).
 * - `nextjs`, `nextjs-15`, `react-vite`, `vue-vite`, `quickstart`: Clerk's framework SDKs and
 *   quickstart on the emulator, each an app installed from the tarball (minutes each); the element
 *   in them is the same bundle the demo journeys run.
 * - `start-modes`, `restart`: how `npm start` picks and keeps its Clerk (server-side behaviour).
 * - `live`, `lane-rehearsal`: the live lane (real Clerk, keys only) and its rehearsal on the
 *   emulator. Its journeys are the ones Firefox runs from the specs above (read, save both ways,
 *   edit, every failure, sessions, two tabs, keyboard + axe), so in Firefox they would only add
 *   minutes; the lane's own code is engine-independent and runs in Chromium.
 * A spec added here that types into Clerk's prebuilt UI types keystrokes (`pressSequentially`):
 * over WebDriver BiDi, Playwright's `fill` sets the value by script, which React does not see.
 */
const ELEMENT_JOURNEYS = [
  'a11y',
  'account-portal',
  'clerk-arrival',
  'cross-origin',
  'edit',
  'failures',
  'form',
  'pictures',
  'policy',
  'read',
  'save',
  'sessions',
  'styling',
].map((name) => `**/${name}.spec.ts`)

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
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions(), clerkJsMajor: '6' },
    },
    {
      // Debian's Firefox ESR over WebDriver BiDi (test/support/firefox.ts).
      name: 'firefox',
      testMatch: ELEMENT_JOURNEYS,
      use: {
        browserName: 'firefox',
        channel: 'moz-firefox',
        launchOptions: firefoxLaunchOptions(),
        clerkJsMajor: '6',
      },
    },
    {
      // The element's journeys again on ClerkJS 5 (Clerk's Core 2), served by the emulator from this
      // checkout's `clerk-js-5` alias: display, saves with both refresh strategies and the verified
      // claim, Clerk's script tag and the npm import.
      name: 'clerk-js-5',
      testMatch: ['**/save.spec.ts', '**/clerk-arrival.spec.ts'],
      grep: [
        /a save with the (token|user) strategy/,
        /the saved birthday is there after a reload/,
        /finding Clerk on the page/,
      ],
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions(), clerkJsMajor: '5' },
    },
  ],
})
