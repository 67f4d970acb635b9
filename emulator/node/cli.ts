/**
 * The emulator's command line:
 *
 *   birthday-editor emulator [--port 4010] [--host 127.0.0.1] [--data FILE] [--key-file FILE] [--key-host HOST]
 *                            [--write-env FILE]
 *   (in a clone: npm run emulator -- …, which runs the same code through bin/birthday-editor.ts)
 *
 * It reads `.env` in the working directory if there is one (variables already set win), for
 * `EMULATOR_PORT` and `EMULATOR_HOST`, the defaults of `--port` and `--host`.
 * Runs in the foreground and prints the settings as `KEY=value` lines for a `.env` file on stdout, for
 * backend SDKs, Next.js and Vite (`env-lines.ts`; everything else goes to stderr, the demo user's
 * credentials included). `--data` keeps users, sessions and metadata across restarts, and the signing
 * key beside them, so a signed-in browser stays signed in; `--key-file` signs with a fixed PEM private key instead of one
 * generated at start. `--write-env` writes the same lines to a file too (no shell redirection, which
 * differs between shells: PowerShell 5's `>` writes UTF-16), complete before the first request is
 * answered, so whoever waits for the emulator's URL (Playwright's `webServer`) finds it. (Not
 * `--env-file`: Node 20 reads that option anywhere on its command line, after the script too.) The key names a Clerk development host by default, so ClerkJS runs the
 * dev-browser flow that `@clerk/backend`'s cookie mode expects. Ctrl-C or SIGTERM stops it cleanly.
 */

import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { installedClerkJs, installedClerkUi } from './clerk-js-source.ts'
import { envLines } from '../env-lines.ts'
import {
  EmulatorFileError,
  openSigningKey,
  readPrivateKeyFile,
  signingKeyFileFor,
  SnapshotFile,
} from './files.ts'
import { DEMO_USER } from '../app.ts'
import { startEmulator } from './start.ts'

/**
 * The host the CLI's publishable key names: a Clerk development host (`*.accounts.dev`), which makes
 * ClerkJS create a dev browser, as it does on Clerk's own development instances. Nothing contacts it:
 * every SDK reaches the emulator through the printed proxy and API URLs.
 */
export const CLI_KEY_HOST = 'emulator.clerk.accounts.dev'

const USAGE = `usage: birthday-editor emulator [options]   (in a clone: npm run emulator -- [options])

Runs the offline Clerk emulator and prints its settings as KEY=value lines for a .env file.

  --port N         port to listen on (default: EMULATOR_PORT, else 4010; 0 = any free port)
  --host HOST      interface to listen on (default: EMULATOR_HOST, else 127.0.0.1)
  --data FILE      keep users, sessions, metadata and the secret key in FILE across restarts
                   (JSON, written atomically), and the signing key beside it
                   (FILE.signing-key.pem, minus .json)
  --key-file FILE  sign tokens with this PEM RSA-2048 private key (default: a new key per start)
  --key-host HOST  host named by the publishable key (default ${CLI_KEY_HOST})
  --write-env FILE also write the KEY=value lines to FILE (replaced) before answering any request
  --webhook URL    send Clerk's webhook events to URL, signed with CLERK_WEBHOOK_SIGNING_SECRET
                   (repeatable; the secret is kept with --data)
  --webhook-retry-ms LIST  delays before each retry, e.g. 100,200 (default Svix's: 5 s … 10 h)
  -h, --help       print this help

.env in the working directory is read if present (variables already set win).`

class CliError extends Error {}

