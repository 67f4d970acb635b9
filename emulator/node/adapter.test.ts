/**
 * The Node adapter over real sockets, through `startEmulator`: loopback, dropped connections, hangs
 * ended by the caller, injected delays and the body limit.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from './start.ts'

describe('node adapter over real sockets', () => {
  let emu: StartedEmulator

  beforeAll(async () => {
    emu = await startEmulator()
  })

  afterAll(() => emu.close())

  async function fault(body: unknown) {
    const response = await fetch(`${emu.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(201)
  }

  it('listens on loopback and advertises localhost', () => {
    expect(emu.url).toMatch(/^http:\/\/localhost:\d+$/)
    expect(emu.config.proxyUrl).toBe(emu.url)
  })

  it('destroys the socket for a dropped connection: fetch rejects', async () => {
    await fault({ path: '/v1/client', drop: true })
    await expect(fetch(`${emu.url}/v1/client`)).rejects.toThrow(/fetch failed/)
    expect((await fetch(`${emu.url}/v1/client`)).status).toBe(200)
  })

  it('ends a hang when the caller aborts, and logs 499', async () => {
    await fault({ path: '/v1/environment', hang: true })
    await expect(
      fetch(`${emu.url}/v1/environment`, { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow(/aborted/i)
    await expect
      .poll(async () => {
        const log = (await (await fetch(`${emu.url}/__emulator/requests`)).json()) as {
          requests: { path: string; status: number }[]
        }
        return log.requests.find((entry) => entry.path === '/v1/environment')?.status
      })
      .toBe(499)
  })

  it('delays a response by the injected time', async () => {
    await fault({ path: '/v1/environment', delayMs: 150 })
    const started = performance.now()
    expect((await fetch(`${emu.url}/v1/environment`)).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('answers 413 to bodies over 1 MB', async () => {
    const response = await fetch(`${emu.url}/v1/client/sign_ins`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
    })
    expect(response.status).toBe(413)
  })
})
