/**
 * The CLI as a child process (`birthday-editor emulator`, through `tsx bin/birthday-editor.ts` as
 * `npm run emulator` runs it): its KEY=value output, `.env` and `--help`, `--key-file`, persistence with
 * `--data` across restarts, a corrupt data file, `--write-env` (whole before the first answer, or a
 * clear exit 1), and a clean stop on SIGTERM and SIGINT.
 */
import { createClerkClient, verifyToken } from '@clerk/backend'
import { verifyWebhook } from '@clerk/backend/webhooks'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
// tsx as a loader in the CLI's own process: no tsx parent relaying signals (its 30 ms relay wait
// gives up under load and exits 130/143 on the child's behalf).
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clerk-emulator-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

interface Cli {
  child: ChildProcessWithoutNullStreams
  env: Record<string, string>
  stdout: string
  exit: Promise<{ code: number | null; stderr: string }>
}

/** Runs the CLI until it printed all its KEY=value lines (the last is Vite's telemetry switch). */
function runCli(args: string[], options: { cwd?: string; port?: string[] } = {}): Promise<Cli> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      path.join(ROOT, 'bin/birthday-editor.ts'),
      'emulator',
      ...(options.port ?? ['--port', '0']),
      ...args,
    ],
    { cwd: options.cwd ?? ROOT },
  )
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr })),
  )
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const env = parseEnv(stdout)
      if ('VITE_CLERK_TELEMETRY_DISABLED' in env) resolve({ child, env, stdout, exit })
    })
    void exit.then(({ code }) => {
      resolve({ child, env: parseEnv(stdout), stdout, exit })
      if (code === null) reject(new Error('the CLI was killed'))
    })
  })
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line)
    if (match?.[1]) env[match[1]] = match[2] ?? ''
  }
  return env
}

async function stop(cli: Cli): Promise<{ code: number | null; stderr: string }> {
  cli.child.kill('SIGTERM')
  return cli.exit
}

