/**
 * The SHA-1 of a Lua script, as `EVALSHA` names it, from Web Crypto (the server code stays free of
 * any one runtime's modules). The digest is asynchronous: the first call for a script starts it and
 * answers `undefined` (the caller sends the script's text with `EVAL` meanwhile); later calls answer
 * the hex digest at no cost.
 */
const digests = new Map<string, string | undefined>()

export function scriptSha(script: string): string | undefined {
  if (digests.has(script)) return digests.get(script)
  digests.set(script, undefined)
  crypto.subtle.digest('SHA-1', new TextEncoder().encode(script)).then(
    (digest) => {
      let hex = ''
      for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0')
      digests.set(script, hex)
    },
    // Without a digest the script keeps going by its text (`EVAL`), as before.
    () => undefined,
  )
  return undefined
}
