/**
 * Test support: a real `redis-server` (Debian's package) on a free loopback port, persistence off
 * (`--save '' --appendonly no`), stopped by the test. `stop()` and `start()` again on the same port
 * play a Redis restart (which, without persistence, forgets every key). When the binary is missing
 * the test fails with the line saying how to install it: it never passes by skipping.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export const REDIS_MISSING =
  'redis-server is not installed: apt-get install redis-server (Debian/Ubuntu; .ci/run installs it)'

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string
  port: number
  /** Stops it (SIGKILL when `abruptly`, else SIGTERM) and waits for the exit. */
  stop(options?: { abruptly?: boolean }): Promise<void>
  /** Starts it again on the same port, empty. */
  start(): Promise<void>
}

function binary(): string {
  const path = process.env.REDIS_SERVER ?? 'redis-server'
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) throw new Error(REDIS_MISSING)
  return path
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/** Spawns redis-server on `port`; resolves once it accepts connections. */
function launch(path: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    path,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      process.env.TMPDIR ?? '/tmp',
      '--dbfilename',
      `redis-test-${port}.rdb`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start on port ${port}: ${output.slice(-500)}`))
    }, 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}) on port ${port}: ${output.slice(-500)}`))
    })
  })
}

/** Starts a redis-server on a free loopback port; throws {@link REDIS_MISSING} without one. */
export async function startRedisServer(): Promise<RedisServer> {
  const path = binary()
  let port = 0
  let child: ChildProcess | undefined
  for (let attempt = 0; !child; attempt += 1) {
    port = await freePort()
    try {
      child = await launch(path, port)
    } catch (error) {
      // Another process took the port between the probe and the start: try another.
      if (attempt >= 4) throw error
    }
  }
  let running: ChildProcess | undefined = child
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop(options = {}) {
      const current = running
      running = undefined
      if (!current || current.exitCode !== null) return
      const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
      current.kill(options.abruptly ? 'SIGKILL' : 'SIGTERM')
      await exited
    },
    async start() {
      if (running) return
      running = await launch(path, port)
    },
  }
}
