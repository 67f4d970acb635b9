/**
 * Over HTTP, with no allowed origins configured: the handler behind the Node adapter accepts its
 * own origin (a page served by the same server) and refuses another with a 403, using the real
 * `@clerk/backend` against the emulator, with tokens minted by the emulator for each page's origin.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { createBirthdayHandler, type LogEntry } from '../handler.ts'
import { signIn } from '../testing/emulator-client.ts'
import { toNodeListener } from './adapter.ts'

let emu: StartedEmulator
let server: Server
let origin = ''
const logs: LogEntry[] = []

beforeAll(async () => {
  emu = await startEmulator({ port: 0 })
  const handler = createBirthdayHandler({
    secretKey: emu.config.secretKey,
    jwtKey: emu.config.jwtKey,
    apiUrl: emu.config.apiUrl,
    logger: (entry) => logs.push(entry),
  })
  server = createServer(toNodeListener(handler)).listen(0, '127.0.0.1')
  await once(server, 'listening')
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}, 30_000)

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((done) => server?.close(done))
  await emu?.close()
})

it('no allowed origins: its own origin saves and reads; another origin is a 403 naming what to set', async () => {
  const url = `${origin}/api/update-user-metadata`
  const ada = await signIn(emu.config.proxyUrl, origin)
  const saved = await fetch(url, {
    method: 'POST',
    headers: {
      Origin: origin,
      Authorization: `Bearer ${await ada.mint(origin)}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ birthday: '1990-12-10' }),
  })
  expect(saved.status).toBe(200)
  // A same-origin GET carries no Origin header: the token's azp must still be this origin.
  const read = await fetch(url, { headers: { Authorization: `Bearer ${await ada.mint(origin)}` } })
  expect(await read.json()).toEqual({ birthday: '1990-12-10' })

  const other = 'http://localhost:5173'
  const foreign = await fetch(url, {
    method: 'POST',
    headers: {
      Origin: other,
      Authorization: `Bearer ${await ada.mint(other)}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ birthday: '1991-01-01' }),
  })
  expect(foreign.status).toBe(403)
  expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull()
  expect(logs.at(-1)?.reason).toContain('set ALLOWED_ORIGINS')
  const after = await fetch(url, { headers: { Authorization: `Bearer ${await ada.mint(origin)}` } })
  expect(await after.json()).toEqual({ birthday: '1990-12-10' })
})
