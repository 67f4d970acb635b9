#!/usr/bin/env node
/**
 * The package's one command: `birthday-editor server [options]` serves the handler on Node,
 * `birthday-editor emulator [options]` runs the offline Clerk emulator. `npm run server` and
 * `npm run emulator` in a clone run this same file. Each subcommand answers `--help`.
 */
import { emulatorMain } from '../emulator/node/cli.ts'
import { serverMain } from '../server/node/cli.ts'

const USAGE = `usage: birthday-editor <command> [options]

Commands:
  server     serve the <birthday-editor> handler on Node (birthday-editor server --help)
  emulator   run the offline Clerk emulator (birthday-editor emulator --help)

Both read .env in the working directory if present; variables already set win.`

const [command, ...rest] = process.argv.slice(2)
if (command === 'server') {
  serverMain(rest)
} else if (command === 'emulator') {
  emulatorMain(rest)
} else if (
  command === undefined ||
  command === '--help' ||
  command === '-h' ||
  command === 'help'
) {
  process.stdout.write(`${USAGE}\n`)
} else {
  process.stderr.write(`birthday-editor: unknown command "${command}"\n\n${USAGE}\n`)
  process.exitCode = 1
}
