/**
 * Test double for the Clerk port: a fake Clerk with controllable tokens, sessions and listeners,
 * and a fake backend for `fetch`. Used by the unit tests only; never exported from `index.ts`.
 */
import { vi } from 'vitest'
import type { ClerkPort, ClerkSession, ClerkUser } from '../clerk-port.ts'

const base64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

/** An unsigned JWT with the given claims (the element never checks signatures). */
export const fakeJwt = (claims: unknown): string =>
  `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims)}.signature`

export class FakeSession implements ClerkSession {
  lastActiveToken: { getRawString(): string } | null = null
  readonly clerk: FakeClerk

  constructor(clerk: FakeClerk) {
    this.clerk = clerk
    this.hold(clerk.mint())
  }

  /** Makes `jwt` the token Clerk holds, and tells the listeners (as Clerk does on a new token). */
  hold(jwt: string): void {
    this.lastActiveToken = { getRawString: () => jwt }
    this.clerk.emit()
  }

  getToken = vi.fn(async (options?: { skipCache?: boolean }): Promise<string | null> => {
    if (options?.skipCache) this.hold(this.clerk.mint())
    return this.lastActiveToken!.getRawString()
  })
}

/** A fake Clerk: `signIn()` / `signOut()` drive it; `birthday` is what the backend stores. */
export class FakeClerk implements ClerkPort {
  loaded = false
  session: FakeSession | null | undefined = undefined
  user: (ClerkUser & { reload: ReturnType<typeof vi.fn> }) | null = null
  userId = 'user_1'
  /** The metadata value the next minted token carries. */
  birthday: unknown = null
  /** False: the session token template lacks the claim (tokens never carry it). */
  templateHasClaim = true
  claimName = 'birthday'
  iat = 1_700_000_000
  readonly listeners = new Set<() => void>()
  readonly statusHandlers = new Set<() => void>()

  on = vi.fn((_event: 'status', handler: () => void) => void this.statusHandlers.add(handler))
  off = vi.fn((_event: 'status', handler: () => void) => void this.statusHandlers.delete(handler))

  /** As ClerkJS ends a load with nobody signed in: only the `status` event fires. */
  finishLoadSignedOut(): void {
    this.loaded = true
    this.session = null
    for (const handler of [...this.statusHandlers]) handler()
  }

  addListener = vi.fn((listener: () => void) => {
    this.listeners.add(listener)
    if (this.loaded) listener()
    return () => void this.listeners.delete(listener)
  })

  load = vi.fn(async () => {
    this.loaded = true
    this.emit()
  })

  emit(): void {
    for (const listener of [...this.listeners]) listener()
  }

  mint(extra: Record<string, unknown> = {}): string {
    this.iat++
    // As a token minted by a POST (which carries Origin) is: with `azp`.
    const claims: Record<string, unknown> = {
      sub: this.userId,
      azp: 'http://localhost:3000',
      iat: this.iat,
      exp: this.iat + 60,
    }
    if (this.templateHasClaim) claims[this.claimName] = this.birthday
    return fakeJwt({ ...claims, ...extra })
  }

  signIn(userId = 'user_1', birthday: unknown = '1990-12-10'): FakeSession {
    this.userId = userId
    this.birthday = birthday
    this.loaded = true
    const session = new FakeSession(this)
    this.session = session
    this.user = {
      reload: vi.fn(async () => {
        // As Clerk does: the reloaded client carries a fresh last_active_token.
        this.session?.hold(this.mint())
        return this.user
      }),
    }
    this.emit()
    return session
  }

  signOut(): void {
    this.session = null
    this.user = null
    this.emit()
  }
}

/** A JSON response. */
export const respond = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })

/**
 * A fake backend for `fetch`: answers each call with the next queued reply (default 200; a `GET`
 * answers the stored birthday), and on a 2xx to a POST stores the posted birthday in `clerk` so the
 * next minted token carries it.
 */
export function fakeBackend(clerk: FakeClerk) {
  const replies: Array<Response | Error | 'hang'> = []
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const get = !init?.method || init.method === 'GET'
    const reply = replies.shift() ?? respond(200, get ? { birthday: clerk.birthday } : {})
    if (reply === 'hang') {
      return new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      )
    }
    if (reply instanceof Error) throw reply
    if (reply.ok && !get)
      clerk.birthday = (JSON.parse(String(init?.body)) as { birthday: unknown }).birthday
    return reply
  })
  vi.stubGlobal('fetch', fetch)
  return { fetch, replies }
}
