/**
 * Adapts the handler to `node:http` through `@hono/node-server`. It reads the socket only when the
 * handler asks: a declared length over the limit is refused before anything is read, a declared
 * length within it bounds what is read, and a body of unknown length is a pull-based stream the
 * handler cancels past the limit, so an oversized body is never buffered. After the handler has
 * answered: a small body (at most the body limit) that it never read and that has already arrived
 * is drained, so the connection stays open for the next request; anything else unread (larger,
 * unfinished, or abandoned part-way by a 413 or 408) closes the connection. A client that drops the
 * connection mid-body only ends its own request.
 *
 * Behind a body parser (Express's `express.json()`, `express.text()`, `express.raw()`), the stream
 * has already been read: the handler then gets the parsed body back as bytes (`req.body`, a JSON
 * value serialized again, a string or a Buffer), with the same limits, Content-Type check and
 * schema. A stream that something read and left no `req.body` is a 500 `internal`, and a line on
 * stderr names the cause. It never replaces the process's global `Request` and
 * `Response` (`overrideGlobalObjects: false`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener, RequestError, type HttpBindings } from '@hono/node-server'
import { DEFAULT_BODY_LIMIT_BYTES } from '../body.ts'
import { errorResponse, HttpError } from '../errors.ts'
import type { BirthdayHandler } from '../handler.ts'

/** After answering a request whose body was not read to the end, how long the client gets to read
 * the answer before the socket is closed. */
const UNREAD_BODY_GRACE_MS = 1_000
/** How long an unread small body may take to arrive in full and be drained (it normally has). */
const DRAIN_WAIT_MS = 100

/** What the adapter prints when the body was read before it and nothing was left for it. */
export const BODY_CONSUMED_MESSAGE =
  'birthday-editor: the request body was read before the handler (by a body parser or other middleware) and no req.body was left; mount the handler before that middleware, or use express.json()'

/**
 * The body a parser that ran before the adapter left in `req.body`, as bytes; `undefined` when
 * nothing read the stream, `null` when it was read and nothing is left to hand on.
 */
export function parsedBody(incoming: IncomingMessage): Uint8Array<ArrayBuffer> | null | undefined {
  if (!incoming.readableDidRead) return undefined
  const body = (incoming as IncomingMessage & { body?: unknown }).body
  if (body instanceof Uint8Array) return new Uint8Array(body)
  if (typeof body === 'string') return new TextEncoder().encode(body)
  if (body !== undefined) return new TextEncoder().encode(JSON.stringify(body))
  return null
}

/** The request again with `bytes` as its body (what a body parser read before the adapter). */
function withBody(request: Request, bytes: Uint8Array<ArrayBuffer>): Request {
  const headers = new Headers(request.headers)
  headers.set('Content-Length', String(bytes.byteLength))
  return new Request(request.url, {
    method: request.method,
    headers,
    body: bytes,
    signal: request.signal,
  })
}

/** Reads and discards the rest of a body the handler never read: true if it ended within `limit`. */
function drain(incoming: IncomingMessage, limit: number): Promise<boolean> {
  return new Promise((resolve) => {
    let size = 0
    const done = (ended: boolean) => {
      clearTimeout(timer)
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('close', onClose)
      if (!ended) incoming.pause()
      resolve(ended)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > limit) done(false)
    }
    const onEnd = () => done(true)
    const onClose = () => done(incoming.complete)
    const timer = setTimeout(() => done(false), DRAIN_WAIT_MS)
    incoming.on('data', onData)
    incoming.once('end', onEnd)
    incoming.once('close', onClose)
    incoming.resume()
  })
}

/**
 * Before the answer goes out: keeps the connection when the unread body was small and is drained,
 * else answers with `Connection: close` and closes the socket once the client had time to read.
 */
async function settleBody(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  limit: number,
): Promise<void> {
  if (incoming.complete || incoming.readableEnded) return
  const declared = incoming.headers['content-length']
  const small = declared === undefined || (/^\d+$/.test(declared) && Number(declared) <= limit)
  // Untouched by the handler (an early reject): drain it if it is small and already here.
  if (small && !incoming.readableDidRead && (await drain(incoming, limit))) return
  if (outgoing.headersSent) return
  outgoing.setHeader('Connection', 'close')
  outgoing.once('finish', () => {
    setTimeout(() => incoming.socket.destroy(), UNREAD_BODY_GRACE_MS).unref()
  })
}

/**
 * Adapts a `(Request) => Promise<Response>` handler to a `node:http` request listener (also an
 * Express or Connect middleware's `(req, res)`), through `@hono/node-server`, leaving the global
 * `Request`/`Response` alone.
 */
export function toNodeListener(
  handler: BirthdayHandler,
  options: { bodyLimitBytes?: number } = {},
) {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  return getRequestListener(
    async (request, env) => {
      // Served by `node:http` (HTTP/1.1) only, never HTTP/2.
      const { incoming, outgoing } = env as HttpBindings
      const parsed = parsedBody(incoming)
      if (parsed === null) {
        console.error(BODY_CONSUMED_MESSAGE)
        return errorResponse(
          new HttpError('internal', 'internal error', { reason: 'body_consumed' }),
        ).response
      }
      const response = await handler(parsed ? withBody(request, parsed) : request)
      await settleBody(incoming, outgoing, limit)
      return response
    },
    {
      // The process's own `Request`/`Response` stay as they are: importing or using the adapter
      // changes nothing global.
      overrideGlobalObjects: false,
      // A request target or Host the adapter cannot make a URL of is the handler's 404; anything
      // else (the handler never throws) its generic 500.
      errorHandler: (error) =>
        errorResponse(
          error instanceof RequestError
            ? new HttpError('not_found', 'no such endpoint', { reason: 'target' })
            : error,
        ).response,
    },
  )
}
