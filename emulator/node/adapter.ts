/**
 * Serves a web-standard fetch function from Node's http server. Requests get an `AbortSignal` that fires
 * when the client goes away (so an injected hang ends), and a response marked with `x-emulator-drop: 1`
 * makes the adapter destroy the socket instead of answering, which is what a dropped connection looks
 * like to the caller.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { DROP_HEADER } from '../app.ts'

export type FetchFunction = (request: Request) => Promise<Response>

/** Request bodies above this size get 413 without reaching the app. */
export const MAX_BODY_BYTES = 1024 * 1024

export function toNodeListener(
  fetch: FetchFunction,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(fetch, req, res).catch((error: unknown) => {
      console.error('clerk emulator: cannot answer the request', error)
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end('{"errors":[{"code":"internal_clerk_error","message":"adapter failure"}]}')
    })
  }
}

async function serve(fetch: FetchFunction, req: IncomingMessage, res: ServerResponse) {
  const controller = new AbortController()
  res.once('close', () => {
    if (!res.writableFinished) controller.abort()
  })

  let url: URL
  try {
    url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
  } catch {
    res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"errors":[]}')
    return
  }
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '')
  }
  const method = req.method ?? 'GET'
  let body: Uint8Array<ArrayBuffer> | null = null
  if (method !== 'GET' && method !== 'HEAD') {
    body = await readBody(req)
    if (body === null) {
      res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' })
      res.end('{"errors":[{"code":"request_body_too_large","message":"Request body too large"}]}')
      return
    }
  }

  const response = await fetch(
    new Request(url, { method, headers, body, signal: controller.signal }),
  )
  if (response.headers.get(DROP_HEADER) === '1') {
    req.socket.destroy()
    return
  }
  if (controller.signal.aborted) return

  const outgoing: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') outgoing[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) outgoing['set-cookie'] = cookies
  const payload = response.body ? new Uint8Array(await response.arrayBuffer()) : null
  res.writeHead(response.status, response.statusText || undefined, outgoing)
  res.end(payload)
}

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | null> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of req) {
    const bytes = chunk as Uint8Array
    size += bytes.length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(bytes)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}
