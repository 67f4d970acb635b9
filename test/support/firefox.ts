/**
 * How the Playwright suite drives Firefox: Debian's Firefox ESR (`FIREFOX_PATH`, else
 * `/usr/bin/firefox-esr`) over WebDriver BiDi (`channel: 'moz-firefox'`). Playwright's own Firefox
 * (its patched build, driven over Juggler) is a download this machine's network cannot reach.
 *
 * @playwright/test is pinned to 1.64.1: 1.65 opens every context with
 * `emulation.setMediaFeaturesOverride`, which ESR 153's BiDi does not implement ("unknown
 * command"), so no context would open. See docs/decisions/ for the record.
 *
 * In Firefox `navigator.webdriver` is true under any remote protocol, with no switch to turn it off
 * (Chromium's `--disable-blink-features=AutomationControlled` has no counterpart); the README says
 * which of ClerkJS's behaviours this run therefore cannot see.
 *
 * Over BiDi, Playwright's `fill` (and `keyboard.insertText`) assigns an input's `value` by script
 * and dispatches a synthetic `input` event. React-controlled inputs (Clerk's prebuilt UI) ignore
 * that edit, since React's value tracker saw the assignment: type into them with
 * `pressSequentially`.
 */
import type { LaunchOptions } from '@playwright/test'
import { browserNeeds, locate } from './browsers.ts'

export function firefoxLaunchOptions(): LaunchOptions {
  const need = browserNeeds().find((each) => each.name === 'Firefox ESR')!
  const executablePath = locate(need)
  return executablePath ? { executablePath } : {}
}
