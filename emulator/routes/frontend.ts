/**
 * Frontend API handlers: what clerk-js calls through `proxyUrl`. Every non-GET arrives as POST with the
 * real verb in `_method` (the router applies it). Each browser has one client, found by the HttpOnly
 * client cookie, or by the `__clerk_db_jwt` query parameter when the dev-browser flow runs. Mutations
 * piggyback the client, whose active sessions carry the user and a freshly minted `last_active_token`.
 */

import {
  clientSession,
  currentUser,
  ensureClient,
  findClient,
  mint,
  notFound,
  readForm,
  renderClient,
  requireClient,
  signedOut,
  startSession,
} from '../client-session.ts'
import type { Context, RouteRow } from '../context.ts'
import { makePrimary } from '../user-emails.ts'
import { sessionEvent, userEvent } from '../events.ts'
import { randomId } from '../encoding.ts'
import { ClerkError, formError, jsonResponse, notImplemented } from '../errors.ts'
import {
  environmentJSON,
  fapiUserJSON,
  LOCKOUT_SECONDS,
  sessionJSON,
  signInJSON,
} from '../resources.ts'
import { verifyPassword, type ClientRecord, type SignInRecord, type UserRecord } from '../store.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/v1/environment', handler: environment },
  { method: 'PATCH', path: '/v1/environment', handler: environment },
  { method: 'POST', path: '/v1/dev_browser', handler: devBrowser },
  { method: 'GET', path: '/v1/client', handler: getClient },
  { method: 'POST', path: '/v1/client/sign_ins', handler: createSignIn },
  {
    method: 'POST',
    path: '/v1/client/sign_ins/:id/attempt_first_factor',
    handler: attemptFirstFactor,
  },
  { method: 'POST', path: '/v1/client/sessions/:id/touch', handler: touchSession },
  { method: 'POST', path: '/v1/client/sessions/:id/tokens', handler: createToken },
  { method: 'POST', path: '/v1/client/sessions/:id/remove', handler: removeSession },
  { method: 'DELETE', path: '/v1/client/sessions', handler: endAllSessions },
  { method: 'GET', path: '/v1/me', handler: me },
  { method: 'PATCH', path: '/v1/me', handler: updateMe },
]

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
  refuseBlocked(user)
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
  refuseBlocked(user)
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
  const ended = ctx.state.store.activeSessions(client)
  for (const session of ended) {
    session.status = 'ended'
    session.updatedAt = now
  }
  client.lastActiveSessionId = null
  client.updatedAt = now
  await ctx.state.persist()
  for (const session of ended) sessionEvent(ctx, 'session.ended', session)
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
  sessionEvent(ctx, 'session.removed', session)
  return jsonResponse({
    response: sessionJSON(session, user, null, now),
    client: await renderClient(ctx, client),
  })
}

/** `GET /v1/me` (`user.reload()`): the user, and the client with a fresh token for its session. */
export async function me(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  return jsonResponse({ response: fapiUserJSON(user), client: await renderClient(ctx, client) })
}

/** What `user.update()` may change here; any other field answers 501 rather than being ignored. */
const UPDATABLE = ['first_name', 'last_name', 'primary_email_address_id']

/**
 * `PATCH /v1/me` (`user.update({ firstName, lastName })`, `<UserProfile/>`'s name form, and
 * `primaryEmailAddressId`, its "Set as primary"). Every field is checked before any is written.
 */
export async function updateMe(ctx: Context): Promise<Response> {
  const { client, user } = currentUser(ctx)
  const form = await readForm(ctx.request)
  for (const key of form.keys()) {
    if (!UPDATABLE.includes(key)) throw notImplemented(`user.update field "${key}"`)
  }
  for (const key of ['first_name', 'last_name']) {
    const value = form.get(key)
    if (value !== null && value.length > 256) {
      throw formError(
        'form_param_exceeds_allowed_size',
        key,
        `${key} must be at most 256 characters.`,
      )
    }
  }
  const now = ctx.state.now()
  const primary = form.get('primary_email_address_id')
  if (primary !== null) makePrimary(user, primary, now)
  const first = form.get('first_name')
  const last = form.get('last_name')
  if (first !== null) user.firstName = first.trim() === '' ? null : first
  if (last !== null) user.lastName = last.trim() === '' ? null : last
  user.updatedAt = now
  await ctx.state.persist()
  userEvent(ctx, 'user.updated', user)
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
  sessionEvent(ctx, 'session.created', session)
}

/** A banned or locked user (`users.banUser`, `users.lockUser`) cannot sign in: Clerk's 403s. */
function refuseBlocked(user: UserRecord): void {
  if (user.banned) {
    throw new ClerkError(403, 'user_banned', 'This account is banned.', {
      longMessage: 'This account has been banned. Contact the application owner.',
    })
  }
  if (user.locked) {
    throw new ClerkError(403, 'user_locked', 'Your account is locked.', {
      longMessage: `Your account is locked. You will be able to try again in ${LOCKOUT_SECONDS / 60} minutes.`,
      meta: { lockout_expires_in_seconds: LOCKOUT_SECONDS },
    })
  }
}
