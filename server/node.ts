/**
 * The only Node-specific file: serves the handler with `node:http` (`npm run server`), reading its
 * settings from the environment — the emulator's `KEY=value` lines or real Clerk keys, plus `PORT`,
 * `HOST` and `ALLOWED_ORIGINS` (comma-separated). It listens on 127.0.0.1 unless told otherwise.
 *
 * The request body reaches the handler as a pull-based stream: the socket is paused between reads,
 * so an oversized body is never buffered, and once the handler has answered, an unread remainder
 * closes the connection. A client that drops the connection mid-body only ends its own request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { errorToResponse, HttpError } from './errors.ts'
import {
  ALLOWED_METHODS,
  createBirthdayHandler,
  type BirthdayHandler,
  type BirthdayHandlerOptions,
} from './handler.ts'

export const DEFAULT_PORT = 8787
export const DEFAULT_HOST = '127.0.0.1'
/** After answering a request whose body was not read to the end, how long the client gets to read
 * the answer before the socket is closed. */
const UNREAD_BODY_GRACE_MS = 1_000

/** The request body as a web stream that reads the socket only when the handler asks. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = () => {
        if (settled) return
        settled = true
        controller.error(new Error('the request closed before its body ended'))
      }
      req.on('data', (chunk: Buffer) => {
        if (settled) return
        controller.enqueue(new Uint8Array(chunk))
        if ((controller.desiredSize ?? 0) <= 0) req.pause()
      })
      req.on('end', () => {
        if (settled) return
        settled = true
        controller.close()
      })
      req.on('error', fail)
      req.on('close', fail)
      req.pause()
    },
    pull() {
      req.resume()
    },
    cancel() {
      settled = true
      req.pause()
    },
  })
}

function toRequest(req: IncomingMessage): Request {
  let target = req.url ?? '/'
  if (!target.startsWith('/')) {
    // absolute-form (`GET http://host/path`) or `OPTIONS *`: keep the path only.
    target = URL.canParse(target) ? new URL(target).pathname : '/'
  }
  const url = new URL(`http://localhost${target}`)
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '')
    } catch {
      // A header the fetch API refuses is dropped rather than failing the request.
    }
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(url, {
    method,
    headers,
    body: hasBody ? bodyStream(req) : null,
    // @ts-expect-error -- `duplex` is required by Node's fetch for a stream body; not yet in the DOM types.
    duplex: 'half',
  })
}

async function respond(req: IncomingMessage, res: ServerResponse, response: Response) {
  const body = new Uint8Array(await response.arrayBuffer())
  if (res.destroyed || res.headersSent) return
  res.statusCode = response.status
  response.headers.forEach((value, name) => res.setHeader(name, value))
  if (!req.complete) {
    res.setHeader('Connection', 'close')
    res.once('finish', () => {
      setTimeout(() => req.socket.destroy(), UNREAD_BODY_GRACE_MS).unref()
    })
  }
  res.end(body)
}

/** Adapts a `(Request) => Promise<Response>` handler to a `node:http` request listener. */
export function toNodeListener(handler: BirthdayHandler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    req.on('error', () => undefined)
    res.on('error', () => undefined)
    let request: Request
    try {
      request = toRequest(req)
    } catch {
      // e.g. TRACE, which the fetch API forbids: answer like the handler does for any other method.
      const { response } = errorToResponse(
        new HttpError('method_not_allowed', 'method not allowed', {
          headers: { Allow: ALLOWED_METHODS.join(', ') },
        }),
      )
      void respond(req, res, response).catch(() => res.destroy())
      return
    }
    handler(request)
      .then((response) => respond(req, res, response))
      .catch(() => {
        if (!res.headersSent)
          respond(req, res, errorToResponse(null).response).catch(() => undefined)
        else res.destroy()
      })
  }
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
}): Promise<RunningServer> {
  const server = createServer(toNodeListener(options.handler))
  server.requestTimeout = 30_000
  server.headersTimeout = 10_000
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
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

/** A `KEY=value` line may keep its quotes and `\n` escapes (the emulator prints the PEM that way). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  const unquoted = /^"(.*)"$/s.exec(raw)?.[1] ?? raw
  return unquoted.replace(/\\n/g, '\n')
}

/** Handler options, port and host from environment variables; throws naming what is missing. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): {
  options: BirthdayHandlerOptions
  port: number
  host: string
} {
  const secretKey = envValue(env, 'CLERK_SECRET_KEY')
  if (!secretKey) throw new Error('CLERK_SECRET_KEY is not set')
  const allowedOrigins = (envValue(env, 'ALLOWED_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
  if (allowedOrigins.length === 0) {
    throw new Error(
      'ALLOWED_ORIGINS is not set (comma-separated origins, e.g. http://localhost:5173)',
    )
  }
  const port = Number(envValue(env, 'PORT') ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('PORT is not a port')
  return {
    options: {
      secretKey,
      publishableKey: envValue(env, 'CLERK_PUBLISHABLE_KEY'),
      jwtKey: envValue(env, 'CLERK_JWT_KEY'),
      apiUrl: envValue(env, 'CLERK_API_URL'),
      allowedOrigins,
    },
    port,
    host: envValue(env, 'HOST') ?? DEFAULT_HOST,
  }
}

async function main(): Promise<void> {
  let settings: ReturnType<typeof settingsFromEnv>
  let handler: BirthdayHandler
  try {
    settings = settingsFromEnv(process.env)
    handler = createBirthdayHandler(settings.options)
  } catch (error) {
    console.error(`server: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
    return
  }
  const running = await startServer({ handler, port: settings.port, host: settings.host })
  console.log(`server: listening on ${running.url}`)
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`server: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  })
}
