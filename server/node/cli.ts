/**
 * The Node server's command line (`birthday-editor server`, `npm run server`): reads `.env` in the
 * working directory if there is one (Node's `process.loadEnvFile`; variables already in the
 * environment win), takes flags over variables, serves the handler at `/api/update-user-metadata`,
 * prints what it serves, and stops cleanly on Ctrl-C or SIGTERM.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { readVariable as envValue } from '../env.ts'
import { DEFAULT_PATH, createBirthdayHandler } from '../handler.ts'
import { connectRedis, REDIS_URL_VARIABLE, type ConnectedRedis } from './redis.ts'
import { DEFAULT_HOST, DEFAULT_PORT, settingsFromEnv, startServer } from './start.ts'

export const SERVER_USAGE = `usage: birthday-editor server [options]   (in a clone: npm run server -- [options])

Serves the <birthday-editor> handler at ${DEFAULT_PATH} on Node.

  --port N                port to listen on (default: PORT, else ${DEFAULT_PORT}; 0 = any free port)
  --host HOST             interface to listen on (default: HOST, else ${DEFAULT_HOST})
  --allowed-origins LIST  comma-separated exact origins that may call it
                          (default: ALLOWED_ORIGINS, else CLERK_AUTHORIZED_PARTIES)
  --redis URL             keep the limiter and write leases in this Redis, shared by every process
                          started with the same URL (default: REDIS_URL; without it, in memory:
                          this process only)
  --env FILE              read variables from FILE (default: .env in the working directory, if present;
                          variables already in the environment win)
  -h, --help              print this help

Variables: CLERK_SECRET_KEY (required), CLERK_JWT_KEY, CLERK_API_URL, CLERK_PUBLISHABLE_KEY,
ALLOWED_ORIGINS or CLERK_AUTHORIZED_PARTIES, PORT, HOST, REDIS_URL. The lines \`birthday-editor emulator\`
prints work as they are, with ALLOWED_ORIGINS added.`

/** A usage or settings problem: printed as one line, exit code 1. */
export class ServerCliError extends Error {}

/** Which Clerk the server talks to, for the start block. */
export function describeClerk(options: { secretKey?: string; apiUrl?: string }): string {
  const apiUrl = options.apiUrl ?? 'https://api.clerk.com'
  return /^sk_(test|live)_emu_/.test(options.secretKey ?? '')
    ? `an emulator's Backend API at ${apiUrl}`
    : `the Clerk Backend API at ${apiUrl}`
}

/** Parses the flags, reads the `.env`, starts the server and prints its block; resolves once up. */
export async function runServerCli(
  argv: readonly string[],
): Promise<{ url: string; close(): Promise<void> } | 'help'> {
  const out = (line: string) => process.stdout.write(`${line}\n`)
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'allowed-origins': { type: 'string' },
        redis: { type: 'string' },
        env: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new ServerCliError(`${(error as Error).message}\n\n${SERVER_USAGE}`, { cause: error })
  }
  if (values.help) {
    out(SERVER_USAGE)
    return 'help'
  }

  const envFile = resolve(values.env ?? '.env')
  let envRead = false
  if (existsSync(envFile)) {
    try {
      process.loadEnvFile(envFile)
      envRead = true
    } catch (error) {
      throw new ServerCliError(`cannot read ${envFile}: ${(error as Error).message}`)
    }
  } else if (values.env !== undefined) {
    throw new ServerCliError(`--env ${values.env}: no such file`)
  }

  let settings: ReturnType<typeof settingsFromEnv>
  try {
    settings = settingsFromEnv({
      ...process.env,
      ...(values.port !== undefined ? { PORT: values.port } : {}),
      ...(values.host !== undefined ? { HOST: values.host } : {}),
      ...(values['allowed-origins'] !== undefined
        ? { ALLOWED_ORIGINS: values['allowed-origins'] }
        : {}),
    })
  } catch (error) {
    throw new ServerCliError(
      `${(error as Error).message}${envRead ? '' : ` (no ${envFile} was found)`}`,
    )
  }
  const redisUrl = values.redis ?? envValue(process.env, REDIS_URL_VARIABLE)
  let redis: ConnectedRedis | undefined
  if (redisUrl !== undefined) {
    try {
      redis = await connectRedis(redisUrl, {
        warn: (line) => process.stderr.write(`birthday-editor server: ${line}\n`),
      })
    } catch (error) {
      throw new ServerCliError((error as Error).message)
    }
  }
  let handler
  try {
    handler = createBirthdayHandler({
      ...settings.options,
      ...(redis
        ? {
            limiterStore: redis.stores.limiterStore,
            writeOrderStore: redis.stores.writeOrderStore,
          }
        : {}),
    })
  } catch (error) {
    await redis?.close()
    throw new ServerCliError((error as Error).message)
  }
  const running = await startServer({ handler, port: settings.port, host: settings.host }).catch(
    async (error: unknown) => {
      await redis?.close()
      if ((error as { code?: unknown }).code === 'EADDRINUSE') {
        throw new ServerCliError(`port ${settings.port} is already in use`, { cause: error })
      }
      throw error
    },
  )
  // Ready to stop before saying it is up: a signal right after the banner stops it cleanly.
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    Promise.all([running.close(), redis?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const { options } = settings
  out(`birthday-editor server: listening on ${running.url}`)
  out(`  handler:  ${running.url}${DEFAULT_PATH}`)
  out(`  Clerk:    ${describeClerk(options)}`)
  out(
    `  tokens:   ${options.jwtKey ? 'verified with CLERK_JWT_KEY, no network' : "verified with the Backend API's JWKS, cached"}`,
  )
  out(`  origins:  ${(options.allowedOrigins ?? []).join(', ')}`)
  out(
    `  stores:   ${redis ? `shared in Redis at ${redis.where} (limits and write order hold across every process using it)` : 'in memory: this process only (set REDIS_URL to share them between processes)'}`,
  )
  out(`  settings: ${envRead ? `${envFile} and the environment` : 'the environment (no .env)'}`)
  out('Ctrl-C stops it')

  return running
}

/** Runs the command line in this process: exit code 1 with one message on a usage problem. */
export function serverMain(argv: readonly string[]): void {
  runServerCli(argv).catch((error: unknown) => {
    process.stderr.write(
      `birthday-editor server: ${error instanceof ServerCliError ? error.message : String((error as Error).stack ?? error)}\n`,
    )
    process.exit(1)
  })
}
