/**
 * Frontend API handlers: what clerk-js calls through `proxyUrl`. Every non-GET arrives as POST with the
 * real verb in `_method` (the router applies it). Each browser has one client, found by the HttpOnly
 * client cookie, or by the `__clerk_db_jwt` query parameter when the dev-browser flow runs. Mutations
 * piggyback the client, whose active sessions carry the user and a freshly minted `last_active_token`.
 */

import { ClerkError, formError, jsonResponse, notImplemented, parseJson } from '../errors.ts'
import { randomId } from '../encoding.ts'
import {
  clientJSON,
  environmentJSON,
  fapiUserJSON,
  sessionJSON,
  signInJSON,
  signUpJSON,
} from '../resources.ts'
import type { Context } from '../state.ts'
import {
  verifyPassword,
  type ClientRecord,
  type SessionRecord,
  type SignInRecord,
  type UserRecord,
} from '../store.ts'
import { mintSessionToken } from '../tokens.ts'

export async function environment(ctx: Context): Promise<Response> {
  const accountsUrl = ctx.state.config(ctx.url.origin).proxyUrl
  return jsonResponse(
    environmentJSON(ctx.state.instanceType, ctx.origin ?? ctx.url.origin, accountsUrl),
  )
}

export async function devBrowser(ctx: Context): Promise<Response> {
  const id = randomId('dvb')
  ctx.state.store.devBrowsers.add(id)
  return jsonResponse({ object: 'dev_browser', id })
}

export async function getClient(ctx: Context): Promise<Response> {
  const { client } = findClient(ctx)
  return jsonResponse({ response: client ? await renderClient(ctx, client) : null, client: null })
}

export async function createSignIn(ctx: Context): Promise<Response> {
  const form = await readForm(ctx.request)
  const strategy = form.get('strategy')
  if (strategy && strategy !== 'password') throw notImplemented(`sign-in strategy "${strategy}"`)
  const identifier = form.get('identifier')?.trim()
  if (!identifier) {
    throw formError('form_param_missing', 'identifier', 'Enter an email address.')
  }
  const { store } = ctx.state
  const client = ensureClient(ctx)
  if (store.activeSessions(client).length > 0) {
    throw new ClerkError(400, 'session_exists', "You're already signed in.", {
      longMessage:
        "You're currently in single session mode. You can only be signed into one account at a time.",
    })
  }
  const user = store.findUserByEmail(identifier)
  if (!user) {
    throw formError('form_identifier_not_found', 'identifier', "Couldn't find your account.")
  }
  const now = ctx.state.now()
  const signIn: SignInRecord = {
    id: randomId('sia'),
    clientId: client.id,
    identifier,
    userId: user.id,
    status: 'needs_first_factor',
    createdSessionId: null,
    attempts: 0,
    createdAt: now,
  }
  store.signIns.set(signIn.id, signIn)
  client.signInId = signIn.id
  client.updatedAt = now
  const password = form.get('password')
  if (password !== null) await completeWithPassword(ctx, client, signIn, user, password)
  return jsonResponse({
    response: signInJSON(signIn, user),
    client: await renderClient(ctx, client),
  })
}

export async function attemptFirstFactor(ctx: Context): Promise<Response> {
  const client = requireClient(ctx)
  const signIn = ctx.state.store.signIns.get(ctx.params.id ?? '')
  const user = signIn && ctx.state.store.users.get(signIn.userId)
  if (!signIn || !user || signIn.clientId !== client.id) throw notFound('Sign in')
  if (signIn.status === 'complete') {
    throw new ClerkError(422, 'verification_already_verified', 'This sign-in is already complete.')
  }
  const form = await readForm(ctx.request)
  const strategy = form.get('strategy')
  if (strategy !== 'password') throw notImplemented(`first factor strategy "${strategy ?? ''}"`)
  const password = form.get('password')
  if (password === null) throw formError('form_param_missing', 'password', 'Enter your password.')
  await completeWithPassword(ctx, client, signIn, user, password)
  return jsonResponse({
    response: signInJSON(signIn, user),
    client: await renderClient(ctx, client),
  })
}

