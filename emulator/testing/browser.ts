/**
 * Test support (the emulator's tests and its load bench): a "browser" that talks to the Frontend API
 * the way clerk-js does on the wire: an `Origin` header, the client cookie kept between requests,
 * form bodies, every non-GET sent as POST with `_method`, and clerk-js's version query parameters.
 * It runs over real HTTP (global fetch) or in-process (an emulator's `fetch`).
 */

export type FetchLike = (request: Request) => Promise<Response>

export interface UserJson {
  id: string
  public_metadata: Record<string, unknown>
  email_addresses: { email_address: string; linked_to: unknown[] }[]
}

export interface SessionJson {
  id: string
  status: string
  user: UserJson
  last_active_token: { object: 'token'; jwt: string } | null
}

export interface ClientJson {
  object: 'client'
  id: string
  sessions: SessionJson[]
  sign_in: { id: string; status: string } | null
  sign_up: { id: string; status: string } | null
  last_active_session_id: string | null
}

export interface FapiResult<T> {
  status: number
  headers: Headers
  body: T
}

export interface ErrorJson {
  errors: { code: string; message: string; long_message: string; meta: Record<string, unknown> }[]
}

export class TestBrowser {
  readonly proxyUrl: string
  readonly origin: string | null
  readonly cookies = new Map<string, string>()
  readonly #fetch: FetchLike

  constructor(proxyUrl: string, options: { origin?: string | null; fetch?: FetchLike } = {}) {
    this.proxyUrl = proxyUrl
    this.origin = options.origin === undefined ? 'http://localhost:5173' : options.origin
    this.#fetch = options.fetch ?? ((request) => fetch(request))
  }

  /** One Frontend API request; `method` is the verb clerk-js means (sent as POST + `_method`). */
  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    form: Record<string, string> = {},
    query: Record<string, string> = {},
  ): Promise<FapiResult<T>> {
    const url = new URL(`${this.proxyUrl}${path}`)
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
    if (method === 'PATCH' || method === 'DELETE') url.searchParams.set('_method', method)
    url.searchParams.set('__clerk_api_version', '2026-08-20')
    url.searchParams.set('_clerk_js_version', '6.40.0')
    const headers = new Headers()
    if (this.origin) headers.set('Origin', this.origin)
    if (this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    }
    const init: RequestInit = { method: method === 'GET' ? 'GET' : 'POST', headers }
    if (method !== 'GET') {
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
      init.body = new URLSearchParams(form).toString()
    }
    const response = await this.#fetch(new Request(url, init))
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const [name = '', ...value] = pair.split('=')
      this.cookies.set(name.trim(), value.join('='))
    }
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: (text === '' ? null : JSON.parse(text)) as T,
    }
  }

  /** What `clerk.load()` does: touch the environment, read the client. */
  async load(): Promise<ClientJson | null> {
    await this.call('PATCH', '/v1/environment')
    const result = await this.call<{ response: ClientJson | null }>('GET', '/v1/client')
    return result.body.response
  }

  /** `signIn.create({ identifier, password })` + `setActive`; returns the new session id. */
  async signIn(identifier = 'ada@example.test', password = 'lovelace-1815'): Promise<string> {
    const created = await this.call<{ response: { created_session_id: string | null } }>(
      'POST',
      '/v1/client/sign_ins',
      { identifier, password, locale: 'en-US', timezone: 'UTC' },
    )
    const sessionId = created.body.response?.created_session_id
    if (created.status !== 200 || !sessionId) {
      throw new Error(`sign-in failed: ${created.status} ${JSON.stringify(created.body)}`)
    }
    const touched = await this.call('POST', `/v1/client/sessions/${sessionId}/touch`, {
      active_organization_id: '',
      intent: 'select_session',
    })
    if (touched.status !== 200) throw new Error(`touch failed: ${touched.status}`)
    return sessionId
  }

  /** `session.getToken({ skipCache })`: the raw JWT. */
  async token(sessionId: string, skipCache = false): Promise<string> {
    const result = await this.call<{ jwt?: string }>(
      'POST',
      `/v1/client/sessions/${sessionId}/tokens`,
      { organization_id: '', tab_state: 'focused' },
      skipCache ? { debug: 'skip_cache' } : {},
    )
    if (result.status !== 200 || !result.body.jwt) {
      throw new Error(`token failed: ${result.status} ${JSON.stringify(result.body)}`)
    }
    return result.body.jwt
  }
}
