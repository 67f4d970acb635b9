/**
 * The packed package works where a user installs it: `npm pack` the built package, install the
 * tarball into a scratch project (dependencies from npm's cache or registry), and use every entry
 * point from there, in Node and with TypeScript. Run by `npm run test:package` after `npm run build`.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../emulator/node/start.ts'
import { signIn } from '../server/testing/emulator-client.ts'
import { chromiumLaunchOptions } from '../test/support/chromium.ts'

const repo = resolve('.')
let scratch = ''
/** A second project with only the element: no `@clerk/backend`. */
let browserOnly = ''
let tarballPath = ''

function run(command: string, args: string[], cwd = scratch): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/**
 * Type-checks `file` in the scratch project (strict, NodeNext, every library checked) with this
 * repository's TypeScript; returns the diagnostics, '' when there are none.
 */
/** The version of `name` installed in this repository: what a scratch project installs too. */
async function installedVersion(name: string): Promise<string> {
  const manifest = await readFile(join(repo, 'node_modules', name, 'package.json'), 'utf8')
  return (JSON.parse(manifest) as { version: string }).version
}

/**
 * The code of the ```ts (or ```tsx) block after `<!-- snippet: name -->` in `text`; throws when
 * there is none.
 */
function snippet(text: string, name: string): string {
  const code = new RegExp(`<!-- snippet: ${name} -->\\n\\n\`\`\`tsx?\\n([\\s\\S]*?)\`\`\``).exec(
    text,
  )?.[1]
  if (!code) throw new Error(`no snippet ${name}`)
  return code
}

/** A port that was free a moment ago on loopback. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

/**
 * A new app for one of the emulator README's end-to-end recipes, as a user starts it: an empty
 * `package.json`, then `npm install` of the packed tarball and `packages` (exact versions, so npm's
 * cache has them). Fails at once, saying how to install it, when there is no Chromium to run it in.
 */
async function recipeApp(prefix: string, packages: string[]) {
  const executablePath = chromiumLaunchOptions().executablePath
  if (!executablePath) {
    throw new Error(
      'this test needs Chromium: sudo apt-get install -y chromium (or set CHROMIUM_PATH)',
    )
  }
  const emulatorReadme = await readFile(join(repo, 'emulator/README.md'), 'utf8')
  const readme = await readFile(join(repo, 'README.md'), 'utf8')
  const app = await mkdtemp(join(tmpdir(), `birthday-editor-${prefix}-`))
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: prefix, private: true, type: 'module' }),
  )
  try {
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        tarballPath,
        ...packages,
      ],
      app,
    )
  } catch (error) {
    await rm(app, { recursive: true, force: true })
    throw error
  }
  return { app, executablePath, emulatorReadme, readme }
}

/** `name@version` as installed in this repository. */
const asInstalled = async (name: string) => `${name}@${await installedVersion(name)}`

/**
 * `npx playwright test` in `app` with the system Chromium and free ports through the documented
 * `EMULATOR_PORT` / `APP_PORT`; its own process group, stopped whole after `timeoutMs`. Returns the
 * exit code, the output, the emulator's port and the seconds it took.
 */
