/**
 * The Node server over real HTTP on loopback: bodies that are too large or cut off mid-way end their
 * own request and nothing else — in-process, and in a separately spawned `birthday-editor server` whose
 * survival is checked from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBirthdayHandler, type LogEntry } from '../handler.ts'
import { settingsFromEnv, startServer, type StartedServer } from './start.ts'
import { createFakeBackendApi, fakeUser } from '../testing/fake-backend-api.ts'
import {
  generateSigningKey,
  sessionClaims,
  signSessionToken,
  type SigningKey,
} from '../testing/tokens.ts'

const SECRET = 'sk_test_node'
const ORIGIN = 'http://app.test'
const PATH = '/api/update-user-metadata'
const USER = 'user_ada'
const BODY_TIMEOUT_MS = 1_000

let key: SigningKey

function fakeBackendApi() {
  return createFakeBackendApi({
    secretKey: SECRET,
    users: [fakeUser(USER, { birthday: '1990-12-10' })],
  })
}

/**
 * Serves a fake Backend API over loopback HTTP: the handler reaches the Backend API only through
 * `@clerk/backend`, which takes no `fetch`, and these tests need the real global `fetch` themselves.
 */
async function serveBackendApi(
  bapi: ReturnType<typeof fakeBackendApi>,
): Promise<{ apiUrl: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined
      const answer = await bapi.fetch(`http://bapi${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body,
      })
      res.writeHead(answer.status, Object.fromEntries(answer.headers))
      res.end(Buffer.from(await answer.arrayBuffer()))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** Sends raw bytes, then waits for the server to answer and close (or for `timeoutMs`). */
function raw(
  url: string,
  parts: (string | Uint8Array)[],
  options: { destroy?: boolean; timeoutMs?: number } = {},
): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(received)
    }
    const timer = setTimeout(done, options.timeoutMs ?? 4_000)
    socket.on('data', (data) => {
      received += data.toString('latin1')
    })
    socket.on('error', () => undefined)
    socket.on('close', done)
    socket.on('connect', () => {
      for (const part of parts) socket.write(part)
      if (options.destroy) done()
    })
  })
}

/** One keep-alive connection: send bytes, then read exactly one response (by Content-Length). */
async function connection(url: string) {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  await new Promise((resolve) => socket.once('connect', resolve))
  let buffer = ''
  let closed = false
  const waiting: (() => void)[] = []
  socket.on('data', (data) => {
    buffer += data.toString('latin1')
    waiting.splice(0).forEach((wake) => wake())
  })
  socket.on('error', () => undefined)
  socket.on('close', () => {
    closed = true
    waiting.splice(0).forEach((wake) => wake())
  })
  return {
    get closed() {
      return closed
    },
    send(...parts: string[]) {
      for (const part of parts) socket.write(part)
    },
    /** The next whole response (head and body), or what arrived before the socket closed. */
    async response(timeoutMs = 4_000): Promise<string> {
      const until = Date.now() + timeoutMs
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n')
        if (end >= 0) {
          const length = Number(/content-length: *(\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0)
          if (buffer.length >= end + 4 + length) {
            const whole = buffer.slice(0, end + 4 + length)
            buffer = buffer.slice(end + 4 + length)
            return whole
          }
        }
        if (closed || Date.now() > until) return buffer
        await new Promise<void>((resolve) => {
          waiting.push(resolve)
          setTimeout(resolve, 50)
        })
      }
    },
    /** Resolves true once the server has closed the connection (false after `timeoutMs`). */
    async closes(timeoutMs = 4_000): Promise<boolean> {
      const until = Date.now() + timeoutMs
      while (!closed && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
      return closed
    },
    destroy() {
      socket.destroy()
    },
  }
}

function head(token: string, extra: string[]): string {
  return [
    `POST ${PATH} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: Bearer ${token}`,
    'Content-Type: application/json',
    ...extra,
    '',
    '',
  ].join('\r\n')
}

async function validToken(): Promise<string> {
  return signSessionToken(key, sessionClaims(USER, ORIGIN))
}

beforeAll(async () => {
  key = await generateSigningKey()
})

describe('startServer and its adapter, in-process', () => {
  let server: StartedServer
  let bapiServer: Server
  const logs: LogEntry[] = []
  const bapi = fakeBackendApi()

  beforeAll(async () => {
    const served = await serveBackendApi(bapi)
    bapiServer = served.server
    const handler = createBirthdayHandler({
      secretKey: SECRET,
      jwtKey: key.publicKeyPem,
      apiUrl: served.apiUrl,
      allowedOrigins: [ORIGIN],
      rateLimit: { max: 1000, windowMs: 10_000 },
      logger: (entry) => logs.push(entry),
      bodyTimeoutMs: BODY_TIMEOUT_MS,
    })
    server = await startServer({ handler, port: 0 })
  })

  afterAll(async () => {
    await server.close()
    await new Promise((resolve) => bapiServer.close(resolve))
  })

  async function stillServes() {
    const response = await fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await validToken()}`,
        'Content-Type': 'application/json',
        Origin: ORIGIN,
      },
      body: JSON.stringify({ birthday: '1991-01-01' }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(await response.json()).toEqual({ birthday: '1991-01-01' })
  }

  it('listens on 127.0.0.1 and serves the handler', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await stillServes()
  })

  it('a declared oversized body is a 413 sent before the body is read', async () => {
    const answer = await raw(server.url, [
      head(await validToken(), ['Content-Length: 5000000']),
      new Uint8Array(65_536),
    ])
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toContain('"payload_too_large"')
    expect(answer.toLowerCase()).toContain('connection: close')
    await stillServes()
  })

  it('a chunked body that grows past the limit is a 413', async () => {
    const chunk = `400\r\n${' '.repeat(1024)}\r\n`
    const answer = await raw(server.url, [
      head(await validToken(), ['Transfer-Encoding: chunked']),
      '1\r\n{\r\n',
      chunk,
      chunk,
      chunk,
    ])
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    await stillServes()
  })

  it('a connection dropped mid-body ends that request only', async () => {
    const before = logs.length
    await raw(server.url, [head(await validToken(), ['Content-Length: 100']), '{"birthday":"19'], {
      destroy: true,
    })
    await expect.poll(() => logs.length, { timeout: 3_000 }).toBeGreaterThan(before)
    expect(logs.at(-1)).toMatchObject({ status: 400, reason: 'body_stream' })
    await stillServes()
  })

  it('a body cut short that parses as a valid save is never written', async () => {
    const writes = bapi.writes
    const before = logs.length
    // A whole save, but 15 bytes short of what it declared, then the connection drops.
    await raw(
      server.url,
      [head(await validToken(), ['Content-Length: 40']), '{"birthday":"1999-09-09"}'],
      { destroy: true },
    )
    await expect.poll(() => logs.length, { timeout: 3_000 }).toBeGreaterThan(before)
    expect(logs.at(-1)).toMatchObject({ status: 400, reason: 'body_stream' })
    expect(bapi.writes).toBe(writes)
    expect(bapi.user(USER)?.public_metadata.birthday).not.toBe('1999-09-09')
  })

  it('twenty drops and oversized bodies at once leave it serving', async () => {
    const token = await validToken()
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? raw(server.url, [head(token, ['Content-Length: 50']), '{'], { destroy: true })
          : raw(server.url, [head(token, ['Content-Length: 9999999']), new Uint8Array(8192)], {
              timeoutMs: 3_000,
            }),
      ),
    )
    await stillServes()
    expect(bapi.writes).toBeGreaterThan(0)
  })

  it('an early reject (no token) drains its small body: the same connection serves the next request', async () => {
    const conn = await connection(server.url)
    try {
      const body = '{"birthday":"1999-09-09"}'
      conn.send(
        [
          `POST ${PATH} HTTP/1.1`,
          'Host: 127.0.0.1',
          'Content-Type: application/json',
          `Content-Length: ${body.length}`,
          '',
          body,
        ].join('\r\n'),
      )
      const refused = await conn.response()
      expect(refused).toMatch(/^HTTP\/1\.1 401 /)
      expect(refused.toLowerCase()).not.toContain('connection: close')
      conn.send(
        [
          `GET ${PATH} HTTP/1.1`,
          'Host: 127.0.0.1',
          `Authorization: Bearer ${await validToken()}`,
          '',
          '',
        ].join('\r\n'),
      )
      const next = await conn.response()
      expect(next).toMatch(/^HTTP\/1\.1 200 /)
      expect(next).toContain('"birthday"')
      expect(conn.closed).toBe(false)
    } finally {
      conn.destroy()
    }
  })

  it('an early reject whose body is unfinished, or larger than the limit, closes the connection', async () => {
    for (const [declared, sent] of [
      [25, '{"birth'],
      [4096, ' '.repeat(4096)],
    ] as const) {
      const conn = await connection(server.url)
      conn.send(
        [
          `POST ${PATH} HTTP/1.1`,
          'Host: 127.0.0.1',
          'Content-Type: application/json',
          `Content-Length: ${declared}`,
          '',
          sent,
        ].join('\r\n'),
      )
      const refused = await conn.response()
      expect(refused).toMatch(/^HTTP\/1\.1 (401|413) /)
      expect(refused.toLowerCase()).toContain('connection: close')
      expect(await conn.closes()).toBe(true)
    }
    await stillServes()
  })

  it('a body that stalls is a 408 within the body deadline + 1 s, and the connection closes', async () => {
    const conn = await connection(server.url)
    const started = Date.now()
    conn.send(head(await validToken(), ['Content-Length: 25']), '{"birthday":')
    const answer = await conn.response(BODY_TIMEOUT_MS + 3_000)
    const elapsed = Date.now() - started
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(answer).toContain('"request_timeout"')
    expect(answer.toLowerCase()).toContain('connection: close')
    expect(elapsed).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50)
    expect(elapsed).toBeLessThan(BODY_TIMEOUT_MS + 1_000)
    expect(await conn.closes()).toBe(true)
    expect(logs.at(-1)).toMatchObject({ status: 408, reason: 'body_timeout' })
    await stillServes()
  })

  it('TRACE (refused by the fetch API) and garbage requests are answered, not fatal', async () => {
    const trace = await raw(server.url, [
      `TRACE ${PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ])
    expect(trace).toMatch(/^HTTP\/1\.1 405 /)
    const garbage = await raw(server.url, ['NOT HTTP AT ALL\r\n\r\n'])
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /)
    await stillServes()
  })
})

describe('settingsFromEnv', () => {
  it('reads the emulator lines: quoted PEM with \\n escapes, comma-separated origins', () => {
    const settings = settingsFromEnv({
      CLERK_SECRET_KEY: 'sk_test_x',
      CLERK_PUBLISHABLE_KEY: 'pk_test_Y2xlcmsudGVzdCQ',
      CLERK_JWT_KEY: '"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"',
      CLERK_API_URL: 'http://127.0.0.1:4010/api',
      ALLOWED_ORIGINS: 'http://localhost:5173, http://127.0.0.1:5173',
      PORT: '0',
    })
    expect(settings.options).toMatchObject({
      secretKey: 'sk_test_x',
      jwtKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      apiUrl: 'http://127.0.0.1:4010/api',
      allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    })
    expect(settings).toMatchObject({ port: 0, host: '127.0.0.1' })
  })

  it('names what is missing', () => {
    expect(() => settingsFromEnv({ ALLOWED_ORIGINS: 'http://a.test' })).toThrow(/CLERK_SECRET_KEY/)
    expect(() => settingsFromEnv({ CLERK_SECRET_KEY: 'sk' })).toThrow(/ALLOWED_ORIGINS/)
    expect(() =>
      settingsFromEnv({ CLERK_SECRET_KEY: 'sk', ALLOWED_ORIGINS: 'http://a.test', PORT: 'x' }),
    ).toThrow(/PORT/)
  })
})

describe('npm run server (a separate process)', () => {
  let child: ChildProcess
  let url = ''
  let bapiServer: Server
  const bapi = fakeBackendApi()

  beforeAll(async () => {
    // The Backend API, served over loopback HTTP from this test process.
    const served = await serveBackendApi(bapi)
    bapiServer = served.server
    const apiUrl = served.apiUrl
    child = spawn(process.execPath, ['--import', 'tsx', 'bin/birthday-editor.ts', 'server'], {
      env: {
        PATH: process.env.PATH,
        CLERK_SECRET_KEY: SECRET,
        CLERK_JWT_KEY: `"${key.publicKeyPem.replace(/\n/g, '\\n')}"`,
        CLERK_API_URL: apiUrl,
        ALLOWED_ORIGINS: ORIGIN,
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start')), 15_000)
      let out = ''
      child.stdout?.on('data', (data: Buffer) => {
        out += data.toString()
        const match = /listening on (http:\/\/\S+)/.exec(out)
        if (match?.[1]) {
          clearTimeout(timer)
          resolve(match[1])
        }
      })
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    })
  }, 20_000)

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await new Promise((resolve) => bapiServer.close(resolve))
  })

  async function get() {
    return fetch(`${url}${PATH}`, { headers: { Authorization: `Bearer ${await validToken()}` } })
  }

  it('survives an oversized body and a connection dropped mid-body', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await get()).status).toBe(200)
    const token = await validToken()
    const oversized = await raw(url, [
      head(token, ['Content-Length: 10000000']),
      new Uint8Array(65_536),
    ])
    expect(oversized).toMatch(/^HTTP\/1\.1 413 /)
    await raw(url, [head(token, ['Content-Length: 100']), '{"birth'], { destroy: true })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(child.exitCode).toBe(null)
    const after = await get()
    expect(after.status).toBe(200)
    expect(await after.json()).toEqual({ birthday: '1990-12-10' })
  })

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
