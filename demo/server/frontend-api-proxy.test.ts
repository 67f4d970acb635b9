import { describe, expect, it } from 'vitest'
import { createEmulator } from '../../emulator/app.ts'
import { decodeJwt } from '../../emulator/testing/jwt.ts'
import { frontendApiProxy, withPageOrigin } from './frontend-api-proxy.ts'

const PAGE = 'http://localhost:5173'

function request(method: string, headers: Record<string, string>): Request {
  return new Request(`${PAGE}/__clerk/v1/client`, { method, headers })
}

describe('withPageOrigin', () => {
  it('adds the page origin to a same-origin GET and HEAD that carry none', () => {
    for (const method of ['GET', 'HEAD']) {
      const forwarded = withPageOrigin(request(method, { 'Sec-Fetch-Site': 'same-origin' }))
      expect(forwarded.headers.get('Origin')).toBe(PAGE)
      expect(forwarded.method).toBe(method)
      expect(forwarded.headers.get('Sec-Fetch-Site')).toBe('same-origin')
    }
  })

  it('never replaces an Origin the browser sent', () => {
    const original = request('GET', {
      'Sec-Fetch-Site': 'same-origin',
      Origin: 'http://other.test',
    })
    expect(withPageOrigin(original)).toBe(original)
  })

  it('leaves cross-site, same-site, unmarked and non-GET requests alone', () => {
    for (const site of ['cross-site', 'same-site', 'none']) {
      const original = request('GET', { 'Sec-Fetch-Site': site })
      expect(withPageOrigin(original).headers.has('Origin')).toBe(false)
    }
    expect(withPageOrigin(request('GET', {})).headers.has('Origin')).toBe(false)
    const post = new Request(`${PAGE}/__clerk/v1/client/sign_ins`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin' },
      body: 'identifier=a',
    })
    expect(withPageOrigin(post)).toBe(post)
  })
})

describe('frontendApiProxy in front of the emulator', () => {
  /** Signs in over the Frontend API and returns the client cookie and the session id. */
  async function signedIn() {
    const emulator = await createEmulator({ basePath: '/__clerk', publicOrigin: PAGE })
    const proxied = frontendApiProxy(emulator.fetch)
    const signIn = await emulator.fetch(
      new Request(`${PAGE}/__clerk/v1/client/sign_ins?_clerk_js_version=6`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: PAGE },
        body: new URLSearchParams({
          identifier: 'ada@example.test',
          password: 'lovelace-1815',
          strategy: 'password',
        }),
      }),
    )
    expect(signIn.status).toBe(200)
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] ?? ''
    return { emulator, proxied, cookie }
  }

  async function heldTokenAzp(fetch: (request: Request) => Promise<Response>, cookie: string) {
    const response = await fetch(
      new Request(`${PAGE}/__clerk/v1/client?_clerk_js_version=6`, {
        headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' },
      }),
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as {
      response: { sessions: { last_active_token: { jwt: string } }[] }
    }
    const jwt = body.response.sessions[0]?.last_active_token.jwt ?? ''
    return decodeJwt(jwt).payload.azp
  }

  it('gives the token of a same-origin GET the page origin as azp; straight to Clerk it has none', async () => {
    const { emulator, proxied, cookie } = await signedIn()
    expect(await heldTokenAzp(emulator.fetch, cookie)).toBeUndefined()
    expect(await heldTokenAzp(proxied, cookie)).toBe(PAGE)
  })
})
