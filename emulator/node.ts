/**
 * The emulator's command line:
 *
 *   npm run emulator -- [--port 4010] [--host 127.0.0.1] [--data FILE] [--key-file FILE]
 *
 * Runs in the foreground and prints the settings as `KEY=value` lines for a `.env` file on stdout
 * (everything else goes to stderr). `--data` keeps users and metadata across restarts; `--key-file` signs
 * with a fixed PEM private key instead of one generated at start. Ctrl-C or SIGTERM stops it cleanly.
 */

import { parseArgs } from 'node:util'
import type { EmulatorConfig } from './app.ts'
import { EmulatorFileError, readPrivateKeyFile, SnapshotFile } from './files.ts'
import { startEmulator } from './start.ts'

const USAGE = `usage: npm run emulator -- [--port 4010] [--host 127.0.0.1] [--data FILE] [--key-file FILE]

  --port N         port to listen on (default 4010; 0 = any free port)
  --host HOST      interface to listen on (default 127.0.0.1)
  --data FILE      keep users and metadata in FILE across restarts (JSON, written atomically)
  --key-file FILE  sign tokens with this PEM RSA-2048 private key (default: a new key per start)`

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

  process.stdout.write(envLines(emulator.config))
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

function envLines(config: EmulatorConfig): string {
  // dotenv reads "\n" inside double quotes as a newline.
  const pem = config.jwtKey.trim().replace(/\n/g, '\\n')
  return [
    `CLERK_PUBLISHABLE_KEY=${config.publishableKey}`,
    `CLERK_SECRET_KEY=${config.secretKey}`,
    `CLERK_PROXY_URL=${config.proxyUrl}`,
    `CLERK_API_URL=${config.apiUrl}`,
    `CLERK_JWT_KEY="${pem}"`,
    '',
  ].join('\n')
}

interface CliArgs {
  port: number
  host: string
  data: string | undefined
  keyFile: string | undefined
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
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `clerk emulator: ${error instanceof CliError || error instanceof EmulatorFileError ? error.message : String((error as Error).stack ?? error)}\n`,
  )
  process.exit(1)
})
