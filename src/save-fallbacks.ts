/**
 * The statuses the handler answers that `ERROR_TABLE` (save.ts) leaves to the fallback of
 * `errorCodeFor` on purpose: `invalid` for a 4xx, `server` for a 5xx. Declared so that
 * scripts/error-contract.test.ts can tell a deliberate fallback from a missed row; a module of its
 * own because only tests read it (the element's bundle never includes it).
 */
export const FALLBACK_STATUSES: readonly number[] = [
  400, // invalid_body
  413, // payload_too_large
  500, // internal
  502, // upstream_error
  503, // upstream_unavailable
]
