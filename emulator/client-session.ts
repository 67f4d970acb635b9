/**
 * The browser's client and its sessions, shared by the Frontend API routes (sign-in, sign-up, tokens,
 * JWT templates): finding the client by its cookie or dev browser, starting a session, rendering the
 * client with fresh tokens, reading ClerkJS's form bodies, and the errors these answer with.
 */

import { ClerkError, parseJson } from './errors.ts'
import { randomId } from './encoding.ts'
import { clientJSON, sessionJSON, signInJSON, signUpJSON } from './resources.ts'
import type { Context } from './context.ts'
import type { ClientRecord, SessionRecord, UserRecord } from './store.ts'
import { mintSessionToken } from './tokens.ts'

/**
 * A new active session of `user` on `client`, which becomes the client's last active one; how the
 * user authenticated is kept on the client, and the user's last sign-in and activity move to now.
 * The one place a session is started (sign-in and sign-up).
 */
export function startSession(
  ctx: Context,
  client: ClientRecord,
  user: UserRecord,
  strategy: string,
): SessionRecord {
  const now = ctx.state.now()
  const session: SessionRecord = {
    id: randomId('sess'),
    clientId: client.id,
    userId: user.id,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    lastActiveAt: now,
    firstFactorVerifiedAt: now,
  }
  ctx.state.store.sessions.set(session.id, session)
  client.lastActiveSessionId = session.id
  client.lastAuthenticationStrategy = strategy
  client.updatedAt = now
  user.lastSignInAt = now
  user.lastActiveAt = now
  return session
}

export async function renderClient(ctx: Context, client: ClientRecord): Promise<unknown> {
  const { store } = ctx.state
  const now = ctx.state.now()
  const sessions = await Promise.all(
    store.activeSessions(client).flatMap((session) => {
      const user = store.users.get(session.userId)
      if (!user) return []
      return [mint(ctx, session, user).then((jwt) => sessionJSON(session, user, jwt, now))]
    }),
  )
  const signIn = client.signInId ? store.signIns.get(client.signInId) : undefined
  const signInUser = signIn && store.users.get(signIn.userId)
  const signUp = client.signUpId ? store.signUps.get(client.signUpId) : undefined
  return clientJSON(
    client,
    sessions,
    signIn && signInUser ? signInJSON(signIn, signInUser) : null,
    signUp ? signUpJSON(signUp) : null,
  )
}

/** A session token for `session`, with the settings' lifetime unless `lifetimeSeconds` is given. */
export function mint(
  ctx: Pick<Context, 'state' | 'origin'>,
  session: SessionRecord,
  user: UserRecord,
  lifetimeSeconds?: number,
): Promise<string> {
  const { state } = ctx
  return mintSessionToken({
    key: state.key,
    keyHost: state.keyHost,
    user,
    session,
    origin: ctx.origin,
    nowMs: state.now(),
    lifetimeSeconds: lifetimeSeconds ?? state.settings.tokenLifetimeSeconds,
    template: state.settings.sessionTokenTemplate,
  })
}

/**
 * The browser's client. With the dev-browser flow clerk-js names its dev browser in every request's
 * `__clerk_db_jwt`; an unknown one (after a reset or restart) gets the 401 that makes clerk-js create a
 * new dev browser. Otherwise the client cookie decides.
 */
export function findClient(ctx: Context): {
  client: ClientRecord | undefined
  devBrowserId: string | null
} {
  const { store } = ctx.state
  const devBrowserId = ctx.url.searchParams.get('__clerk_db_jwt')
  if (devBrowserId) {
    if (!store.devBrowsers.has(devBrowserId)) {
      throw new ClerkError(401, 'dev_browser_unauthenticated', 'Browser unauthenticated', {
        longMessage: 'Unable to authenticate this browser for your development instance.',
      })
    }
    return { client: store.clientByDevBrowser(devBrowserId), devBrowserId }
  }
  const token = readCookie(ctx.request, ctx.state.clientCookie)
  return { client: token ? store.clientByToken(token) : undefined, devBrowserId: null }
}

export function ensureClient(ctx: Context): ClientRecord {
  const { client, devBrowserId } = findClient(ctx)
  if (client) return client
  const created = ctx.state.store.createClient(ctx.state.now(), devBrowserId)
  if (devBrowserId === null) {
    const secure = ctx.url.protocol === 'https:' ? '; Secure' : ''
    ctx.responseHeaders.append(
      'Set-Cookie',
      `${ctx.state.clientCookie}=${created.token}; Path=${ctx.state.basePath || '/'}; Max-Age=31536000; HttpOnly; SameSite=Lax${secure}`,
    )
  }
  return created
}

export function requireClient(ctx: Context): ClientRecord {
  const { client } = findClient(ctx)
  if (!client) throw notFound('Client')
  return client
}

/** The active session `sessionId` of `client` and its user; 404 when there is none. */
export function clientSession(
  ctx: Context,
  client: ClientRecord,
  sessionId: string | undefined,
): { session: SessionRecord; user: UserRecord } {
  const session = ctx.state.store.activeSessions(client).find(({ id }) => id === sessionId)
  const user = session && ctx.state.store.users.get(session.userId)
  if (!session || !user) throw notFound('Session')
  return { session, user }
}

export function notFound(what: string): ClerkError {
  return new ClerkError(404, 'resource_not_found', `${what} not found`, {
    longMessage: `${what} not found in this client.`,
  })
}

export function signedOut(): ClerkError {
  return new ClerkError(401, 'signed_out', 'You are signed out', {
    longMessage: 'You need to sign in before accessing this resource.',
  })
}

/** clerk-js posts forms; a JSON object body is accepted too, for hand-made requests. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const text = await request.text()
  if (!(request.headers.get('Content-Type') ?? '').includes('application/json')) {
    return new URLSearchParams(text)
  }
  const body = parseJson(
    text,
    () => new ClerkError(400, 'malformed_request', 'The request body is not valid JSON.'),
  )
  const form = new URLSearchParams()
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body)) {
      if (value !== undefined && value !== null) form.set(key, String(value))
    }
  }
  return form
}

function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('Cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return null
}
