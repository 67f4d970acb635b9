/**
 * Clerk's error shape and the JSON responses the emulator sends. Handlers throw `ClerkError`; the single
 * boundary in `app.ts` turns it into `{ errors: [{ code, message, long_message, meta }], clerk_trace_id }`,
 * which is what both clerk-js and @clerk/backend parse.
 */

import { randomBase62 } from './encoding.ts'

export interface ClerkErrorInit {
  longMessage?: string
  meta?: Record<string, unknown>
  headers?: Record<string, string>
}

export class ClerkError extends Error {
  readonly status: number
  readonly code: string
  readonly longMessage: string
  readonly meta: Record<string, unknown>
  readonly headers: Record<string, string>

  constructor(status: number, code: string, message: string, init: ClerkErrorInit = {}) {
    super(message)
    this.name = 'ClerkError'
    this.status = status
    this.code = code
    this.longMessage = init.longMessage ?? message
    this.meta = init.meta ?? {}
    this.headers = init.headers ?? {}
  }
}

/** 501 for anything the emulator does not implement, so a gap shows at once. */
export function notImplemented(what: string, meta: Record<string, unknown> = {}): ClerkError {
  return new ClerkError(501, 'emulator_not_implemented', `Not emulated: ${what}`, {
    longMessage: `The Clerk emulator does not implement ${what}. See emulator/README.md for what is emulated.`,
    meta,
  })
}

/**
 * `Content-Type: application/json` exactly: @clerk/backend parses a body as JSON only on string equality
 * with that value, so a charset parameter would turn every reply into a raw string.
 */
const JSON_TYPE = 'application/json'

export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', ...headers },
  })
}

function errorBody(
  code: string,
  message: string,
  longMessage: string,
  meta: Record<string, unknown> = {},
): unknown {
  return {
    errors: [{ code, message, long_message: longMessage, meta }],
    clerk_trace_id: `emu_${randomBase62(16)}`,
  }
}

export function errorResponse(error: ClerkError): Response {
  const body = errorBody(error.code, error.message, error.longMessage, error.meta)
  return jsonResponse(body, error.status, error.headers)
}

/** Clerk's 422 for one form field (`meta.param_name`). */
export function formError(code: string, param: string, message: string): ClerkError {
  return new ClerkError(422, code, message, { meta: { param_name: param } })
}

/** JSON request text; empty text is `{}`. Malformed JSON throws what `invalid` makes of it. */
export function parseJson(text: string, invalid: (message: string) => ClerkError): unknown {
  try {
    return JSON.parse(text.trim() === '' ? '{}' : text) as unknown
  } catch {
    throw invalid('the body is not valid JSON')
  }
}
