/**
 * The Node adapter under Express 5: the body reaches the handler whether or not a body parser read
 * it first, a stream read with nothing left is a 500 naming the cause, and nothing global changes.
 * The handler here is a stand-in that echoes what it got; the real handler behind Express runs in
 * server/readme-snippets.test.ts and from the tarball in scripts/pack.integration.ts.
 */
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type RequestHandler } from 'express'
import { afterEach, describe, expect, it, vi } from 'vitest'

const servers: Server[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((done) => server.close(done))
})

/** An Express app on loopback with `before` mounted ahead of the adapted echo handler. */
async function app(before: RequestHandler[]): Promise<string> {
  const { toNodeListener } = await import('./adapter.ts')
  const echo = async (request: Request) =>
    Response.json({
      text: await request.text(),
      type: request.headers.get('Content-Type'),
      length: request.headers.get('Content-Length'),
    })
  const application = express()
  for (const middleware of before) application.use(middleware)
  application.all('/api/update-user-metadata', toNodeListener(echo))
  const server = application.listen(0, '127.0.0.1')
  servers.push(server)
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/update-user-metadata`
}

function post(url: string, body: string, type = 'application/json'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body })
}

describe('toNodeListener under Express 5', () => {
  it('replaces no global object when imported or used', async () => {
    const before = { Request: globalThis.Request, Response: globalThis.Response }
    const node = await import('./index.ts')
    node.toNodeListener(async () => new Response(null))
    expect({ Request: globalThis.Request, Response: globalThis.Response }).toEqual(before)
    expect(globalThis.Request).toBe(before.Request)
    expect(globalThis.Response).toBe(before.Response)
  })

  it('with no body parser, the handler reads the stream', async () => {
    const answer = await post(await app([]), '{"birthday":"1815-12-10"}')
    expect(await answer.json()).toEqual({
      text: '{"birthday":"1815-12-10"}',
      type: 'application/json',
      length: '25',
    })
  })

  it('after express.json(), the handler gets the parsed body back as JSON bytes', async () => {
    const answer = await post(await app([express.json()]), '{ "birthday" : null }')
    expect(await answer.json()).toEqual({
      text: '{"birthday":null}',
      type: 'application/json',
      length: '17',
    })
  })

  it('after express.text() or express.raw(), it gets the bytes as they came', async () => {
    const body = '{"birthday":"1815-12-10"}'
    const text = await post(await app([express.text({ type: '*/*' })]), body)
    expect((await text.json()) as unknown).toMatchObject({ text: body })
    const raw = await post(await app([express.raw({ type: '*/*' })]), body)
    expect((await raw.json()) as unknown).toMatchObject({ text: body })
  })

  it('a body read before it with nothing left is a 500 internal, and stderr names the cause', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const swallow: RequestHandler = (req, _res, next) => {
      req.on('end', () => next())
      req.resume()
    }
    const answer = await post(await app([swallow]), '{"birthday":"1815-12-10"}')
    expect(answer.status).toBe(500)
    expect(await answer.json()).toEqual({ error: { code: 'internal', message: 'internal error' } })
    const { BODY_CONSUMED_MESSAGE } = await import('./adapter.ts')
    expect(printed).toHaveBeenCalledWith(BODY_CONSUMED_MESSAGE)
    expect(BODY_CONSUMED_MESSAGE).toContain('mount the handler before that middleware')
  })
})