async function playwrightIn(app: string, executablePath: string, timeoutMs: number) {
  const [emulatorPort, appPort] = [await freePort(), await freePort()]
  const started = performance.now()
  const child = spawn('npx', ['playwright', 'test'], {
    cwd: app,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? app,
      EMULATOR_PORT: String(emulatorPort),
      APP_PORT: String(appPort),
      CHROMIUM_PATH: executablePath,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: on a timeout the emulator and the app server it started stop with it.
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (data: Buffer) => (output += data.toString()))
  child.stderr.on('data', (data: Buffer) => (output += data.toString()))
  const timer = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGTERM'), timeoutMs)
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  clearTimeout(timer)
  return { code, output, emulatorPort, seconds: (performance.now() - started) / 1000 }
}

async function typecheck(file: string, options: Record<string, unknown> = {}): Promise<string> {
  const config = `tsconfig.${file}.json`
  await writeFile(
    join(scratch, config),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2023', 'DOM'],
        types: [],
        skipLibCheck: false,
        ...options,
      },
      files: [file],
    }),
  )
  try {
    run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', config])
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'birthday-editor-pack-'))
  run('npm', ['pack', '--silent', '--pack-destination', scratch], repo)
  const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'))
  if (!tarball) throw new Error('npm pack made no tarball')
  tarballPath = join(scratch, tarball)
  // `@clerk/backend` is an optional peer: a server project installs it, at the version tested here.
  const [backendVersion, expressVersion, viteVersion] = await Promise.all(
    ['@clerk/backend', 'express', 'vite'].map(installedVersion),
  )
  await writeFile(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
  )
  run('npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    `./${tarball}`,
    `@clerk/backend@${backendVersion}`,
    `express@${expressVersion}`,
    `vite@${viteVersion}`,
  ])
}, 180_000)

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
  if (browserOnly) await rm(browserOnly, { recursive: true, force: true })
})

/**
 * Starts the `birthday-editor` command installed in `project` (default: the scratch project); `lines()`
 * is what it printed so far.
 */
