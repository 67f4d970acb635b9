import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { preflight } from '../../scripts/preflight-browsers.ts'
import { browserNeeds, locate, missingBrowsersLine } from './browsers.ts'

const run = promisify(execFile)
const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path)

describe('the browsers npm test needs', () => {
  it('prefers the environment variable, then the system path', () => {
    const [chromium, firefox] = browserNeeds({ CHROMIUM_PATH: '/opt/c', FIREFOX_PATH: '' })
    expect(chromium!.candidates).toEqual(['/opt/c', '/usr/bin/chromium'])
    expect(firefox!.candidates).toEqual(['/usr/bin/firefox-esr'])
    expect(locate(chromium!, only('/usr/bin/chromium'))).toBe('/usr/bin/chromium')
    expect(locate(chromium!, only('/opt/c', '/usr/bin/chromium'))).toBe('/opt/c')
  })

  it('says nothing when every browser is there', () => {
    expect(
      missingBrowsersLine(
        browserNeeds({ DEB_HOST_MULTIARCH: 'x86_64-linux-gnu' }),
        only(
          '/usr/bin/chromium',
          '/usr/bin/firefox-esr',
          '/usr/bin/WebKitWebDriver',
          '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
          '/usr/bin/Xvfb',
        ),
      ),
    ).toBeUndefined()
  })

  it('names each missing browser and the one command that installs them, on one line', () => {
    const line = missingBrowsersLine(browserNeeds({}), () => false)!
    expect(line).not.toContain('\n')
    expect(line).toContain('Chromium (/usr/bin/chromium)')
    expect(line).toContain('Firefox ESR (/usr/bin/firefox-esr)')
    expect(line).toContain('WebKitWebDriver (/usr/bin/WebKitWebDriver)')
    expect(line).toContain('Xvfb (/usr/bin/Xvfb)')
    // MiniBrowser comes with the driver's package: named once in the command.
    expect(line).toContain('sudo apt-get install -y chromium firefox-esr webkit2gtk-driver xvfb (')
    expect(line).toContain('npx playwright install chromium')
    expect(line).toContain('set FIREFOX_PATH')
  })

  it("counts Playwright's own Chromium as Chromium", () => {
    const line = missingBrowsersLine(browserNeeds({}), (path) => path !== '/usr/bin/chromium', {
      Chromium: '/home/u/.cache/ms-playwright/chromium/chrome',
    })
    expect(line).toBeUndefined()
  })

  it('the preflight returns 1 and prints that line when a browser is missing', () => {
    const lines: string[] = []
    expect(
      preflight(
        () => false,
        (line) => lines.push(line),
        {},
      ),
    ).toBe(1)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^npm test needs browsers it cannot find: Chromium .*firefox-esr/)
  })

  it('names only what is missing', () => {
    const line = missingBrowsersLine(browserNeeds({}), (path) => path !== '/usr/bin/Xvfb')!
    expect(line).toMatch(
      /cannot find: Xvfb \(\/usr\/bin\/Xvfb\)\. Install them with: sudo apt-get install -y xvfb$/,
    )
  })

  it('the preflight script passes on this machine, which has them all', async () => {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/preflight-browsers.ts'])
    expect(stdout + stderr).toBe('')
  })
})
