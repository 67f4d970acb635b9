/**
 * The emulator's command line:
 *
 *   npm run emulator -- [--port 4010] [--host 127.0.0.1] [--data FILE] [--key-file FILE] [--key-host HOST]
 *
 * Runs in the foreground and prints the settings as `KEY=value` lines for a `.env` file on stdout, for
 * backend SDKs, Next.js and Vite (`env-lines.ts`; everything else goes to stderr). `--data` keeps users
 * and metadata across restarts; `--key-file` signs with a fixed PEM private key instead of one
 * generated at start. The key names a Clerk development host by default, so ClerkJS runs the
 * dev-browser flow that `@clerk/backend`'s cookie mode expects. Ctrl-C or SIGTERM stops it cleanly.
 */

import { parseArgs } from 'node:util'
import { installedClerkJs, installedClerkUi } from './clerk-js-source.ts'
import { envLines } from './env-lines.ts'
import { EmulatorFileError, readPrivateKeyFile, SnapshotFile } from './files.ts'
import { startEmulator } from './start.ts'

/**
 * The host the CLI's publishable key names: a Clerk development host (`*.accounts.dev`), which makes
 * ClerkJS create a dev browser, as it does on Clerk's own development instances. Nothing contacts it:
 * every SDK reaches the emulator through the printed proxy and API URLs.
 */
export const CLI_KEY_HOST = 'emulator.clerk.accounts.dev'

const USAGE = `usage: npm run emulator -- [--port 4010] [--host 127.0.0.1] [--data FILE] [--key-file FILE] [--key-host HOST]

  --port N         port to listen on (default 4010; 0 = any free port)
  --host HOST      interface to listen on (default 127.0.0.1)
  --data FILE      keep users and metadata in FILE across restarts (JSON, written atomically)
  --key-file FILE  sign tokens with this PEM RSA-2048 private key (default: a new key per start)
  --key-host HOST  host named by the publishable key (default ${CLI_KEY_HOST})`

class CliError extends Error {}

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2))
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const privateKeyPem = args.keyFile ? await readPrivateKeyFile(args.keyFile) : undefined
  const store = args.data ? new SnapshotFile(args.data) : null
  const state = store ? await store.load() : undefined

  const emulator = await startEmulator({
    port: args.port,
    host: args.host,
    keyHost: args.keyHost,
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

  const clerkUi = await installedClerkUi().catch(() => null)
  process.stdout.write(
    envLines(emulator.config, {
      clerkJs: (await installedClerkJs()).version.split('.')[0] ?? '6',
      clerkUi: clerkUi?.version.split('.')[0] ?? null,
    }),
  )
  process.stderr.write(
    `clerk emulator listening on ${emulator.url}${args.data ? ` (data: ${args.data})` : ''}; Ctrl-C stops it\n`,
  )

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
}

interface CliArgs {
  port: number
  host: string
  data: string | undefined
  keyFile: string | undefined
  keyHost: string
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
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, { cause: error })
  }
  if (values.help) return 'help'
  const port = Number(values.port ?? '4010')
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be an integer from 0 to 65535 (got ${values.port ?? ''})`)
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    data: values.data,
    keyFile: values['key-file'],
    keyHost: values['key-host'] ?? CLI_KEY_HOST,
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `clerk emulator: ${error instanceof CliError || error instanceof EmulatorFileError ? error.message : String((error as Error).stack ?? error)}\n`,
  )
  process.exit(1)
})
