/**
 * The Node-specific serving: the handler on `node:http` through `@hono/node-server` (its command
 * line, `npm run server`, is `cli.ts`), and its settings from the environment — the emulator's
 * `KEY=value` lines or real Clerk keys, plus `PORT`, `HOST` and `ALLOWED_ORIGINS` (comma-separated). It listens on
 * 127.0.0.1 unless told otherwise.
 *
 * The adapter reads the socket only when the handler asks: a declared length over the limit is
 * refused before anything is read, a declared length within it bounds what is read, and a body of
 * unknown length is a pull-based stream the handler cancels past the limit, so an oversized body
 * is never buffered. After the handler has answered:
 * a small body (at most the body limit) that it never read and that has already arrived is drained,
 * so the connection stays open for the next request; anything else unread (larger, unfinished, or
 * abandoned part-way by a 413 or 408) closes the connection. A client that drops the connection
 * mid-body only ends its own request. Headers that never finish are Node's job: `headersTimeout`
 * (10 s) ends such a connection; a body that stalls is the handler's `408` (`bodyTimeoutMs`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener, RequestError, type HttpBindings } from '@hono/node-server'
import { DEFAULT_BODY_LIMIT_BYTES } from '../body.ts'
import { ENV, originList, readVariable as envValue } from '../env.ts'
import { errorToResponse, HttpError } from '../errors.ts'
import { DEFAULT_PATH, type BirthdayHandler, type BirthdayHandlerOptions } from '../handler.ts'

export const DEFAULT_PORT = 8787
export const DEFAULT_HOST = '127.0.0.1'
/** After answering a request whose body was not read to the end, how long the client gets to read
 * the answer before the socket is closed. */
const UNREAD_BODY_GRACE_MS = 1_000
/** How long an unread small body may take to arrive in full and be drained (it normally has). */
const DRAIN_WAIT_MS = 100

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
 * Adapts a `(Request) => Promise<Response>` handler to a `node:http` request listener, through
 * `@hono/node-server` (which also makes the global `Request`/`Response` its lighter versions).
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
      const response = await handler(request)
      await settleBody(incoming, outgoing, limit)
      return response
    },
    {
      // A request target or Host the adapter cannot make a URL of is the handler's 404; anything
      // else (the handler never throws) its generic 500.
      errorHandler: (error) =>
        errorToResponse(
          error instanceof RequestError
            ? new HttpError('not_found', 'no such endpoint', { reason: 'target' })
            : error,
        ).response,
    },
  )
}

export interface RunningServer {
  url: string
  server: Server
  close(): Promise<void>
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function startServer(options: {
  handler: BirthdayHandler
  port?: number
  host?: string
  /** The handler's body limit, if not the default: unread bodies up to it are drained. */
  bodyLimitBytes?: number
}): Promise<RunningServer> {
  const server: Server = createServer(
    toNodeListener(options.handler, { bodyLimitBytes: options.bodyLimitBytes }),
  )
  server.requestTimeout = 30_000
  server.headersTimeout = 10_000
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy()
      return
    }
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    const code = timedOut ? 'request_timeout' : 'invalid_body'
    const message = timedOut ? 'the request did not arrive in time' : 'malformed request'
    const body = JSON.stringify({ error: { code, message } })
    socket.end(
      `HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
  const host = options.host ?? DEFAULT_HOST
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Handler options, port and host from environment variables; throws naming what is missing. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): {
  options: BirthdayHandlerOptions
  port: number
  host: string
} {
  const secretKey = envValue(env, ENV.secretKey)
  if (!secretKey) throw new Error('CLERK_SECRET_KEY is not set')
  const allowedOrigins = originList(
    envValue(env, ENV.allowedOrigins) ?? envValue(env, ENV.authorizedParties),
  )
  if (allowedOrigins.length === 0) {
    throw new Error(
      'ALLOWED_ORIGINS (or CLERK_AUTHORIZED_PARTIES) is not set (comma-separated origins, e.g. http://localhost:5173)',
    )
  }
  const port = Number(envValue(env, 'PORT') ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('PORT is not a port')
  return {
    options: {
      secretKey,
      publishableKey: envValue(env, ENV.publishableKey),
      jwtKey: envValue(env, ENV.jwtKey),
      apiUrl: envValue(env, ENV.apiUrl),
      allowedOrigins,
      path: DEFAULT_PATH,
    },
    port,
    host: envValue(env, 'HOST') ?? DEFAULT_HOST,
  }
}
