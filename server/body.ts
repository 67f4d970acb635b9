/**
 * Reads a JSON request body under a hard byte limit. A declared `Content-Length` over the limit is
 * refused before anything is read; otherwise the stream is read chunk by chunk and cancelled as soon
 * as the running total passes the limit, so nothing past `limit + one chunk` is ever held in memory.
 * Only `application/json` (UTF-8) is accepted.
 *
 * A body that has not arrived by its deadline is a `408 request_timeout`: the handler gives it
 * itself, since Workers, Bun or Deno give a slow body no timeout of their own (and Node's
 * `requestTimeout` is checked only every 30 s and answers a bare 400).
 */
import { startDeadline, TIMED_OUT, type TimedOut } from './deadline.ts'
import { HttpError } from './errors.ts'

/** The default limit: a save is `{"birthday":"YYYY-MM-DD"}`, 25 bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024
/** The default time a whole body has to arrive in, from the moment the handler got the request. */
export const DEFAULT_BODY_TIMEOUT_MS = 5_000

/** How a body is read: its byte limit and the `performance.now()` by which it must have arrived. */
export interface BodyLimits {
  limitBytes: number
  deadline: number
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Throws 415 unless the request says `application/json` (with at most a UTF-8 charset). */
function assertJsonContentType(request: Request): void {
  const header = request.headers.get('Content-Type')
  const [mediaType = '', ...params] = (header ?? '').split(';')
  const charset = params
    .map((param) => param.trim().toLowerCase())
    .find((param) => param.startsWith('charset='))
  const utf8 = charset === undefined || /^charset="?utf-8"?$/.test(charset)
  if (mediaType.trim().toLowerCase() !== 'application/json' || !utf8) {
    throw new HttpError('unsupported_media_type', 'Content-Type must be application/json', {
      reason: 'content_type',
    })
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError('payload_too_large', `body must be at most ${limit} bytes`, {
    reason: 'body_limit',
  })
}

function brokenStream(): HttpError {
  return new HttpError('invalid_body', 'body could not be read', { reason: 'body_stream' })
}

function timedOut(): HttpError {
  return new HttpError('request_timeout', 'the request body did not arrive in time', {
    reason: 'body_timeout',
  })
}

/**
 * Reads at most `limit` bytes of the body by `deadline`; throws 413 past the limit, 408 past the
 * deadline and 400 for a broken stream.
 */
async function readBodyBytes(
  request: Request,
  { limitBytes: limit, deadline }: BodyLimits,
): Promise<Uint8Array> {
  const declared = request.headers.get('Content-Length')
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    throw tooLarge(limit)
  }
  const late = startDeadline(deadline - performance.now())
  try {
    if (declared !== null && /^\d+$/.test(declared.trim())) {
      // Framing bounds the body by its declared length (at most `limit` here): read it whole,
      // which on Node's adapter skips the web stream.
      const read = await Promise.race([request.arrayBuffer(), late.expired]).catch(() => {
        throw brokenStream()
      })
      if (read === TIMED_OUT) throw timedOut()
      if (read.byteLength !== Number(declared)) throw brokenStream()
      return new Uint8Array(read)
    }
    // (Only now: on Node's adapter, touching `body` builds the web stream.)
    if (request.body === null) return new Uint8Array(0)
    return await readStream(request, request.body, limit, late.expired)
  } finally {
    late.clear()
  }
}

/** A body of unknown length, read chunk by chunk and cancelled once it passes `limit`. */
async function readStream(
  request: Request,
  body: ReadableStream<Uint8Array>,
  limit: number,
  late: Promise<TimedOut>,
): Promise<Uint8Array> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const read = await Promise.race([reader.read(), late])
      if (read === TIMED_OUT) {
        reader.cancel().catch(() => undefined)
        throw timedOut()
      }
      const { done, value } = read
      if (done) break
      total += value.byteLength
      if (total > limit) {
        reader.cancel().catch(() => undefined)
        throw tooLarge(limit)
      }
      chunks.push(value)
    }
    // A body cut short must never pass for a whole one: some adapters (`@hono/node-server` among
    // them) end the stream quietly when the client went away before it was read.
    if (request.signal?.aborted) throw brokenStream()
  } catch (error) {
    if (error instanceof HttpError) throw error
    throw brokenStream()
  } finally {
    try {
      reader.releaseLock()
    } catch {
      // A read still pending on a cancelled stream: nothing left to release.
    }
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Reads and parses a JSON body: 415, 413, 408, or 400 for bad UTF-8 or malformed JSON. */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  assertJsonContentType(request)
  const bytes = await readBodyBytes(request, limits)
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    throw new HttpError('invalid_body', 'body must be UTF-8 encoded JSON', { reason: 'utf8' })
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HttpError('invalid_body', 'body must be valid JSON', { reason: 'json' })
  }
}
