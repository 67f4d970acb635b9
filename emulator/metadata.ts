/**
 * Clerk's metadata semantics for `PATCH /v1/users/{id}/metadata`: the patch is deep-merged into the
 * existing object, a `null` value removes its key at any depth, arrays and other values replace what was
 * there. Metadata is limited to 8 KB (measured here as the UTF-8 length of each object's JSON).
 */

import { isPlainObject } from './template.ts'

export type Metadata = Record<string, unknown>

export const METADATA_LIMIT_BYTES = 8 * 1024

export function mergeMetadata(existing: Metadata, patch: Metadata): Metadata {
  const result: Metadata = structuredClone(existing)
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key]
    } else if (isPlainObject(value)) {
      const current = result[key]
      result[key] = mergeMetadata(isPlainObject(current) ? current : {}, value)
    } else {
      result[key] = structuredClone(value)
    }
  }
  return result
}
