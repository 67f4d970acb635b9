/**
 * The handler on Node: `startServer` listens on `node:http` (127.0.0.1 unless told otherwise) with
 * the adapter of `adapter.ts`, and `settingsFromEnv` reads its settings from the environment — the
 * emulator's `KEY=value` lines or real Clerk keys, plus `PORT`, `HOST` and `ALLOWED_ORIGINS`
 * (comma-separated). Its command line, `npm run server`, is `cli.ts`. Headers that never finish are
 * Node's job: `headersTimeout` (10 s) ends such a connection; a body that stalls is the handler's
 * `408` (`bodyTimeoutMs`).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ENV, originList, readVariable as envValue } from '../env.ts'
import { DEFAULT_PATH, type BirthdayHandler, type BirthdayHandlerOptions } from '../handler.ts'
import { toNodeListener } from './adapter.ts'

export const DEFAULT_PORT = 8787
export const DEFAULT_HOST = '127.0.0.1'

export interface StartedServer {
  url: string
  server: Server
  close(): Promise<void>
}

export interface StartOptions {
  handler: BirthdayHandler
  /** Default 8787; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** The handler's body limit, if not the default: unread bodies up to it are drained. */
  bodyLimitBytes?: number
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function startServer(options: StartOptions): Promise<StartedServer> {
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