export async function touchSession(ctx: Context): Promise<Response> {
  const form = await readForm(ctx.request)
  if (form.get('active_organization_id')) throw notImplemented('organizations')
  const client = requireClient(ctx)
  const { session, user } = clientSession(ctx, client, ctx.params.id)
  const now = ctx.state.now()
  session.lastActiveAt = now
  session.updatedAt = now
  user.lastActiveAt = now
  const switched = client.lastActiveSessionId !== session.id
  client.lastActiveSessionId = session.id
  client.updatedAt = now
  if (switched) await ctx.state.persist()
  return jsonResponse({
    response: sessionJSON(session, user, await mint(ctx, session, user), now),
    client: await renderClient(ctx, client),
  })
}

/** `POST /v1/client/sessions/:id/tokens[?debug=skip_cache]`: the bare token object, no envelope. */
export async function createToken(ctx: Context): Promise<Response> {
  const form = await readForm(ctx.request)
  if (form.get('organization_id')) throw notImplemented('organizations')
  const { client } = findClient(ctx)
  const active = client ? ctx.state.store.activeSessions(client) : []
  const session = active.find((candidate) => candidate.id === ctx.params.id)
  const user = session && ctx.state.store.users.get(session.userId)
  if (!session || !user) throw signedOut()
  return jsonResponse({ object: 'token', jwt: await mint(ctx, session, user) })
}

/** `DELETE /v1/client/sessions`: `clerk.signOut()` ends every session of this client. */
export async function endAllSessions(ctx: Context): Promise<Response> {
  const client = ensureClient(ctx)
  const now = ctx.state.now()
  for (const session of ctx.state.store.activeSessions(client)) {
    session.status = 'ended'
    session.updatedAt = now
  }
  client.lastActiveSessionId = null
  client.updatedAt = now
  await ctx.state.persist()
  const rendered = await renderClient(ctx, client)
  return jsonResponse({ response: rendered, client: rendered })
}

/** `POST /v1/client/sessions/:id/remove`: `clerk.signOut({ sessionId })`. */
export async function removeSession(ctx: Context): Promise<Response> {
  const client = requireClient(ctx)
  const { session, user } = clientSession(ctx, client, ctx.params.id)
  const now = ctx.state.now()
  session.status = 'removed'
  session.updatedAt = now
  if (client.lastActiveSessionId === session.id) client.lastActiveSessionId = null
  client.updatedAt = now
  await ctx.state.persist()
  return jsonResponse({
    response: sessionJSON(session, user, null, now),
    client: await renderClient(ctx, client),
  })
}

/** `GET /v1/me` (`user.reload()`): the user, and the client with a fresh token for its session. */
export async function me(ctx: Context): Promise<Response> {
  const { client } = findClient(ctx)
  if (!client) throw signedOut()
  const active = ctx.state.store.activeSessions(client)
  const wanted = ctx.url.searchParams.get('_clerk_session_id') ?? client.lastActiveSessionId
  const session = active.find((candidate) => candidate.id === wanted) ?? active[0]
  const user = session && ctx.state.store.users.get(session.userId)
  if (!user) throw signedOut()
  return jsonResponse({ response: fapiUserJSON(user), client: await renderClient(ctx, client) })
}

async function completeWithPassword(
  ctx: Context,
  client: ClientRecord,
  signIn: SignInRecord,
  user: UserRecord,
  password: string,
): Promise<void> {
  signIn.attempts += 1
  if (!(await verifyPassword(password, user.passwordDigest))) {
    throw formError(
      'form_password_incorrect',
      'password',
      'Password is incorrect. Try again, or use another method.',
    )
  }
  const session = startSession(ctx, client, user, 'password')
  signIn.status = 'complete'
  signIn.createdSessionId = session.id
  client.signInId = null
  await ctx.state.persist()
}

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

export function mint(ctx: Context, session: SessionRecord, user: UserRecord): Promise<string> {
  const { state } = ctx
  return mintSessionToken({
    key: state.key,
    keyHost: state.keyHost,
    user,
    session,
    origin: ctx.origin,
    nowMs: state.now(),
    lifetimeSeconds: state.settings.tokenLifetimeSeconds,
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

function clientSession(
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
