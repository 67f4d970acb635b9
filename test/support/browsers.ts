/**
 * The browsers `npm test` drives, as data: for each engine, where its binaries may be and which
 * command installs them. `test/support/chromium.ts`, `test/support/firefox.ts` and the preflight
 * (`scripts/preflight-browsers.ts`, the first step of `npm test`) all read this one table.
 */
import { existsSync } from 'node:fs'

export interface BrowserNeed {
  /** What the user would call it, e.g. `Firefox ESR`. */
  name: string
  /** Where to look, in order: an environment variable's value first, then system paths. */
  candidates: string[]
  /** The environment variable that points at it, when one does. */
  variable?: string
  /** The Debian package that provides it. */
  debian: string
  /** Another way to get it, when there is one (Playwright's own download, where the network allows). */
  alternative?: string
}

type Env = Record<string, string | undefined>

/** The engines of `npm test`, in the order they run. */
export function browserNeeds(env: Env = process.env): BrowserNeed[] {
  return [
    {
      name: 'Chromium',
      variable: 'CHROMIUM_PATH',
      candidates: [env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(present),
      debian: 'chromium',
      alternative: 'npx playwright install chromium',
    },
    {
      name: 'Firefox ESR',
      variable: 'FIREFOX_PATH',
      candidates: [env.FIREFOX_PATH, '/usr/bin/firefox-esr'].filter(present),
      debian: 'firefox-esr',
    },
    {
      name: 'WebKitWebDriver',
      candidates: ['/usr/bin/WebKitWebDriver'],
      debian: 'webkit2gtk-driver',
    },
    {
      // WebKitGTK's browser, which `webkit2gtk-driver` pulls in (libwebkit2gtk-4.1-0).
      name: 'MiniBrowser',
      candidates: [`/usr/lib/${multiarch(env)}/webkit2gtk-4.1/MiniBrowser`],
      debian: 'webkit2gtk-driver',
    },
    {
      // MiniBrowser has no headless mode: it needs a display.
      name: 'Xvfb',
      candidates: ['/usr/bin/Xvfb'],
      debian: 'xvfb',
    },
  ]
}

/** Debian's multiarch folder for this machine (`x86_64-linux-gnu`, `aarch64-linux-gnu`). */
function multiarch(env: Env): string {
  if (env.DEB_HOST_MULTIARCH) return env.DEB_HOST_MULTIARCH
  return process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu'
}

const present = (value: string | undefined): value is string =>
  typeof value === 'string' && value !== ''

/** The first candidate that exists, or `undefined`. */
export function locate(
  need: BrowserNeed,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  return need.candidates.find((path) => exists(path))
}

/**
 * One line naming every missing browser and the command that installs them, or `undefined` when
 * all are there. `extra` are paths found some other way (Playwright's own Chromium).
 */
export function missingBrowsersLine(
  needs: BrowserNeed[],
  exists: (path: string) => boolean = existsSync,
  extra: Partial<Record<string, string>> = {},
): string | undefined {
  const missing = needs.filter((need) => !locate(need, exists) && !extra[need.name])
  if (missing.length === 0) return undefined
  const names = missing.map((need) => `${need.name} (${need.candidates.join(', ')})`).join('; ')
  const packages = [...new Set(missing.map((need) => need.debian))].join(' ')
  const others = missing
    .flatMap((need) => [
      ...(need.variable ? [`set ${need.variable}`] : []),
      ...(need.alternative ? [need.alternative] : []),
    ])
    .join(', or ')
  return (
    `npm test needs browsers it cannot find: ${names}. ` +
    `Install them with: sudo apt-get install -y ${packages}` +
    (others ? ` (or ${others})` : '')
  )
}
