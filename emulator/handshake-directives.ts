/**
 * The cookie directives of a handshake: the `Set-Cookie` values Clerk's Frontend API hands to a backend
 * SDK (in the handshake token or, for the nonce format, through the Backend API), which the SDK then
 * sets on the application's own host. They mirror what ClerkJS writes itself, so the two never make
 * duplicates: `__session` and `__clerk_db_jwt` host-only, `__client_uat` on the host as a domain cookie
 * (ClerkJS's eTLD+1 for `localhost` and `127.0.0.1` is the host itself), `Path=/`, `SameSite=Lax`.
 */

import { toBase64, utf8 } from './encoding.ts'

export interface DirectiveInput {
  /** The page the browser goes back to; decides `Domain` and `Secure`. */
  redirectUrl: URL
  /** The fresh session token, or null when the client has no active session. */
  sessionToken: string | null
  /** `__client_uat` in seconds; 0 when signed out. */
  clientUat: number
  /** A dev browser to hand to the application, or null to leave its `__clerk_db_jwt` alone. */
  devBrowserId: string | null
  /** Also write the `_<suffix>` names (`suffixed_cookies=true`). */
  suffixed: boolean
  /** The publishable key's cookie suffix. */
  cookieSuffix: string
}

const ONE_YEAR_S = 31_536_000

export function handshakeDirectives(input: DirectiveInput): string[] {
  const { hostname, protocol } = input.redirectUrl
  const secure = protocol === 'https:' ? '; Secure' : ''
  const domain = ['localhost', '127.0.0.1'].includes(hostname) ? `; Domain=${hostname}` : ''
  const names = (name: string) =>
    input.suffixed ? [name, `${name}_${input.cookieSuffix}`] : [name]
  const directives: string[] = []
  for (const name of names('__session')) {
    directives.push(
      input.sessionToken === null
        ? `${name}=; Path=/; Max-Age=0; SameSite=Lax${secure}`
        : `${name}=${input.sessionToken}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax${secure}`,
    )
  }
  for (const name of names('__client_uat')) {
    directives.push(
      `${name}=${input.clientUat}${domain}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax${secure}`,
    )
  }
  if (input.devBrowserId !== null) {
    for (const name of names('__clerk_db_jwt')) {
      directives.push(
        `${name}=${input.devBrowserId}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax${secure}`,
      )
    }
  }
  return directives
}

/**
 * The suffix Clerk's SDKs append to cookie names (`__session_<suffix>`): the first 8 characters of
 * the URL-safe base64 SHA-1 of the publishable key, as `@clerk/shared`'s `getCookieSuffix` computes it.
 */
export async function cookieSuffix(publishableKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', utf8(publishableKey)))
  return toBase64(digest).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 8)
}
