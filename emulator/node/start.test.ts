import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type StartedEmulator } from './start.ts'

let emu: StartedEmulator
let mounted: StartedEmulator

beforeAll(async () => {
  emu = await startEmulator()
  mounted = await startEmulator({ basePath: '/__clerk' })
})

afterAll(async () => {
  await emu.close()
  await mounted.close()
})

describe('GET /__emulator/process (the Node layer)', () => {
  it("reports this process's memory and CPU time", async () => {
    const report = (await (await fetch(`${emu.url}/__emulator/process`)).json()) as {
      pid: number
      gc: boolean
      memory: { rss: number; heapUsed: number }
      cpu: { user: number; system: number }
    }
    expect(report.pid).toBe(process.pid)
    expect(report.gc).toBe(false)
    expect(report.memory.rss).toBeGreaterThan(report.memory.heapUsed)
    expect(report.cpu.user).toBeGreaterThan(0)
  })

  it('says no GC ran when Node was started without --expose-gc', async () => {
    const report = (await (await fetch(`${emu.url}/__emulator/process?gc`)).json()) as {
      gc: boolean
    }
    expect(report.gc).toBe((globalThis as { gc?: unknown }).gc !== undefined)
  })

  it('sits below basePath, and other methods reach the app (which answers 501)', async () => {
    expect((await fetch(`${mounted.url}/__clerk/__emulator/process`)).status).toBe(200)
    expect((await fetch(`${mounted.url}/__emulator/process`)).status).not.toBe(200)
    const post = await fetch(`${emu.url}/__emulator/process`, { method: 'POST' })
    expect(post.status).toBe(501)
  })
})
