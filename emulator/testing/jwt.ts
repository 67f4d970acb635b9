/**
 * Test support: reads a JWT the way clerk-js does, without verifying the signature. This is the one
 * JWT decoder of every test in the project (test/README.md). It lives in the emulator's support
 * folder because the emulator's tests may import nothing of ours, while every other test may import
 * the emulator's test support; product code keeps its own reader (`src/token.ts` for the element,
 * `server/clerk.ts` for the handler's `kid`), since it may not import test code.
 */

export interface DecodedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

/** The header and payload of a three-part JWT; throws on anything else, naming what is wrong. */
export function decodeJwt(jwt: string): DecodedJwt {
  const parts = jwt.split('.')
  if (parts.length !== 3)
    throw new Error(`not a JWT: ${parts.length} part(s) in "${jwt.slice(0, 40)}"`)
  return {
    header: decodePart(parts[0] ?? '', 'header'),
    payload: decodePart(parts[1] ?? '', 'payload'),
  }
}

function decodePart(part: string, name: string): Record<string, unknown> {
  let value: unknown
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw new Error(`the JWT's ${name} is not base64url JSON (${String(error)})`, { cause: error })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`the JWT's ${name} is not a JSON object`)
  }
  return value as Record<string, unknown>
}
