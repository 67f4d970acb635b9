/**
 * Boundary validation with zod/mini. zod/mini ships no English messages (loading them would change the
 * process-wide zod config that our other modules share), so issues are described here.
 */

import type * as z from 'zod/mini'

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string }

export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown): ParseResult<T> {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, value: result.data }
  return { ok: false, message: result.error.issues.map(describeIssue).join('; ') }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : 'the body'
  switch (issue.code) {
    case 'invalid_type':
      return `${where} must be ${issue.expected}`
    case 'too_small':
      return `${where} must be at least ${String(issue.minimum)}`
    case 'too_big':
      return `${where} must be at most ${String(issue.maximum)}`
    case 'unrecognized_keys':
      return `${where} has unknown keys: ${issue.keys.join(', ')}`
    case 'invalid_format':
      return `${where} must match the ${issue.format} format`
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'custom':
      return `${where}: ${issue.message}`
    default:
      return `${where} is invalid`
  }
}
