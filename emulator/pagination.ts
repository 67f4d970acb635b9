/** The Backend API's `limit` and `offset` query parameters, as Clerk checks them on its lists. */

import { formError } from './errors.ts'

export function pagination(query: URLSearchParams): { limit: number; offset: number } {
  return {
    limit: integer(query, 'limit', 10, 1, 500),
    offset: integer(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  }
}

function integer(query: URLSearchParams, name: string, fallback: number, min: number, max: number) {
  const raw = query.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw formError(
      'form_param_value_invalid',
      name,
      `${name} must be an integer from ${min} to ${max}.`,
    )
  }
  return value
}
