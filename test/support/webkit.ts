/**
 * How the WebKit journeys drive WebKit: WebKitGTK's MiniBrowser through `WebKitWebDriver` (Debian's
 * `webkit2gtk-driver`), a W3C WebDriver client (`selenium-webdriver`), under a private Xvfb display.
 * MiniBrowser has no headless mode, and without a display a session hangs without a word, so the
 * display comes first. Playwright's WebKit is its own patched build, which this machine cannot
 * download.
 *
 * In WebKit `navigator.webdriver` is true under automation, with no switch to turn it off; the
 * README says which of ClerkJS's behaviours this run therefore cannot see.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Builder, type WebDriver } from 'selenium-webdriver'
import { browserNeeds, locate } from './browsers.ts'

export interface WebKitSession {
  driver: WebDriver
  /** WebKitGTK's version, as the session reports it. */
  version: string
  close(): Promise<void>
}

function path(name: string): string {
  const need = browserNeeds().find((each) => each.name === name)!
  const found = locate(need)
  if (!found)
    throw new Error(
      `${name} not found (${need.candidates.join(', ')}): apt-get install ${need.debian}`,
    )
  return found
}

/** Starts Xvfb on a free display (it says which on `-displayfd`). */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn(
    path('Xvfb'),
    ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  )
  const display = await new Promise<string>((resolve, reject) => {
    let text = ''
    xvfb.stdout!.on('data', (chunk: Buffer) => {
      text += String(chunk)
      if (text.includes('\n')) resolve(`:${text.trim()}`)
    })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before giving a display`)))
  })
  return { display, process: xvfb }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

async function waitForDriver(url: string, driver: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode})`)
    const ready = await fetch(`${url}/status`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) return
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error(`WebKitWebDriver did not answer at ${url} within 10 s`)
}

/**
 * A MiniBrowser session at `width` × 900 (CSS px), with its own display and driver; `args` are
 * MiniBrowser's own (e.g. `--enable-page-cache=false`, one of its WebKitSettings switches).
 */
export async function startWebKit(width = 1280, args: string[] = []): Promise<WebKitSession> {
  const xvfb = await startXvfb()
  const port = await freePort()
  const driverProcess = spawn(path('WebKitWebDriver'), [`--port=${port}`], {
    env: { ...process.env, DISPLAY: xvfb.display },
    stdio: 'ignore',
  })
  const stop = () => {
    driverProcess.kill()
    xvfb.process.kill()
  }
  try {
    const url = `http://127.0.0.1:${port}`
    await waitForDriver(url, driverProcess)
    const driver = await new Builder()
      .usingServer(url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': {
          binary: path('MiniBrowser'),
          args: ['--automation', ...args],
        },
      })
      .build()
    await driver.manage().window().setRect({ width, height: 900 })
    const capabilities = await driver.getCapabilities()
    return {
      driver,
      version: String(capabilities.get('browserVersion') ?? ''),
      close: async () => {
        await driver.quit().catch(() => {})
        stop()
      },
    }
  } catch (error) {
    stop()
    throw error
  }
}
