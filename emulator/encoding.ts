/**
 * Byte and text encodings the emulator needs (base64, base64url, UTF-8) and random identifiers, written
 * against web-standard globals only so the app stays runtime-neutral.
 */

const encoder = new TextEncoder()

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  return fromBase64(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
}

/** The byte length of a value's JSON serialisation, which is how metadata size is measured. */
export function jsonByteLength(value: unknown): number {
  return utf8(JSON.stringify(value)).length
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** A random base62 string, the alphabet Clerk's own identifiers use. */
export function randomBase62(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
  let out = ''
  for (const byte of bytes) {
    // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
    if (byte < 248) out += BASE62[byte % 62]
    if (out.length === length) return out
  }
  return out + randomBase62(length - out.length)
}

/** A Clerk-looking identifier such as `user_2b7Q...` (prefix, underscore, 27 base62 characters). */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBase62(27)}`
}
