// `npm start`: the Clerk emulator of the repository around this example on port 4010 (EMULATOR_PORT),
// its printed lines written to .env.local as they are, then `next dev` on http://localhost:3000.
// Ctrl-C stops both. Nothing else configures Clerk: that is the emulator's contract.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const port = process.env.EMULATOR_PORT ?? '4010'
// `npm run emulator` of the repository, without npm in between (so signals reach it).
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const emulator = spawn(tsx, ['emulator/node/cli.ts', '--port', port], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
})
let printed = ''
let next = null

emulator.stdout.on('data', (chunk) => {
  printed += chunk.toString()
  if (next || !/^VITE_CLERK_TELEMETRY_DISABLED=.*$/m.test(printed)) return
  writeFileSync('.env.local', printed)
  console.log('.env.local: the emulator printed lines; sign in as ada@example.test / lovelace-1815')
  next = spawn(
    fileURLToPath(new URL('node_modules/.bin/next', import.meta.url)),
    ['dev', '-H', 'localhost', '-p', process.env.PORT ?? '3000'],
    {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    },
  )
  next.on('exit', (code) => stop(code ?? 0))
  next.on('error', (error) => {
    console.error(`next: ${error.message} (run npm install first)`)
    stop(1)
  })
})
emulator.on('exit', (code) => stop(code ?? 1))
emulator.on('error', (error) => {
  console.error(`emulator: ${error.message} (run npm install in the repository first)`)
  stop(1)
})

let stopping = false
function stop(code) {
  if (stopping) return
  stopping = true
  next?.kill('SIGTERM')
  emulator.kill('SIGTERM')
  process.exitCode = code
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