function command(args: string[], cwd: string, project = scratch) {
  const child = spawn(join(project, 'node_modules/.bin/birthday-editor'), args, {
    cwd,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()))
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no ${pattern}:\n${stdout}${stderr}`)), 20_000)
      const check = () => {
        const match = pattern.exec(stdout)
        if (!match) return
        clearTimeout(timer)
        done(match)
      }
      child.stdout.on('data', check)
      void exited.then(() => setTimeout(() => fail(new Error(`exited:\n${stdout}${stderr}`)), 50))
    })
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) }
}

describe('the packed package', () => {
  it('ships exactly the allowlisted files: built code, typings, manifest, READMEs', () => {
    // Each shipped file must match one pattern, and each pattern must match a shipped file.
    const allowlist: [string, RegExp][] = [
      ['the element, built', /^dist\/src\/[\w.-]+\.(js|d\.ts)$/],
      [
        'the handler, built',
        /^dist\/server\/(node\/|redis\/|durable-object\/)?[\w.-]+\.(js|d\.ts)$/,
      ],
      ['the emulator, built', /^dist\/emulator\/([\w-]+\/)*[\w.-]+\.(js|d\.ts)$/],
      ['the command', /^dist\/bin\/birthday-editor\.(js|d\.ts)$/],
      ['the single-file bundle', /^dist\/birthday-editor\.js$/],
      ['the framework typings', /^types\/(attributes|react|vue|svelte|clerk-global)\.d\.ts$/],
      ['the custom elements manifest', /^custom-elements\.json$/],
      ['the READMEs and package.json', /^(README\.md|emulator\/README\.md|package\.json)$/],
    ]
    const [packed] = JSON.parse(
      run('npm', ['pack', '--dry-run', '--json', '--silent', '--ignore-scripts'], repo),
    ) as [{ files: { path: string }[] }]
    const files = packed.files.map((file) => file.path)
    const unlisted = files.filter((path) => !allowlist.some(([, pattern]) => pattern.test(path)))
    const unused = allowlist.filter(([, pattern]) => !files.some((path) => pattern.test(path)))
    expect(unlisted, 'shipped files that no allowlist entry names').toEqual([])
    expect(
      unused.map(([what]) => what),
      'allowlist entries that match nothing',
    ).toEqual([])
    // Nothing test-only, whatever folder it is in.
    expect(files.filter((path) => /\.test|testing\/|\.check\./.test(path))).toEqual([])
  })

  it('imports every entry point in Node and runs the handler against the emulator', async () => {
    await writeFile(
      join(scratch, 'check.mjs'),
      `
import { BirthdayEditorElement, checkBirthday } from 'birthday-editor'
import { createBirthdayHandler } from 'birthday-editor/server'
import { createEmulator } from 'birthday-editor/emulator'
import { startEmulator } from 'birthday-editor/emulator/node'
import { startServer } from 'birthday-editor/server/node'
import { redisStores } from 'birthday-editor/server/redis'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const manifest = require('birthday-editor/custom-elements.json')
const emulator = await startEmulator()
const handler = createBirthdayHandler({
  secretKey: emulator.config.secretKey,
  jwtKey: emulator.config.jwtKey,
  apiUrl: emulator.config.apiUrl,
  allowedOrigins: ['http://localhost:3000'],
  logger: () => {},
})
const post = (headers) =>
  handler(new Request('http://localhost:3000/api/update-user-metadata', { method: 'POST', headers, body: '{}' }))
const noToken = await post({ origin: 'http://localhost:3000', 'content-type': 'application/json' })
const foreign = await post({ origin: 'http://evil.test', 'content-type': 'application/json' })
const inProcess = await createEmulator()
const jwks = await inProcess.fetch(new Request('http://x/api/v1/jwks', {
  headers: { authorization: 'Bearer ' + inProcess.config('http://x').secretKey },
}))
await emulator.close()
console.log(JSON.stringify({
  element: typeof BirthdayEditorElement,
  leapDay: checkBirthday('2023-02-29'),
  noToken: noToken.status,
  foreign: foreign.status,
  jwks: (await jwks.json()).keys.length,
  tag: manifest.modules[0].declarations[0].tagName,
  nodeServer: typeof startServer,
  redisStores: typeof redisStores,
}))
`,
    )
    const result = JSON.parse(run(process.execPath, ['check.mjs'])) as Record<string, unknown>
    expect(result).toEqual({
      element: 'function',
      leapDay: 'format',
      noToken: 401,
      foreign: 403,
      jwks: 1,
      tag: 'birthday-editor',
      nodeServer: 'function',
      redisStores: 'function',
    })
  }, 60_000)

  it('registers the tag through ./define and through the single-file bundle, in a DOM', async () => {
    // happy-dom from this repository stands in for a browser; the package under test is the packed one.
    const happyDom = join(repo, 'node_modules/happy-dom/lib/index.js')
    await writeFile(
      join(scratch, 'dom.mjs'),
      `
import { Window } from ${JSON.stringify(happyDom)}
const install = () => {
  const window = new Window({ url: 'http://localhost:3000/' })
  for (const name of ['window', 'document', 'customElements', 'HTMLElement', 'Event', 'CSSStyleSheet']) {
    globalThis[name] = name === 'window' ? window : window[name]
  }
  return window
}
install()
const { BirthdayEditorElement } = await import('birthday-editor')
await import('birthday-editor/define')
const viaDefine = customElements.get('birthday-editor') === BirthdayEditorElement
const element = document.createElement('birthday-editor')
document.body.append(element)
const parts = [...element.shadowRoot.querySelectorAll('[part]')].map((node) => node.getAttribute('part'))
install()
await import('birthday-editor/bundle')
const bundled = customElements.get('birthday-editor')
console.log(JSON.stringify({ viaDefine, parts, bundled: typeof bundled, distinct: bundled !== BirthdayEditorElement }))
process.exit(0)
`,
    )
    const result = JSON.parse(run(process.execPath, ['dom.mjs'])) as Record<string, unknown>
    expect(result).toEqual({
      viaDefine: true,
      parts: [
        'form',
        'fields',
        'label',
        'day',
        'month',
        'year',
        'current-value',
        'save-button',
        'remove-button',
        'message',
      ],
      bundled: 'function',
      distinct: true,
    })
  }, 60_000)

  it('runs both commands from the installed package: --help, start, .env, answer, Ctrl-C', async () => {
    const project = join(scratch, 'app')
    await mkdir(project, { recursive: true })
    for (const args of [['--help'], ['server', '--help'], ['emulator', '--help']]) {
      const help = command(args, project)
      expect(await help.exited, args.join(' ')).toBe(0)
      expect(help.output().stdout).toMatch(/usage: birthday-editor/)
    }
    // The emulator prints its lines; they become the project's .env, which the server reads.
    const emulator = command(['emulator', '--port', '0'], project)
    await emulator.waitFor(/VITE_CLERK_TELEMETRY_DISABLED=.*\n/)
    const lines = emulator.output().stdout
    expect(emulator.output().stderr).toContain('@clerk/clerk-js is not installed')
    await writeFile(join(project, '.env'), `${lines}ALLOWED_ORIGINS=http://localhost:3000\n`)
    const server = command(['server', '--port', '0'], project)
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Ctrl-C/)
    const apiUrl = /^CLERK_API_URL=(.*)$/m.exec(lines)?.[1]
    expect(server.output().stdout).toContain(`an emulator's Backend API at ${apiUrl}`)
    const answer = await fetch(`${url}/api/update-user-metadata`, {
      headers: { Origin: 'http://localhost:3000' },
    })
    expect(answer.status).toBe(401)
    // The emulator without @clerk/clerk-js answers ClerkJS's URL with an error naming the package.
    const proxyUrl = /^CLERK_PROXY_URL=(.*)$/m.exec(lines)?.[1] ?? ''
    const script = await fetch(`${proxyUrl}/npm/@clerk/clerk-js@6/dist/clerk.browser.js`)
    expect(script.status).toBe(501)
    expect(await script.text()).toContain('@clerk/clerk-js is not installed')
    server.child.kill('SIGINT')
    emulator.child.kill('SIGINT')
    expect(await server.exited).toBe(0)
    expect(await emulator.exited).toBe(0)
  }, 90_000)

  it("runs the README's Express 5 snippet as written, with and without express.json()", async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8')
    const snippet =
      /<!-- snippet: server\/snippets\/express\.ts -->\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1] ??
      ''
    const parser = 'app.use(express.json()) // optional: the handler reads the body either way\n'
    expect(snippet).toContain(parser)
    // The snippet has no TypeScript syntax: it runs as a module, printing its port once listening.
    const announce = "server.on('listening', () => console.log('port ' + server.address().port))\n"
    await writeFile(join(scratch, 'express-json.mjs'), snippet + announce)
    await writeFile(join(scratch, 'express-bare.mjs'), snippet.replace(parser, '') + announce)
    const emulator = await startEmulator({ port: 0 })
    try {
      const origin = 'http://localhost:3000'
      const ada = await signIn(emulator.config.proxyUrl, origin)
      for (const [file, birthday] of [
        ['express-json.mjs', '1985-12-10'],
        ['express-bare.mjs', '1986-12-10'],
      ] as const) {
        const child = spawn(process.execPath, [file], {
          cwd: scratch,
          env: {
            PATH: process.env.PATH ?? '',
            PORT: '0',
            CLERK_SECRET_KEY: emulator.config.secretKey,
            CLERK_JWT_KEY: emulator.config.jwtKey,
            CLERK_API_URL: emulator.config.apiUrl,
            ALLOWED_ORIGINS: origin,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let output = ''
        child.stderr.on('data', (data: Buffer) => (output += data.toString()))
        try {
          const port = await new Promise<string>((done, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`${file} did not listen:\n${output}`)),
              20_000,
            )
            child.stdout.on('data', (data: Buffer) => {
              output += data.toString()
              const match = /port (\d+)/.exec(output)
              if (match?.[1]) {
                clearTimeout(timer)
                done(match[1])
              }
            })
          })
          const url = `http://127.0.0.1:${port}/api/update-user-metadata`
          const headers = { Origin: origin, Authorization: `Bearer ${await ada.mint()}` }
          const saved = await fetch(url, {
            method: 'POST',
            headers: { ...headers, 'Content-Type': 'application/json' },
            body: JSON.stringify({ birthday }),
          })
          expect(saved.status, `${file}:\n${output}${await saved.clone().text()}`).toBe(200)
          expect(await saved.json()).toEqual({ birthday })
          const read = await fetch(url, { headers })
          expect(await read.json()).toEqual({ birthday })
        } finally {
          child.kill('SIGINT')
        }
      }
    } finally {
      await emulator.close()
    }
  }, 90_000)

  it("runs the README's Vite snippet as written: `vite` serves the handler beside the page, .env read", async () => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8')
    const snippet = /<!-- snippet: server\/snippets\/vite\.ts -->\n\n```ts\n([\s\S]*?)```/.exec(
      readme,
    )?.[1]
    expect(snippet).toContain('configureServer')
    const project = join(scratch, 'vite-app')
    await mkdir(project, { recursive: true })
    await writeFile(join(project, 'vite.config.ts'), snippet ?? '')
    await writeFile(join(project, 'index.html'), '<!doctype html><title>app</title>')
    const emulator = await startEmulator({ port: 0 })
    // The project's .env as the emulator prints it, and no origin list: the page is same-origin.
    const { secretKey, jwtKey, apiUrl, proxyUrl } = emulator.config
    await writeFile(
      join(project, '.env'),
      `CLERK_SECRET_KEY=${secretKey}\nCLERK_API_URL=${apiUrl}\nCLERK_JWT_KEY=${JSON.stringify(jwtKey)}\n`,
    )
    const child = spawn(
      join(scratch, 'node_modules/.bin/vite'),
      ['--host', '127.0.0.1', '--port', '0', '--clearScreen', 'false'],
      { cwd: project, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    child.stderr.on('data', (data: Buffer) => (output += data.toString()))
    try {
      const base = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`vite did not start:\n${output}`)), 30_000)
        child.stdout.on('data', (data: Buffer) => {
          output += data.toString()
          const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
          if (match?.[1]) {
            clearTimeout(timer)
            done(match[1])
          }
        })
      })
      const ada = await signIn(proxyUrl, base)
      const url = `${base}/api/update-user-metadata`
      const headers = { Origin: base, Authorization: `Bearer ${await ada.mint()}` }
      const saved = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ birthday: '1987-10-10' }),
      })
      expect(saved.status, `${output}${await saved.clone().text()}`).toBe(200)
      expect(await saved.json()).toEqual({ birthday: '1987-10-10' })
      const read = await fetch(url, { headers })
      expect(await read.json()).toEqual({ birthday: '1987-10-10' })
      // The page is still Vite's: the plugin answers its one path only.
      expect((await fetch(`${base}/`)).headers.get('content-type')).toMatch(/^text\/html/)
    } finally {
      child.kill('SIGINT')
      await emulator.close()
    }
  }, 90_000)

  it('without @clerk/backend: the element installs and builds with Vite; ./server names it; the emulator starts', async () => {
    browserOnly = await mkdtemp(join(tmpdir(), 'birthday-editor-browser-'))
    await writeFile(
      join(browserOnly, 'package.json'),
      JSON.stringify({ name: 'browser-only', private: true, type: 'module' }),
    )
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarballPath],
      browserOnly,
    )
    const installed = await readdir(join(browserOnly, 'node_modules/@clerk')).catch(() => [])
    expect(installed).not.toContain('backend')
    await writeFile(
      join(browserOnly, 'index.html'),
      '<script type="module" src="./main.js"></script><birthday-editor></birthday-editor>',
    )
    await writeFile(join(browserOnly, 'main.js'), "import 'birthday-editor/define'\n")
    run(
      process.execPath,
      [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      browserOnly,
    )
    const assets = await readdir(join(browserOnly, 'dist/assets'))
    const built = await readFile(
      join(browserOnly, 'dist/assets', assets.find((f) => f.endsWith('.js')) ?? ''),
      'utf8',
    )
    expect(built).toContain('birthday-editor')
    await writeFile(join(browserOnly, 'server.mjs'), "await import('birthday-editor/server')\n")
    let failure = ''
    try {
      run(process.execPath, ['server.mjs'], browserOnly)
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr)
    }
    expect(failure).toContain(
      'birthday-editor/server needs @clerk/backend, an optional peer dependency: npm install @clerk/backend@3',
    )

    // The command loads only the subcommand it runs: the emulator starts without @clerk/backend.
    const emulator = command(['emulator', '--port', '0'], browserOnly, browserOnly)
    const [, proxyUrl] = await emulator.waitFor(/CLERK_PROXY_URL=(\S+)\n/)
    const config = (await (await fetch(`${proxyUrl}/__emulator/config`)).json()) as {
      publishableKey: string
    }
    expect(config.publishableKey).toMatch(/^pk_test_/)
    expect(emulator.output().stderr).not.toContain('@clerk/backend')
    emulator.child.kill('SIGINT')
    expect(await emulator.exited).toBe(0)
  }, 120_000)

  it('installs beside ClerkJS 5 with plain npm install (no --legacy-peer-deps)', async () => {
    const clerk5 = await mkdtemp(join(tmpdir(), 'birthday-editor-clerk5-'))
    try {
      // The ClerkJS 5 this repository tests with (its `clerk-js-5` alias), so npm's cache has it.
      const version = await installedVersion('clerk-js-5')
      expect(version).toMatch(/^5\./)
      await writeFile(
        join(clerk5, 'package.json'),
        JSON.stringify({ name: 'clerk-5-app', private: true, type: 'module' }),
      )
      const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']
      run('npm', [...args, `@clerk/clerk-js@${version}`, tarballPath], clerk5)
      const installed = JSON.parse(
        await readFile(join(clerk5, 'node_modules/@clerk/clerk-js/package.json'), 'utf8'),
      ) as { version: string }
      expect(installed.version).toBe(version)
      expect(
        run('npm', ['ls', 'birthday-editor', '@clerk/clerk-js', '--parseable'], clerk5),
      ).toContain('birthday-editor')
    } finally {
      await rm(clerk5, { recursive: true, force: true })
    }
  }, 180_000)

  it('runs the emulator README\'s "Embed it" snippet as written', async () => {
    const readme = await readFile(join(repo, 'emulator/README.md'), 'utf8')
    const snippet = /## Embed it\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    expect(snippet).toContain("from 'birthday-editor/emulator'")
    await writeFile(
      join(scratch, 'embed.mjs'),
      `${snippet}\nconsole.log(JSON.stringify(Object.keys(emulator.config()).sort()))\n`,
    )
    expect(JSON.parse(run(process.execPath, ['embed.mjs']))).toEqual(
      expect.arrayContaining(['apiUrl', 'jwtKey', 'proxyUrl', 'publishableKey', 'secretKey']),
    )
  }, 60_000)

  it("runs the emulator README's recipe for an app's own Playwright tests as written", async () => {
    // A Vite app as a user has it: the package from its tarball, Clerk's SDKs and Playwright from npm.
    const { app, executablePath, emulatorReadme, readme } = await recipeApp(
      'app-e2e',
      await Promise.all(
        ['@clerk/backend', '@clerk/clerk-js', '@clerk/ui', 'vite', '@playwright/test'].map(
          asInstalled,
        ),
      ),
    )
    try {
      // The documented files, verbatim; index.html as the README describes it.
      await mkdir(join(app, 'src'))
      await mkdir(join(app, 'e2e'))
      await writeFile(
        join(app, 'playwright.config.ts'),
        snippet(emulatorReadme, 'app-playwright-config'),
      )
      await writeFile(join(app, 'src/main.ts'), snippet(emulatorReadme, 'app-main'))
      await writeFile(join(app, 'e2e/birthday.spec.ts'), snippet(emulatorReadme, 'app-e2e-spec'))
      await writeFile(join(app, 'vite.config.ts'), snippet(readme, 'server/snippets/vite.ts'))
      await writeFile(
        join(app, 'index.html'),
        '<!doctype html>\n<html lang="en">\n<title>app</title>\n<div id="sign-in"></div>\n' +
          '<birthday-editor></birthday-editor>\n<script type="module" src="/src/main.ts"></script>\n',
      )
      // Free ports through the config's documented overrides, so parallel runs never collide.
      const { code, output, emulatorPort } = await playwrightIn(app, executablePath, 200_000)
      expect(code, output).toBe(0)
      expect(output).toMatch(/\b2 passed\b/)
      // The emulator wrote its lines where Vite read them, for this run's port.
      expect(await readFile(join(app, '.env.e2e.local'), 'utf8')).toContain(
        `VITE_CLERK_PROXY_URL=http://localhost:${emulatorPort}\n`,
      )
    } finally {
      await rm(app, { recursive: true, force: true })
    }
  }, 300_000)

  it("runs the emulator README's Next.js recipe as written: the same spec, next build and next start", async () => {
    // A Next.js 16 app as create-next-app and Clerk's Next quickstart leave it (the versions of
    // examples/nextjs), the package from its tarball, Playwright and @clerk/backend from npm; the
    // emulator serves ClerkJS and the UI from the app's node_modules, as the README says.
    const example = join(repo, 'examples/nextjs')
    const exampleManifest = JSON.parse(await readFile(join(example, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const { app, executablePath, emulatorReadme, readme } = await recipeApp('app-next-e2e', [
      ...['next', 'react', 'react-dom', '@clerk/nextjs'].map(
        (name) => `${name}@${exampleManifest.dependencies[name]}`,
      ),
      ...(await Promise.all(
        [
          '@clerk/backend',
          '@clerk/clerk-js',
          '@clerk/ui',
          '@playwright/test',
          'typescript',
          '@types/react',
        ].map(asInstalled),
      )),
      ...['@types/react-dom', '@types/node'].map(
        (name) => `${name}@${exampleManifest.devDependencies[name]}`,
      ),
      'dotenv-cli@11',
    ])
    try {
      // The quickstart's files (examples/nextjs's proxy.ts and tsconfig.json, a root layout with
      // <ClerkProvider>), the main README's route; the documented files verbatim. Kept for a look
      // when KEEP_NEXT_RECIPE_APP is set.
      await mkdir(join(app, 'app/api/update-user-metadata'), { recursive: true })
      await mkdir(join(app, 'e2e'))
      for (const file of ['proxy.ts', 'tsconfig.json']) {
        await writeFile(join(app, file), await readFile(join(example, file), 'utf8'))
      }
      // create-next-app 16's default next.config.ts: Cache Components on.
      await writeFile(
        join(app, 'next.config.ts'),
        "import type { NextConfig } from 'next'\n\n" +
          'const nextConfig: NextConfig = {\n  cacheComponents: true,\n  partialPrefetching: true,\n}\n\n' +
          'export default nextConfig\n',
      )
      await writeFile(
        join(app, 'app/layout.tsx'),
        "import { ClerkProvider } from '@clerk/nextjs'\nimport type { ReactNode } from 'react'\n\n" +
          'export default function RootLayout({ children }: { children: ReactNode }) {\n' +
          '  return (\n    <ClerkProvider>\n      <html lang="en">\n        <body>\n' +
          '          <main>{children}</main>\n        </body>\n      </html>\n    </ClerkProvider>\n  )\n}\n',
      )
      await writeFile(
        join(app, 'app/api/update-user-metadata/route.ts'),
        snippet(readme, 'server/snippets/nextjs-route.ts'),
      )
      await writeFile(join(app, 'app/page.tsx'), snippet(emulatorReadme, 'app-next-page'))
      await writeFile(
        join(app, 'playwright.config.ts'),
        snippet(emulatorReadme, 'app-next-playwright-config'),
      )
      // The Vite recipe's spec, unchanged.
      await writeFile(join(app, 'e2e/birthday.spec.ts'), snippet(emulatorReadme, 'app-e2e-spec'))
      if (process.env.KEEP_NEXT_RECIPE_APP) console.log(`Next.js recipe app: ${app}`)
      const { code, output, emulatorPort, seconds } = await playwrightIn(
        app,
        executablePath,
        240_000,
      )
      console.log(`Next.js recipe: npx playwright test took ${seconds.toFixed(1)} s`)
      expect(code, output).toBe(0)
      expect(output).toMatch(/\b2 passed\b/)
      // The emulator's lines reached Next through its environment only: no .env file Next reads.
      expect(await readFile(join(app, '.env.e2e.local'), 'utf8')).toContain(
        `NEXT_PUBLIC_CLERK_PROXY_URL=http://localhost:${emulatorPort}\n`,
      )
      expect((await readdir(app)).filter((name) => name.startsWith('.env'))).toEqual([
        '.env.e2e.local',
      ])
    } finally {
      if (!process.env.KEEP_NEXT_RECIPE_APP) await rm(app, { recursive: true, force: true })
    }
  }, 420_000)

  it('type-checks a TypeScript consumer against the shipped .d.ts files', async () => {
    await writeFile(
      join(scratch, 'consumer.ts'),
      `
import { BirthdayEditorElement, type BirthdayEditorStatus } from 'birthday-editor'
import 'birthday-editor/define'
import { createBirthdayHandler, type BirthdayHandler } from 'birthday-editor/server'
import type { EmulatorConfig } from 'birthday-editor/emulator'
const status: BirthdayEditorStatus = 'saving'
const handler: BirthdayHandler = createBirthdayHandler({ secretKey: 'sk_test_x', allowedOrigins: [] })
declare const config: EmulatorConfig
export const used = [status, handler, config.proxyUrl, BirthdayEditorElement.observedAttributes]
document.querySelector('birthday-editor')?.addEventListener('birthday-editor-saved', (e) => e.birthday)
`,
    )
    expect(await typecheck('consumer.ts')).toBe('')
  }, 60_000)

  it('types the tag and its events in React 19, Vue and Svelte from the shipped typings', async () => {
    // The frameworks' own types come from this repository (linked, as a user's project has them
    // installed); the typings under test are the packed ones.
    for (const name of ['@types/react', 'csstype', 'vue', 'svelte']) {
      const link = join(scratch, 'node_modules', name)
      await mkdir(dirname(link), { recursive: true })
      await symlink(join(repo, 'node_modules', name), link, 'dir').catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw error
      })
    }
    // The repository's own compile-time checks of the typings, pointed at the packed package.
    const checks = await readFile(join(repo, 'types/frameworks.check.tsx'), 'utf8')
    const packed = checks.replace(
      /from '\.\/(react|vue|svelte)\.d\.ts'/g,
      "from 'birthday-editor/$1'",
    )
    expect(packed.match(/from 'birthday-editor\/(react|vue|svelte)'/g)).toHaveLength(3)
    await writeFile(join(scratch, 'frameworks.tsx'), packed)
    expect(await typecheck('frameworks.tsx', { jsx: 'react-jsx' })).toBe('')
  }, 60_000)

  it('types window.Clerk as ClerkJS 5 or 6 only for a project that opts in', async () => {
    const use = `
import 'birthday-editor/define'
const clerk = window.Clerk
if (clerk) {
  await clerk.load()
  const id: string | undefined = clerk.user?.id
  document.querySelector('birthday-editor')!.clerk = clerk
  void id
}
export {}
`
    await writeFile(join(scratch, 'no-global.ts'), use)
    await writeFile(
      join(scratch, 'global.ts'),
      `import type {} from 'birthday-editor/clerk-global'\n${use}`,
    )
    const link = join(scratch, 'node_modules/@clerk/clerk-js')
    for (const installed of ['@clerk/clerk-js', 'clerk-js-5']) {
      await rm(link, { recursive: true, force: true })
      await mkdir(dirname(link), { recursive: true })
      await symlink(join(repo, 'node_modules', installed), link, 'dir')
      // With the opt-in, against this major's own types (linked from this repository, as installed).
      expect(await typecheck('global.ts', { skipLibCheck: true }), installed).toBe('')
      // Without it, nothing of ours declares window.Clerk, ClerkJS installed or not: no surprise.
      expect(await typecheck('no-global.ts', { skipLibCheck: true }), installed).toContain(
        "Property 'Clerk' does not exist on type 'Window",
      )
    }
    await rm(link, { recursive: true, force: true })
  }, 120_000)
})
