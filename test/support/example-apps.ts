/**
 * The example apps on the emulator, as a user runs them: `npm ci` in the example when its install is
 * missing (or, for the Next.js app, holds another build of this package), the emulator's CLI on a free
 * port, then a production build and its server with only the CLI's printed lines as Clerk
 * configuration (plus PATH and Next's own telemetry switch). Every process is ours, stopped by its id.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEnv } from 'node:util'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface RunningExample {
  /** e.g. `http://localhost:41234` (bound and browsed on the same host name). */
  url: string
  /** The emulator's origin (its printed proxy URL). */
  emulatorUrl: string
  /** The CLI's stdout, as printed. */
  printed: string
  /** Seconds spent in `npm ci` (0 when the install was current), the build and the server's start. */
  timings: { install: number; build: number; start: number }
  close(): Promise<void>
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)),
    )
  })
}

/** Starts a long-running process and resolves once its output matches `ready`. */
function startUntil(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: (stdout: string) => boolean,
  timeoutMs: number,
): Promise<{ child: ChildProcess; stdout: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(new Error(`${command} was not ready in ${timeoutMs} ms:\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (ready(stdout)) {
        clearTimeout(timer)
        resolve({ child, stdout: () => stdout })
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited with ${code} before it was ready:\n${stdout}\n${stderr}`))
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/**
 * The example's install is current when its copy of this package (installed with `install-links`,
 * i.e. packed like a published tarball) holds the same build as the repository's `dist/`: the
 * element's modules and the handler's.
 */
function installIsCurrent(example: string, framework = 'next'): boolean {
  const installed = path.join(example, 'node_modules', 'birthday-editor', 'dist')
  const built = path.join(ROOT, 'dist')
  if (!existsSync(path.join(example, 'node_modules', framework, 'package.json'))) return false
  for (const file of [
    'src/birthday-editor.js',
    'src/define.js',
    'src/save.js',
    'server/handler.js',
  ]) {
    const a = path.join(installed, file)
    const b = path.join(built, file)
    if (!existsSync(a) || !existsSync(b)) return false
    if (!readFileSync(a).equals(readFileSync(b))) return false
  }
  return true
}

/** The environment of the Next.js processes: PATH and the like, never the caller's CLERK_* values. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TERM', 'npm_config_cache']
  const env: NodeJS.ProcessEnv = {}
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name]
  return env
}

/**
 * `npm run emulator -- --port 0` in the repository, or, given an example whose install holds the
 * packed package, that install's `npx birthday-editor emulator --port 0`; until it printed its last
 * line.
 */
function startEmulatorCli(installedIn?: string) {
  const [command, args, cwd] = installedIn
    ? [
        path.join(installedIn, 'node_modules', '.bin', 'birthday-editor'),
        ['emulator', '--port', '0'],
        installedIn,
      ]
    : [
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        ['emulator/node/cli.ts', '--port', '0'],
        ROOT,
      ]
  return startUntil(
    command,
    args,
    cwd,
    baseEnv(),
    (stdout) => /^VITE_CLERK_TELEMETRY_DISABLED=.*$/m.test(stdout),
    30_000,
  )
}

/**
 * Runs an app beside the emulator's CLI, as the README has users do: the CLI starts first, `start`
 * gets the lines it printed (parsed) and a list to add its own processes to, and returns the app's
 * URL. `close` stops every process, the last started first; a failing `start` stops them too.
 */
async function besideTheEmulator(
  start: (clerk: Record<string, string | undefined>, children: ChildProcess[]) => Promise<string>,
  emulatorInstalledIn?: string,
): Promise<Omit<RunningExample, 'timings'>> {
  const emulator = await startEmulatorCli(emulatorInstalledIn)
  const children: ChildProcess[] = [emulator.child]
  const close = async () => {
    for (const child of children.reverse()) await stop(child)
  }
  try {
    const printed = emulator.stdout()
    const clerk = parseEnv(printed)
    const url = await start(clerk, children)
    return { url, emulatorUrl: clerk.CLERK_PROXY_URL ?? '', printed, close }
  } catch (error) {
    await close()
    throw error
  }
}

/**
 * `npm ci` in an example unless its install is current; the seconds it took (0 if none). Every
 * example installs this package from the repository's build, so it refuses to run without one.
 */
export async function ensureInstalled(example: string, framework = 'next'): Promise<number> {
  if (!existsSync(path.join(ROOT, 'dist', 'src', 'define.js'))) {
    throw new Error(
      'The package is not built (dist/src). Run `npm run build` first; `npm test` does.',
    )
  }
  if (installIsCurrent(example, framework)) return 0
  const started = performance.now()
  await run('npm', ['ci', '--no-audit', '--no-fund'], example, { ...process.env })
  return (performance.now() - started) / 1000
}

/** Runs an npm script of an example to its end (rejects with its output when it fails). */
export function runScript(example: string, script: string): Promise<void> {
  return run('npm', ['run', '-s', script], example, { ...process.env })
}

export async function startNextExample(
  options: { example?: string; script?: 'start' } = {},
): Promise<RunningExample> {
  const example = options.example ?? path.join(ROOT, 'examples', 'nextjs')
  const timings = { install: await ensureInstalled(example), build: 0, start: 0 }
  let started: number

  const app = await besideTheEmulator(async (clerk, children) => {
    const env = { ...baseEnv(), ...clerk, NEXT_TELEMETRY_DISABLED: '1' }
    const next = path.join(example, 'node_modules', '.bin', 'next')

    started = performance.now()
    // `npm run build`: the Next 15 copy of the app copies the pages first (its `prebuild`).
    await run('npm', ['run', 'build'], example, { ...env, NODE_ENV: 'production' })
    timings.build = (performance.now() - started) / 1000

    started = performance.now()
    const server = await startUntil(
      next,
      ['start', '-H', 'localhost', '-p', '0'],
      example,
      { ...env, NODE_ENV: 'production' },
      (stdout) => /Ready in/.test(stdout),
      60_000,
    )
    children.push(server.child)
    timings.start = (performance.now() - started) / 1000
    const url = /Local:\s+(http:\/\/localhost:\d+)/.exec(server.stdout())?.[1]
    if (!url) throw new Error(`next start printed no local URL:\n${server.stdout()}`)
    return url
  })
  return { ...app, timings }
}

/**
 * A Vite example's `vite build`, then `vite preview` on `localhost` and `port`, added to `children`;
 * what each took goes into `timings`.
 */
async function buildAndPreview(
  example: string,
  env: Record<string, string | undefined>,
  port: number,
  children: ChildProcess[],
  timings: RunningExample['timings'],
): Promise<void> {
  const vite = path.join(example, 'node_modules', '.bin', 'vite')
  let started = performance.now()
  await run(vite, ['build'], example, env)
  timings.build = (performance.now() - started) / 1000
  started = performance.now()
  const server = await startUntil(
    vite,
    ['preview', '--host', 'localhost', '--port', String(port), '--strictPort'],
    example,
    env,
    (stdout) => /localhost:\d+/.test(stdout),
    30_000,
  )
  children.push(server.child)
  timings.start = (performance.now() - started) / 1000
}

/**
 * The React quickstart app (`examples/react-vite`, with this package installed from its packed
 * tarball): `vite build` with the printed lines in the environment (Vite exposes `VITE_*` variables
 * from it as from `.env` files), then `vite preview` on `localhost` and a free port, which serves the
 * handler at `/api/update-user-metadata` (the README's Vite plugin in the app's `vite.config.ts`,
 * reading the printed `CLERK_*` lines).
 */
export async function startViteExample(port: number): Promise<RunningExample> {
  const example = path.join(ROOT, 'examples', 'react-vite')
  const timings = { install: await ensureInstalled(example, '@clerk/react'), build: 0, start: 0 }
  const app = await besideTheEmulator(async (clerk, children) => {
    await buildAndPreview(example, { ...baseEnv(), ...clerk }, port, children, timings)
    return `http://localhost:${port}`
  })
  return { ...app, timings }
}

/**
 * The Vue example (`examples/vue-vite`, with this package installed from its packed tarball): the
 * package's own `birthday-editor server` on a free port with the printed lines and the app's origin
 * as its allowed origin, then `vite build` and `vite preview` on `localhost`, which proxies
 * `/api` to that handler (`BIRTHDAY_HANDLER_URL`).
 */
export async function startVueExample(port: number): Promise<RunningExample> {
  const example = path.join(ROOT, 'examples', 'vue-vite')
  const timings = { install: await ensureInstalled(example, 'vue'), build: 0, start: 0 }
  const url = `http://localhost:${port}`
  const app = await besideTheEmulator(async (clerk, children) => {
    const handler = await startUntil(
      path.join(example, 'node_modules', '.bin', 'birthday-editor'),
      ['server', '--port', '0', '--allowed-origins', url],
      example,
      { ...baseEnv(), ...clerk },
      (stdout) => /listening on http:\/\/127\.0\.0\.1:\d+/.test(stdout),
      30_000,
    )
    children.push(handler.child)
    const handlerUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(handler.stdout())![1]!
    const env = { ...baseEnv(), ...clerk, BIRTHDAY_HANDLER_URL: handlerUrl }
    await buildAndPreview(example, env, port, children, timings)
    return url
  })
  return { ...app, timings }
}

/**
 * Clerk's JavaScript quickstart as a new user runs it (`examples/quickstart`: the README's plain-HTML
 * snippet in `index.html`, this package installed from its packed tarball beside `@clerk/clerk-js`
 * and `@clerk/ui`): that install's `npx birthday-editor emulator`, then `node server.js` (`npm start`: the page, the
 * element's bundle from the install, and the handler on one origin) with only the printed lines.
 */
export async function startQuickstartExample(): Promise<RunningExample> {
  const example = path.join(ROOT, 'examples', 'quickstart')
  const timings = { install: await ensureInstalled(example, '@clerk/ui'), build: 0, start: 0 }
  const app = await besideTheEmulator(async (clerk, children) => {
    const started = performance.now()
    // `npm start`'s command, run directly so that stopping it stops the server itself.
    const server = await startUntil(
      process.execPath,
      ['server.js'],
      example,
      { ...baseEnv(), ...clerk, PORT: '0' },
      (stdout) => /quickstart on http:\/\/localhost:\d+/.test(stdout),
      30_000,
    )
    children.push(server.child)
    timings.start = (performance.now() - started) / 1000
    return /quickstart on (http:\/\/localhost:\d+)/.exec(server.stdout())![1]!
  }, example)
  return { ...app, timings }
}

/** A port that was free a moment ago (for servers that cannot report the one they chose). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
