/**
 * `birthday-editor server` (`npm run server`) as a user runs it: a separate process started from
 * `bin/birthday-editor.ts` in a scratch working directory, with only the variables given here.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServer } from '../testing/redis-server.ts'
import { describeClerk } from './cli.ts'

const BIN = resolve('bin/birthday-editor.ts')
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href
const PATH = '/api/update-user-metadata'

let cwd = ''
const children: ChildProcess[] = []

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'birthday-editor-cli-'))
})

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true })
})

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (data: Buffer) => (stdout += data.toString()))
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves once stdout has matched `pattern` (15 s at most). */
    waitFor: (pattern: RegExp) =>
      new Promise<RegExpExecArray>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no ${pattern} in:\n${stdout}${stderr}`)),
          15_000,
        )
        const check = () => {
          const match = pattern.exec(stdout)
          if (match) {
            clearTimeout(timer)
            child.stdout?.off('data', check)
            done(match)
          }
        }
        child.stdout?.on('data', check)
        child.once('exit', () =>
          setTimeout(() => fail(new Error(`exited:\n${stdout}${stderr}`)), 50),
        )
        check()
      }),
  }
}

describe('birthday-editor server', () => {
  it('--help names every option and the variables, and exits 0', async () => {
    const run = start(['server', '--help'])
    expect(await run.exited).toBe(0)
    const { stdout } = run.output()
    for (const option of ['--port', '--host', '--allowed-origins', '--redis', '--env', '--help']) {
      expect(stdout).toContain(option)
    }
    for (const variable of [
      'CLERK_SECRET_KEY',
      'CLERK_JWT_KEY',
      'CLERK_API_URL',
      'ALLOWED_ORIGINS',
      'REDIS_URL',
    ]) {
      expect(stdout).toContain(variable)
    }
  })

  it('refuses an unknown option with the usage, exit 1', async () => {
    const run = start(['server', '--prot', '1'])
    expect(await run.exited).toBe(1)
    expect(run.output().stderr).toMatch(
      /Unknown option '--prot'[\s\S]*usage: birthday-editor server/,
    )
  })

  it('without a secret anywhere, names the variable and the .env it looked for', async () => {
    const run = start(['server', '--port', '0'])
    expect(await run.exited).toBe(1)
    expect(run.output().stderr).toContain(
      `CLERK_SECRET_KEY is not set (no ${join(cwd, '.env')} was found)`,
    )
  })

  it('a missing --env file is an error, not a silent default', async () => {
    const run = start(['server', '--env', 'nope.env'])
    expect(await run.exited).toBe(1)
    expect(run.output().stderr).toContain('--env nope.env: no such file')
  })

  it('reads .env (the environment wins), prints what it serves, answers, stops on Ctrl-C', async () => {
    const pem =
      '-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\\n-----END PUBLIC KEY-----'
    await writeFile(
      join(cwd, '.env'),
      [
        'CLERK_SECRET_KEY=sk_test_emu_fromdotenv',
        'CLERK_API_URL=http://127.0.0.1:9/api',
        `CLERK_JWT_KEY="${pem}"`,
        'ALLOWED_ORIGINS=http://file.test',
        'PORT=1',
        '',
      ].join('\n'),
    )
    try {
      const run = start(['server'], { ALLOWED_ORIGINS: 'http://env.test', PORT: '0' })
      const [, url] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*Ctrl-C/)
      const { stdout } = run.output()
      expect(stdout).toContain(`handler:  ${url}${PATH}`)
      expect(stdout).toContain("Clerk:    an emulator's Backend API at http://127.0.0.1:9/api")
      expect(stdout).toContain('tokens:   verified with CLERK_JWT_KEY, no network')
      expect(stdout).toContain('origins:  http://env.test\n')
      expect(stdout).toContain(`settings: ${join(cwd, '.env')} and the environment`)
      expect(stdout).toContain('stores:   in memory: this process only')
      // It answers: no token is a 401 at its path, another path a 404, and the origin is the env's.
      const noToken = await fetch(`${url}${PATH}`, { headers: { Origin: 'http://env.test' } })
      expect(noToken.status).toBe(401)
      expect(noToken.headers.get('Access-Control-Allow-Origin')).toBe('http://env.test')
      expect(
        (await fetch(`${url}${PATH}`, { headers: { Origin: 'http://file.test' } })).status,
      ).toBe(403)
      expect((await fetch(`${url}/elsewhere`)).status).toBe(404)
      run.child.kill('SIGINT')
      expect(await run.exited).toBe(0)
    } finally {
      await rm(join(cwd, '.env'), { force: true })
    }
  })
})

describe('birthday-editor server with Redis', () => {
  const clerk = {
    CLERK_SECRET_KEY: 'sk_test_emu_redis',
    CLERK_API_URL: 'http://127.0.0.1:9/api',
    ALLOWED_ORIGINS: 'http://env.test',
  }
  let redis: RedisServer

  beforeAll(async () => {
    redis = await startRedisServer()
  })

  afterAll(async () => {
    await redis?.stop()
  })

  it('--redis URL keeps the stores in that Redis, and the banner says so', async () => {
    const run = start(['server', '--port', '0', '--redis', redis.url], clerk)
    const [, url] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*Ctrl-C/)
    expect(run.output().stdout).toContain(`stores:   shared in Redis at ${redis.url} (`)
    expect((await fetch(`${url}${PATH}`, { headers: { Origin: 'http://env.test' } })).status).toBe(
      401,
    )
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  it('REDIS_URL does the same, and the banner never shows its password', async () => {
    const withPassword = redis.url.replace('redis://', 'redis://default:hunter2@')
    // This Redis's default user has no password, so it takes any: the server starts.
    const run = start(['server', '--port', '0'], { ...clerk, REDIS_URL: withPassword })
    const [, url] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*Ctrl-C/)
    expect((await fetch(`${url}${PATH}`, { headers: { Origin: 'http://env.test' } })).status).toBe(
      401,
    )
    const { stdout, stderr } = run.output()
    expect(stdout).toContain(`stores:   shared in Redis at ${redis.url} (`)
    expect(`${stdout}${stderr}`).not.toContain('hunter2')
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  it('an unreachable Redis or a URL that is not redis:// stops the start with one line', async () => {
    const refused = start(['server', '--port', '0', '--redis', 'redis://127.0.0.1:9'], clerk)
    expect(await refused.exited).toBe(1)
    expect(refused.output().stderr).toContain('cannot reach Redis at redis://127.0.0.1:9')
    const wrong = start(['server', '--port', '0', '--redis', 'http://127.0.0.1:9'], clerk)
    expect(await wrong.exited).toBe(1)
    expect(wrong.output().stderr).toContain('REDIS_URL must be a redis:// or rediss:// URL')
  })
})

describe('birthday-editor', () => {
  it('--help lists the commands; an unknown command exits 1', async () => {
    const help = start(['--help'])
    expect(await help.exited).toBe(0)
    expect(help.output().stdout).toMatch(/server[\s\S]*emulator/)
    const unknown = start(['serve'])
    expect(await unknown.exited).toBe(1)
    expect(unknown.output().stderr).toContain('unknown command "serve"')
  })
})

describe('describeClerk', () => {
  it("tells an emulator's secret from a Clerk instance's", () => {
    expect(describeClerk({ secretKey: 'sk_test_emu_x', apiUrl: 'http://e/api' })).toBe(
      "an emulator's Backend API at http://e/api",
    )
    expect(describeClerk({ secretKey: 'sk_live_x' })).toBe(
      'the Clerk Backend API at https://api.clerk.com',
    )
  })
})