/** Reads `.env` of the working directory into `process.env` if it exists; set variables win. */
function loadDotEnv(): void {
  const file = resolve('.env')
  if (!existsSync(file)) return
  try {
    process.loadEnvFile(file)
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
}

async function main(argv: string[]): Promise<void> {
  loadDotEnv()
  const args = parseCli(argv)
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  // --key-file wins; with --data alone the key is kept beside the data, so sessions and the printed
  // CLERK_JWT_KEY survive a restart.
  // The key, the data file and the installed ClerkJS / @clerk/ui are read side by side (start-up time).
  const store = args.data ? new SnapshotFile(args.data) : null
  const [privateKeyPem, state, clerkUi, clerkJs] = await Promise.all([
    args.keyFile
      ? readPrivateKeyFile(args.keyFile)
      : args.data
        ? openSigningKey(signingKeyFileFor(args.data))
        : undefined,
    store ? store.load() : undefined,
    installedClerkUi().catch(() => null),
    installedClerkJs().catch(() => null),
  ])

  const emulator = await startEmulator({
    port: args.port,
    host: args.host,
    keyHost: args.keyHost,
    webhooks: {
      endpoints: args.webhooks,
      ...(args.webhookRetryMs ? { retryScheduleMs: args.webhookRetryMs } : {}),
    },
    ...(privateKeyPem ? { privateKeyPem } : {}),
    ...(state ? { state } : {}),
    ...(store ? { onStateChange: (snapshot) => store.save(snapshot) } : {}),
    wrapFetch: (fetch) => async (request) => {
      const response = await fetch(request)
      if (response.status === 501) {
        const { pathname } = new URL(request.url)
        process.stderr.write(`clerk emulator: 501 not emulated: ${request.method} ${pathname}\n`)
      }
      return response
    },
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code
    if (code === 'EADDRINUSE') {
      throw new CliError(`port ${args.port} is already in use`, { cause: error })
    }
    throw error
  })

  const lines = envLines(emulator.config, {
    clerkJs: clerkJs?.version.split('.')[0] ?? '6',
    clerkUi: clerkUi?.version.split('.')[0] ?? null,
  })
  if (args.writeEnv) {
    try {
      writeEnvFile(args.writeEnv, lines)
    } catch (error) {
      await emulator.close()
      throw error
    }
  }

  // Stop cleanly on a signal from here on, before any line is printed: whoever reads the lines may
  // signal at once.
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    await emulator.close()
    await store?.flush()
    process.stderr.write(`clerk emulator stopped (${signal})\n`)
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))

  if (!clerkJs) {
    process.stderr.write(
      'clerk emulator: @clerk/clerk-js is not installed next to the emulator, so it cannot serve ' +
        'ClerkJS to browsers (its script URL answers 501 naming the package): npm install @clerk/clerk-js@6\n',
    )
  }
  process.stdout.write(lines)
  const demoUser =
    !state || state.users.some((user) => user.emailAddress === DEMO_USER.email)
      ? `; sign in as ${DEMO_USER.email} / ${DEMO_USER.password}`
      : ''
  process.stderr.write(
    `clerk emulator listening on ${emulator.url}${args.data ? ` (data: ${args.data})` : ''}${args.writeEnv ? ` (lines in ${args.writeEnv})` : ''}${demoUser}; Ctrl-C stops it\n`,
  )
}

/**
 * Writes the lines to `file` in one step (a temporary file beside it, then a rename), synchronously:
 * the server already listens, and no request is answered before this returns, so a caller that sees
 * an answer finds the whole file, never a part of it or the previous run's.
 */
function writeEnvFile(file: string, lines: string): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, lines, { mode: 0o600 })
    renameSync(temporary, file)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw new CliError(`cannot write --write-env ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

interface CliArgs {
  port: number
  host: string
  data: string | undefined
  keyFile: string | undefined
  keyHost: string
  writeEnv: string | undefined
  webhooks: string[]
  webhookRetryMs: number[] | null
}

function parseCli(argv: string[]): CliArgs | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'key-file': { type: 'string' },
        'key-host': { type: 'string' },
        'write-env': { type: 'string' },
        webhook: { type: 'string', multiple: true },
        'webhook-retry-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, { cause: error })
  }
  if (values.help) return 'help'
  const port = Number(values.port ?? (process.env.EMULATOR_PORT?.trim() || '4010'))
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(
      `--port must be an integer from 0 to 65535 (got ${values.port ?? process.env.EMULATOR_PORT ?? ''})`,
    )
  }
  const webhooks = values.webhook ?? []
  for (const url of webhooks) {
    if (!/^https?:\/\/[^/]/.test(url))
      throw new CliError(`--webhook must be an http(s) URL (got ${url})`)
  }
  const retry = values['webhook-retry-ms']
  const webhookRetryMs = retry === undefined ? null : retry.split(',').map(Number)
  if (webhookRetryMs?.some((ms) => !Number.isInteger(ms) || ms < 0)) {
    throw new CliError(
      `--webhook-retry-ms must be a comma-separated list of milliseconds (got ${retry})`,
    )
  }
  return {
    port,
    host: values.host ?? (process.env.EMULATOR_HOST?.trim() || '127.0.0.1'),
    data: values.data,
    keyFile: values['key-file'],
    keyHost: values['key-host'] ?? CLI_KEY_HOST,
    writeEnv: values['write-env'],
    webhooks,
    webhookRetryMs,
  }
}

/** Runs the command line with `argv` (the arguments after the command): exit 1 on a problem. */
export function emulatorMain(argv: string[]): void {
  main(argv).catch((error: unknown) => {
    process.stderr.write(
      `clerk emulator: ${error instanceof CliError || error instanceof EmulatorFileError ? error.message : String((error as Error).stack ?? error)}\n`,
    )
    process.exit(1)
  })
}

// Run directly (`tsx emulator/node/cli.ts`), as the examples' scripts do.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  emulatorMain(process.argv.slice(2))
}
