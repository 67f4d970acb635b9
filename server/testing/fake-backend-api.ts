/**
 * Test support: an in-process stand-in for the three Backend API endpoints the handler calls
 * (`GET /v1/users/:id`, `PATCH /v1/users/:id/metadata` with Clerk's deep-merge semantics,
 * `GET /v1/jwks`), as a `fetch` function. The handler reaches the Backend API only through
 * `@clerk/backend`, which takes no `fetch` option, so unit tests install this one as the global
 * `fetch` (`vi.stubGlobal`: under Vitest, `NODE_ENV` is `test` and the SDK then reads the global
 * `fetch` on every call instead of the one it bound at import), or serve it over loopback HTTP.
 * Faults can be queued. The real emulator covers the same calls over HTTP in the integration tests.
 */

export interface FakeFault {
  status?: number
  headers?: Record<string, string>
  /** Never answer (the SDK sends no signal, so until the caller gives up, if ever). */
  hang?: boolean
  /** Reject like a dropped connection. */
  network?: boolean
  /** How many calls this fault answers (default 1). */
  times?: number
}

export interface FakeUser {
  id: string
  public_metadata: Record<string, unknown>
  private_metadata: Record<string, unknown>
  unsafe_metadata: Record<string, unknown>
}

/** A user of the fake: the given public metadata, the rest empty unless `init` says otherwise. */
export function fakeUser(
  id: string,
  publicMetadata: Record<string, unknown>,
  init: Partial<Omit<FakeUser, 'id' | 'public_metadata'>> = {},
): FakeUser {
  return { id, public_metadata: publicMetadata, private_metadata: {}, unsafe_metadata: {}, ...init }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Clerk's metadata merge: objects merge deeply, `null` removes a key, anything else replaces. */
export function deepMerge(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else if (isObject(value) && isObject(out[key])) out[key] = deepMerge(out[key], value)
    else out[key] = value
  }
  return out
}

export function createFakeBackendApi(options: {
  secretKey: string
  users?: FakeUser[]
  jwks?: object[]
}) {
  const users = new Map((options.users ?? []).map((user) => [user.id, structuredClone(user)]))
  const faults: FakeFault[] = []
  const calls: { method: string; path: string }[] = []
  const state = { writes: 0, jwks: options.jwks ?? [] }

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    })
  const notFound = () =>
    json(404, { errors: [{ code: 'resource_not_found', message: 'not found' }] })
  const userJson = (user: FakeUser) => ({ object: 'user', ...user })

  async function answer(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const path = url.pathname.replace(/^.*?\/v1\//, '/v1/')
    calls.push({ method: request.method, path })
    const fault = faults[0]
    if (fault) {
      fault.times = (fault.times ?? 1) - 1
      if (fault.times <= 0) faults.shift()
      if (fault.hang) {
        return new Promise<Response>((_, reject) => {
          request.signal.addEventListener('abort', () => reject(request.signal.reason))
        })
      }
      if (fault.network) throw new TypeError('fetch failed')
      return json(
        fault.status ?? 500,
        { errors: [{ code: 'fault', message: 'fault' }] },
        fault.headers,
      )
    }
    if (request.headers.get('Authorization') !== `Bearer ${options.secretKey}`) {
      return json(401, { errors: [{ code: 'clerk_key_invalid', message: 'bad key' }] })
    }
    if (request.method === 'GET' && path === '/v1/jwks') return json(200, { keys: state.jwks })
    const match = /^\/v1\/users\/([^/]+)(\/metadata)?$/.exec(path)
    const user = match ? users.get(decodeURIComponent(match[1] ?? '')) : undefined
    if (!match || !user) return notFound()
    if (request.method === 'GET' && !match[2]) return json(200, userJson(user))
    if (request.method === 'PATCH' && match[2]) {
      state.writes += 1
      const body = (await request.json()) as { public_metadata?: Record<string, unknown> }
      if (body.public_metadata) {
        user.public_metadata = deepMerge(user.public_metadata, body.public_metadata)
      }
      return json(200, userJson(user))
    }
    return json(405, { errors: [{ code: 'method', message: 'method' }] })
  }

  const fetchImpl: typeof fetch = (input, init) => answer(new Request(input, init))

  return {
    fetch: fetchImpl,
    users,
    calls,
    get writes() {
      return state.writes
    },
    set jwks(keys: object[]) {
      state.jwks = keys
    },
    fail(fault: FakeFault) {
      faults.push({ ...fault })
    },
    user(id: string): FakeUser | undefined {
      return users.get(id)
    },
  }
}

export type FakeBackendApi = ReturnType<typeof createFakeBackendApi>