describe('the CLI', () => {
  it('prints the settings, keeps users across restarts with --data and the key with --key-file', async () => {
    const data = path.join(dir, 'state', 'users.json')
    const keyFile = path.join(dir, 'key.pem')
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    })
    await writeFile(keyFile, privateKey)

    const first = await runCli(['--data', data, '--key-file', keyFile])
    expect(Object.keys(first.env)).toEqual([
      'CLERK_PUBLISHABLE_KEY',
      'CLERK_SECRET_KEY',
      'CLERK_PROXY_URL',
      'CLERK_API_URL',
      'CLERK_JWT_KEY',
      'CLERK_WEBHOOK_SIGNING_SECRET',
      'CLERK_TELEMETRY_DISABLED',
      'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY',
      'NEXT_PUBLIC_CLERK_PROXY_URL',
      'NEXT_PUBLIC_CLERK_JS_URL',
      'NEXT_PUBLIC_CLERK_UI_URL',
      'NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED',
      'VITE_CLERK_PUBLISHABLE_KEY',
      'VITE_CLERK_PROXY_URL',
      'VITE_CLERK_JS_URL',
      'VITE_CLERK_UI_URL',
      'VITE_CLERK_TELEMETRY_DISABLED',
    ])
    // A Clerk development host, so ClerkJS runs the dev-browser flow; nothing ever contacts it.
    expect(atob(first.env.CLERK_PUBLISHABLE_KEY?.slice(8) ?? '')).toBe(
      'emulator.clerk.accounts.dev$',
    )
    for (const prefix of ['NEXT_PUBLIC_', 'VITE_']) {
      expect(first.env[`${prefix}CLERK_PUBLISHABLE_KEY`]).toBe(first.env.CLERK_PUBLISHABLE_KEY)
      expect(first.env[`${prefix}CLERK_PROXY_URL`]).toBe(first.env.CLERK_PROXY_URL)
      expect(first.env[`${prefix}CLERK_TELEMETRY_DISABLED`]).toBe('1')
      // Each script URL is served, as printed.
      for (const name of ['CLERK_JS_URL', 'CLERK_UI_URL']) {
        const url = first.env[`${prefix}${name}`] ?? ''
        expect(url.startsWith(`${first.env.CLERK_PROXY_URL}/npm/@clerk/`)).toBe(true)
        const script = await fetch(url)
        expect(script.status).toBe(200)
        expect(script.headers.get('content-type')).toMatch(/^text\/javascript/)
      }
    }
    expect(first.env.CLERK_PROXY_URL).toMatch(/^http:\/\/localhost:\d+$/)
    expect(first.env.CLERK_API_URL).toBe(`${first.env.CLERK_PROXY_URL}/api`)
    expect(first.env.CLERK_JWT_KEY).toMatch(
      /^"-----BEGIN PUBLIC KEY-----\\n[^"\n]+\\n-----END PUBLIC KEY-----"$/,
    )
    const config = (await (
      await fetch(`${first.env.CLERK_PROXY_URL}/__emulator/config`)
    ).json()) as {
      jwtKey: string
    }
    expect(JSON.parse(first.env.CLERK_JWT_KEY ?? '')).toBe(config.jwtKey.trim())

    const api = createClerkClient({
      secretKey: first.env.CLERK_SECRET_KEY ?? '',
      apiUrl: first.env.CLERK_API_URL ?? '',
      telemetry: { disabled: true },
    })
    const created = await api.users.createUser({
      emailAddress: ['kept@example.test'],
      password: 'still-here-1',
    })
    await api.users.updateUserMetadata(created.id, { publicMetadata: { birthday: '1999-09-09' } })
    expect(await stop(first)).toMatchObject({ code: 0 })
    const saved = JSON.parse(await readFile(data, 'utf8')) as { users: { emailAddress: string }[] }
    expect(saved.users.map((user) => user.emailAddress)).toEqual([
      'ada@example.test',
      'kept@example.test',
    ])
    expect(await readFile(data, 'utf8')).not.toContain('still-here-1')

    const second = await runCli(['--data', data, '--key-file', keyFile])
    try {
      expect(second.env.CLERK_JWT_KEY).toBe(first.env.CLERK_JWT_KEY)
      // The secret key is kept too: the .env written from the first start still works.
      expect(second.env.CLERK_SECRET_KEY).toBe(first.env.CLERK_SECRET_KEY)
      const again = createClerkClient({
        secretKey: first.env.CLERK_SECRET_KEY ?? '',
        apiUrl: second.env.CLERK_API_URL ?? '',
        telemetry: { disabled: true },
      })
      const { data: users } = await again.users.getUserList({ emailAddress: ['kept@example.test'] })
      expect(users.map((user) => [user.id, user.publicMetadata])).toEqual([
        [created.id, { birthday: '1999-09-09' }],
      ])
    } finally {
      expect(await stop(second)).toMatchObject({ code: 0 })
    }
  })

  it('with --data alone keeps the signing key beside it: a session still mints after a restart', async () => {
    const data = path.join(dir, 'alone', 'state.json')
    const first = await runCli(['--data', data])
    const proxy = first.env.CLERK_PROXY_URL ?? ''
    const origin = 'http://localhost:3000'
    const signedIn = await fetch(`${proxy}/v1/client/sign_ins`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
      body: new URLSearchParams({ identifier: 'ada@example.test', password: 'lovelace-1815' }),
    })
    expect(signedIn.status).toBe(200)
    const cookie = signedIn.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ')
    const sessionId = ((await signedIn.json()) as { response: { created_session_id: string } })
      .response.created_session_id
    const { stderr } = await stop(first)
    // The demo user's credentials are printed (on stderr: stdout is the .env lines only).
    expect(stderr).toContain('sign in as ada@example.test / lovelace-1815')
    expect(first.stdout).not.toContain('lovelace-1815')
    expect(await readFile(path.join(dir, 'alone', 'state.signing-key.pem'), 'utf8')).toMatch(
      /^-----BEGIN PRIVATE KEY-----/,
    )

    const second = await runCli(['--data', data])
    try {
      expect(second.env.CLERK_JWT_KEY).toBe(first.env.CLERK_JWT_KEY)
      const minted = await fetch(
        `${second.env.CLERK_PROXY_URL}/v1/client/sessions/${sessionId}/tokens`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Cookie: cookie,
            Origin: origin,
          },
          body: 'organization_id=',
        },
      )
      expect(minted.status).toBe(200)
      const { jwt } = (await minted.json()) as { jwt: string }
      // Verifiable with the key printed before the restart, as an app's .env still holds it.
      const claims = await verifyToken(jwt, {
        jwtKey: JSON.parse(first.env.CLERK_JWT_KEY ?? '') as string,
        authorizedParties: [origin],
      })
      expect(claims.sid).toBe(sessionId)
    } finally {
      expect(await stop(second)).toMatchObject({ code: 0 })
    }
  })

  it('prints a commented ALLOWED_ORIGINS hint, never a setting', async () => {
    const cli = await runCli([])
    try {
      expect(cli.stdout).toMatch(/^# ALLOWED_ORIGINS=http:\/\/localhost:5173$/m)
      expect(cli.env).not.toHaveProperty('ALLOWED_ORIGINS')
    } finally {
      await stop(cli)
    }
  })

  it('--webhook delivers signed events; the printed secret verifies them and --data keeps it', async () => {
    const received: Request[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        received.push(
          new Request('http://127.0.0.1/hook', {
            method: 'POST',
            headers: req.headers as Record<string, string>,
            body,
          }),
        )
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    const data = path.join(dir, 'webhooks', 'state.json')
    try {
      const cli = await runCli(['--data', data, '--webhook', hook, '--webhook-retry-ms', '10,20'])
      const secret = cli.env.CLERK_WEBHOOK_SIGNING_SECRET ?? ''
      expect(secret).toMatch(/^whsec_/)
      const clerk = createClerkClient({
        secretKey: cli.env.CLERK_SECRET_KEY ?? '',
        apiUrl: cli.env.CLERK_API_URL ?? '',
      })
      const [ada] = (await clerk.users.getUserList({ emailAddress: ['ada@example.test'] })).data
      await clerk.users.updateUserMetadata(ada!.id, { publicMetadata: { birthday: '1815-12-10' } })
      for (let i = 0; received.length === 0 && i < 200; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      const event = await verifyWebhook(received[0]!, { signingSecret: secret })
      expect(event).toMatchObject({ type: 'user.updated', data: { id: ada!.id } })
      const stopped = await stop(cli)
      expect(stopped, stopped.stderr).toMatchObject({ code: 0 })
      const again = await runCli(['--data', data])
      expect(again.env.CLERK_WEBHOOK_SIGNING_SECRET).toBe(secret)
      expect(await stop(again)).toMatchObject({ code: 0 })
    } finally {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
    }
  })

  it('refuses a --webhook that is not an http(s) URL', async () => {
    const cli = await runCli(['--webhook', 'ftp://example.test/hook'])
    const { code, stderr } = await cli.exit
    expect(code).toBe(1)
    expect(stderr).toContain('--webhook must be an http(s) URL (got ftp://example.test/hook)')
  })

  it('refuses a corrupt data file with a clear error and leaves it untouched', async () => {
    const data = path.join(dir, 'corrupt.json')
    await writeFile(data, '{"version":1,"users":[')
    const cli = await runCli(['--data', data])
    const { code, stderr } = await cli.exit
    expect(code).toBe(1)
    expect(stderr).toContain(`data file ${data} is corrupt`)
    expect(cli.stdout).toBe('')
    expect(await readFile(data, 'utf8')).toBe('{"version":1,"users":[')
  })

  it('stops cleanly on Ctrl-C (SIGINT) and closes its port', async () => {
    const cli = await runCli([])
    const url = cli.env.CLERK_PROXY_URL ?? ''
    expect((await fetch(`${url}/__emulator/config`)).status).toBe(200)
    cli.child.kill('SIGINT')
    const { code } = await cli.exit
    expect(code).toBe(0)
    await expect(fetch(`${url}/__emulator/config`)).rejects.toThrow()
  })

  it('--write-env writes the printed lines to the file, replacing an older one', async () => {
    const file = path.join(dir, '.env.e2e.local')
    await writeFile(file, 'CLERK_SECRET_KEY=sk_test_from_an_earlier_run\n')
    const cli = await runCli(['--write-env', file])
    // Complete once the emulator answers: what a Playwright webServer's `url` waits for.
    expect((await fetch(`${cli.env.CLERK_PROXY_URL}/__emulator/config`)).status).toBe(200)
    expect(await readFile(file, 'utf8')).toBe(cli.stdout)
    expect(parseEnv(await readFile(file, 'utf8')).CLERK_SECRET_KEY).toMatch(/^sk_test_emu_/)
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/))
    const { code, stderr } = await stop(cli)
    expect(code).toBe(0)
    expect(stderr).toContain(`(lines in ${file})`)
  })

  it('--write-env: the file is whole by the time the emulator answers its first request', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo
        probe.close(() => resolve(port))
      })
    })
    const file = path.join(dir, 'first-answer.env')
    const started = runCli(['--write-env', file], { port: ['--port', String(port)] })
    // Poll from before it listens: refused, then 503 while it starts, then the first 200.
    let status = 0
    const deadline = Date.now() + 20_000
    while (status !== 200 && Date.now() < deadline) {
      status = await fetch(`http://127.0.0.1:${port}/__emulator/config`).then(
        (response) => response.status,
        () => 0,
      )
    }
    expect(status).toBe(200)
    const atFirstAnswer = await readFile(file, 'utf8')
    const cli = await started
    expect(atFirstAnswer).toBe(cli.stdout)
    expect((await stop(cli)).code).toBe(0)
  })

  it('--write-env that cannot be written: a clear error, exit 1, no lines, nothing replaced', async () => {
    // A folder where the file should go: the write or the rename fails; the folder stays as it was.
    const target = path.join(dir, 'a-folder')
    await mkdir(target)
    await writeFile(path.join(target, 'keep.txt'), 'kept')
    for (const file of [target, path.join(dir, 'missing', '.env.e2e.local')]) {
      const cli = await runCli(['--write-env', file])
      const { code, stderr } = await cli.exit
      expect(code, stderr).toBe(1)
      expect(stderr).toContain(`clerk emulator: cannot write --write-env ${file}: `)
      expect(cli.stdout).toBe('')
    }
    expect(await readdir(target)).toEqual(['keep.txt'])
    expect(await readFile(path.join(target, 'keep.txt'), 'utf8')).toBe('kept')
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/))
  })

  it('rejects unknown options with the usage', async () => {
    const cli = await runCli(['--nope'])
    const { code, stderr } = await cli.exit
    expect(code).toBe(1)
    expect(stderr).toContain('usage: birthday-editor emulator')
  })

  it('--help names every option and exits 0', async () => {
    const cli = await runCli(['--help'])
    expect((await cli.exit).code).toBe(0)
    for (const option of [
      '--port',
      '--host',
      '--data',
      '--key-file',
      '--key-host',
      '--write-env',
      '--webhook',
      '--webhook-retry-ms',
      '--help',
    ]) {
      expect(cli.stdout).toContain(option)
    }
  })

  it('takes EMULATOR_PORT and EMULATOR_HOST from .env in the working directory', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'emulator-dotenv-'))
    try {
      await writeFile(path.join(cwd, '.env'), 'EMULATOR_PORT=0\nEMULATOR_HOST=127.0.0.1\n')
      const cli = await runCli([], { cwd, port: [] })
      // Port 0 from .env: any free port, not the default 4010.
      expect(cli.env.CLERK_API_URL).toMatch(/^http:\/\/localhost:\d+\/api$/)
      expect(cli.env.CLERK_API_URL).not.toContain(':4010/')
      expect((await stop(cli)).code).toBe(0)
    } finally {
      await rm(cwd, { recursive: true, force: true })
    }
  })
})
