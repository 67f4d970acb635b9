/**
 * The settings `PATCH /__emulator/settings` may change at run time (and `createEmulator`'s options
 * start from): their shape, their schema and the session-token template rule, in one place for the app
 * and the control surface.
 */

import * as z from 'zod/mini'
import { isPlainObject, reservedClaimsIn } from './template.ts'

export interface Settings {
  sessionTokenTemplate: Record<string, unknown>
  tokenLifetimeSeconds: number
  clockOffsetMs: number
}

export const DEFAULT_SESSION_TOKEN_TEMPLATE = { birthday: '{{user.public_metadata.birthday}}' }

/** Every field optional: a PATCH names what changes. */
export const settingsSchema = z.strictObject({
  sessionTokenTemplate: z.optional(z.record(z.string(), z.unknown())),
  tokenLifetimeSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(86_400))),
  clockOffsetMs: z.optional(z.int()),
})

/** Why a session-token template is unacceptable (as Clerk's dashboard would refuse it), or null. */
export function templateProblem(template: unknown): string | null {
  if (!isPlainObject(template)) return 'sessionTokenTemplate must be a JSON object'
  const reserved = reservedClaimsIn(template)
  if (reserved.length > 0) {
    return `sessionTokenTemplate may not set default claims (${reserved.join(', ')})`
  }
  return null
}
