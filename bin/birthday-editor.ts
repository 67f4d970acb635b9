#!/usr/bin/env node
/**
 * The package's one command: `birthday-editor server [options]` serves the handler on Node,
 * `birthday-editor emulator [options]` runs the offline Clerk emulator. `npm run server` and
 * `npm run emulator` in a clone run this same file. Each subcommand answers `--help`.
 *
 * Each subcommand's code is loaded only when it runs: the server's loads `@clerk/backend` (an optional
 * peer), which a project that installed the package for the browser does not have, and which the
 * emulator never uses.
 */

const USAGE = `usage: birthday-editor <command> [options]

Commands:
  server     serve the <birthday-editor> handler on Node (birthday-editor server --help)
  emulator   run the offline Clerk emulator (birthday-editor emulator --help)

Both read .env in the working directory if present; variables already set win.`

const [command, ...rest] = process.argv.slice(2)
if (command === 'server') {
  void import('../server/node/cli.ts').then(({ serverMain }) => serverMain(rest))
} else if (command === 'emulator') {
  void import('../emulator/node/cli.ts').then(({ emulatorMain }) => emulatorMain(rest))
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
