/**
 * Reads the claims of a session token the way ClerkJS does: base64url-decode the payload, no
 * signature check (the server verifies every token it receives). No library, no network.
 */

export type Claims = Record<string, unknown>

/**
 * The payload claims of a JWT, or `null` unless it has three parts and a JSON object as payload.
 * Bytes are read as Latin-1: ASCII claims (dates, ids, numbers) come out exact, which is all the
 * element reads.
 */
export function decodeClaims(jwt: string | null | undefined): Claims | null {
  try {
    const parts = `${jwt}`.split('.')
    const claims: unknown =
      parts.length === 3 && JSON.parse(atob(`${parts[1]}`.replace(/-/g, '+').replace(/_/g, '/')))
    return claims && typeof claims === 'object' && !Array.isArray(claims)
      ? (claims as Claims)
      : null
  } catch {
    return null
  }
}

/** The value at a claim name or dot path (`birthday`, `metadata.birthday`), if any. */
export const claimAt = (claims: Claims | null, path: string): unknown =>
  path.split('.').reduce<unknown>((at, key) => (at as Claims | null)?.[key], claims)
