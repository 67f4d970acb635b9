/**
 * Reads a JSON request body under a hard byte limit. A declared `Content-Length` over the limit is
 * refused before anything is read; otherwise the stream is read chunk by chunk and cancelled as soon
 * as the running total passes the limit, so nothing past `limit + one chunk` is ever held in memory.
 * Only `application/json` (UTF-8) is accepted.
 */
import { HttpError } from './errors.ts'

/** The default limit: a save is `{"birthday":"YYYY-MM-DD"}`, 25 bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024

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

/** Reads at most `limit` bytes of the body; throws 413 past it and 400 for a broken stream. */
async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('Content-Length')
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) {
    throw tooLarge(limit)
  }
  if (request.body === null) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit) {
        reader.cancel().catch(() => undefined)
        throw tooLarge(limit)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof HttpError) throw error
    throw new HttpError('invalid_body', 'body could not be read', { reason: 'body_stream' })
  } finally {
    reader.releaseLock()
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Reads and parses a JSON body: 415, 413, or 400 for bad UTF-8 or malformed JSON. */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  assertJsonContentType(request)
  const bytes = await readBodyBytes(request, limit)
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
