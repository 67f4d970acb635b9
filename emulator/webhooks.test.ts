/**
 * Webhooks over real HTTP: the emulator listens on 127.0.0.1, a receiver on another free port, and
 * every delivery is checked by `verifyWebhook` from `@clerk/backend/webhooks`, as an app's route does.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClerkClient } from '@clerk/backend'
import { verifyWebhook } from '@clerk/backend/webhooks'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEmulator } from './app.ts'
import { startEmulator, type StartedEmulator } from './node/start.ts'
import { TestBrowser } from './testing/browser.ts'
import { control as emulatorControl } from './testing/control.ts'

interface Received {
  headers: Record<string, string>
  body: string
}

/** A webhook endpoint on a free loopback port; `answer` decides each response (default 204). */
class Receiver {
  readonly received: Received[] = []
  answer: (index: number) => 'ok' | 'fail' | 'hang' = () => 'ok'
  #server = createServer((req, res) => void this.#handle(req, res))
  #hanging: ServerResponse[] = []
  url = ''

  async start(): Promise<this> {
    await new Promise<void>((done) => this.#server.listen(0, '127.0.0.1', done))
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhooks`
    return this
  }

  async #handle(req: IncomingMessage, res: ServerResponse) {
    let body = ''
    for await (const chunk of req) body += String(chunk)
    const index = this.received.length
    this.received.push({ headers: req.headers as Record<string, string>, body })
    const answer = this.answer(index)
    if (answer === 'hang') this.#hanging.push(res)
    else res.writeHead(answer === 'ok' ? 204 : 500).end()
  }

  request(index: number, change: (r: Received) => Received = (r) => r): Request {
    const { headers, body } = change(this.received[index]!)
    return new Request(this.url, { method: 'POST', headers, body })
  }

  async waitFor(count: number): Promise<void> {
    const deadline = Date.now() + 10_000
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.received.length} of ${count} deliveries`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  async close() {
    for (const res of this.#hanging) res.destroy()
    this.#server.closeAllConnections()
    await new Promise((done) => this.#server.close(done))
  }
}

let emu: StartedEmulator
let receiver: Receiver

beforeAll(async () => {
  receiver = await new Receiver().start()
  emu = await startEmulator({
    webhooks: { endpoints: [receiver.url], retryScheduleMs: [50, 100], timeoutMs: 300 },
  })
})

afterAll(async () => {
  await emu.close()
  await receiver.close()
})

afterEach(async () => {
  await control('POST', 'reset')
  receiver.received.length = 0
  receiver.answer = () => 'ok'
})

const control = (method: string, path: string, body?: unknown) =>
  emulatorControl(emu.url, method, path, body)

const clerk = () =>
  createClerkClient({
    secretKey: emu.config.secretKey,
    apiUrl: emu.config.apiUrl,
    telemetry: { disabled: true },
  })

const secret = () => emu.config.webhookSigningSecret

async function adaId(): Promise<string> {
  return (await clerk().users.getUserList({ emailAddress: ['ada@example.test'] })).data[0]!.id
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return String((error as Error).message)
  }
  throw new Error('expected a rejection')
}

describe('webhooks', () => {
  it('delivers user.updated for a metadata write, verified by verifyWebhook, in Clerk’s shape', async () => {
    expect(secret()).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    const id = await adaId()
    await clerk().users.updateUserMetadata(id, { publicMetadata: { birthday: '1815-12-10' } })
    await receiver.waitFor(1)
    const event = await verifyWebhook(receiver.request(0), { signingSecret: secret() })
    expect(event).toMatchObject({
      type: 'user.updated',
      object: 'event',
      instance_id: expect.stringMatching(/^ins_/),
      timestamp: expect.any(Number),
      event_attributes: {
        http_request: { client_ip: expect.any(String), user_agent: expect.any(String) },
      },
      data: { object: 'user', id, public_metadata: { birthday: '1815-12-10' } },
    })
    expect(receiver.received[0]!.headers['svix-id']).toMatch(/^msg_/)
  })

  it('is refused by verifyWebhook with a tampered body, an old timestamp or a wrong secret', async () => {
    const id = await adaId()
    await clerk().users.updateUserMetadata(id, { publicMetadata: { birthday: '1815-12-10' } })
    await receiver.waitFor(1)
    const tampered = receiver.request(0, (r) => ({ ...r, body: r.body.replace('1815', '1816') }))
    expect(await rejection(verifyWebhook(tampered, { signingSecret: secret() }))).toMatch(
      /Unable to verify incoming webhook/,
    )
    const wrong = `whsec_${Buffer.from('another-secret-of-24-bytes').toString('base64')}`
    expect(await rejection(verifyWebhook(receiver.request(0), { signingSecret: wrong }))).toMatch(
      /Unable to verify incoming webhook/,
    )
    // Signed by an emulator whose clock runs ten minutes behind: outside the tolerance.
    await control('PATCH', 'settings', { clockOffsetMs: -600_000 })
    await clerk().users.updateUserMetadata(id, { publicMetadata: { birthday: '1815-12-11' } })
    await receiver.waitFor(2)
    expect(
      await rejection(verifyWebhook(receiver.request(1), { signingSecret: secret() })),
    ).toMatch(/Unable to verify incoming webhook.*(too old|timestamp)/i)
  })

  it('keeps one user’s events in order and sends the lifecycle events', async () => {
    const browser = new TestBrowser(emu.config.proxyUrl)
    const sessionId = await browser.signIn()
    const id = await adaId()
    for (let n = 1; n <= 5; n += 1) {
      await clerk().users.updateUserMetadata(id, { publicMetadata: { n } })
    }
    await clerk().sessions.revokeSession(sessionId)
    const created = await clerk().users.createUser({
      emailAddress: ['grace@example.test'],
      password: 'hopper-1906',
    })
    await clerk().users.deleteUser(created.id)
    await receiver.waitFor(9)
    const events = await Promise.all(
      receiver.received.map((_, i) =>
        verifyWebhook(receiver.request(i), { signingSecret: secret() }),
      ),
    )
    const ada = events.filter((event) => (event.data as { id?: string }).id !== created.id)
    expect(ada.map((event) => event.type)).toEqual([
      'session.created',
      ...Array(5).fill('user.updated'),
      'session.revoked',
    ])
    expect(
      ada
        .slice(1, 6)
        .map(
          (event) =>
            (event.data as unknown as { public_metadata: { n: number } }).public_metadata.n,
        ),
    ).toEqual([1, 2, 3, 4, 5])
    expect(ada[6]!.data).toMatchObject({ object: 'session', id: sessionId, status: 'revoked' })
    const grace = events.filter((event) => (event.data as { id?: string }).id === created.id)
    expect(
      grace.map((event) => [event.type, (event.data as { deleted?: boolean }).deleted]),
    ).toEqual([
      ['user.created', undefined],
      ['user.deleted', true],
    ])
  })

  it('retries after a 500 and after no answer, and logs every attempt', async () => {
    receiver.answer = (index) => (index === 0 ? 'fail' : index === 1 ? 'hang' : 'ok')
    const id = await adaId()
    await clerk().users.updateUserMetadata(id, { publicMetadata: { birthday: '2000-01-01' } })
    await receiver.waitFor(3)
    const ids = receiver.received.map((r) => r.headers['svix-id'])
    expect(new Set(ids).size).toBe(1)
    await expect(
      verifyWebhook(receiver.request(2), { signingSecret: secret() }),
    ).resolves.toMatchObject({
      type: 'user.updated',
    })
    await emu.emulator.webhooksIdle()
    const { deliveries } = (await control('GET', 'webhooks/deliveries')) as {
      deliveries: { attempt: number; status: number | null; ok: boolean; error: string | null }[]
    }
    expect(deliveries.map(({ attempt, status, ok }) => [attempt, status, ok])).toEqual([
      [1, 500, false],
      [2, null, false],
      [3, 204, true],
    ])
    expect(deliveries[1]!.error).toBe('no answer within 300 ms')
  })

  it('gives up after the schedule, and a replay sends the same message again', async () => {
    receiver.answer = () => 'fail'
    const id = await adaId()
    await clerk().users.updateUserMetadata(id, { publicMetadata: { birthday: '2000-01-01' } })
    await receiver.waitFor(3)
    await emu.emulator.webhooksIdle()
    expect(receiver.received).toHaveLength(3)
    const { events } = (await control('GET', 'webhooks/events')) as {
      events: { id: string; type: string }[]
    }
    receiver.answer = () => 'ok'
    await control('POST', `webhooks/events/${events[0]!.id}/replay`)
    await receiver.waitFor(4)
    expect(receiver.received[3]!.headers['svix-id']).toBe(events[0]!.id)
    await expect(
      verifyWebhook(receiver.request(3), { signingSecret: secret() }),
    ).resolves.toMatchObject({
      type: 'user.updated',
    })
  })

  it('registers endpoints through the control surface, and refuses a bad one', async () => {
    const second = await new Receiver().start()
    try {
      await control('POST', 'webhooks', { url: second.url })
      expect(await control('GET', 'webhooks')).toEqual({
        endpoints: [receiver.url, second.url],
        signingSecret: secret(),
      })
      await clerk().users.updateUserMetadata(await adaId(), { publicMetadata: { x: 1 } })
      await second.waitFor(1)
      await receiver.waitFor(1)
      const bad = await fetch(`${emu.url}/__emulator/webhooks`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: 'ftp://example.test/hook' }),
      })
      expect(bad.status).toBe(400)
      expect(await bad.text()).toContain('http or https')
      const unknown = await fetch(`${emu.url}/__emulator/webhooks/events/msg_missing/replay`, {
        method: 'POST',
      })
      expect(unknown.status).toBe(404)
    } finally {
      await second.close()
    }
  })

  it('keeps the signing secret in the persisted state', async () => {
    const snapshots: { webhookSecret?: string }[] = []
    const first = await createEmulator({
      onStateChange: (snapshot) => void snapshots.push(snapshot),
    })
    const kept = snapshots.at(-1)!
    expect(kept.webhookSecret).toBe(first.config('http://127.0.0.1').webhookSigningSecret)
    const second = await createEmulator({ state: kept as never })
    expect(second.config('http://127.0.0.1').webhookSigningSecret).toBe(kept.webhookSecret)
    await expect(
      createEmulator({ state: { ...(kept as object), webhookSecret: 'not-a-secret' } as never }),
    ).rejects.toThrow(/invalid emulator state.*webhookSecret/)
  })
})
