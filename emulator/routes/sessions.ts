/**
 * The Backend API's sessions (`clerkClient.sessions`): list a user's or client's sessions, get one,
 * revoke one (the browser holding it is signed out and its token minting stops), mint a session token
 * for one from the server (`getToken(sessionId)`), and, on development instances, `createSession`
 * for testing (a session on a new client with no browser).
 */

import * as z from 'zod/mini'
import { mint } from '../client-session.ts'
import { randomId } from '../encoding.ts'
import type { Context, RouteRow } from '../context.ts'
import { sessionEvent } from '../events.ts'
import { ClerkError, formError, jsonResponse, notImplemented, parseJson } from '../errors.ts'
import { bapiSessionJSON } from '../resources.ts'
import type { SessionRecord, UserRecord } from '../store.ts'
import { parseWith } from '../validation.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/api/v1/sessions', handler: listSessions },
  { method: 'POST', path: '/api/v1/sessions', handler: createSession },
  { method: 'GET', path: '/api/v1/sessions/:id', handler: getSession },
  { method: 'POST', path: '/api/v1/sessions/:id/revoke', handler: revokeSession },
  { method: 'POST', path: '/api/v1/sessions/:id/tokens', handler: createSessionToken },
]

const STATUSES = ['active', 'ended', 'removed', 'revoked']

/**
 * `GET /v1/sessions?user_id=…|client_id=…[&status=…]`: newest first. The spec's shape is a bare array;
 * with `paginated=true`, which `sessions.getSessionList` always sends and whose `{ data, totalCount }`
 * it returns, the list comes as `{ data, total_count }`.
 */
export async function listSessions(ctx: Context): Promise<Response> {
  const query = ctx.url.searchParams
  for (const name of query.keys()) {
    if (!['user_id', 'client_id', 'status', 'limit', 'offset', 'paginated'].includes(name)) {
      throw notImplemented(`session list parameter "${name}"`)
    }
  }
  const userId = query.get('user_id')
  const clientId = query.get('client_id')
  if (!userId && !clientId) {
    throw new ClerkError(422, 'form_param_missing', 'Either user_id or client_id is required', {
      longMessage: 'Provide a user_id or a client_id to list sessions.',
    })
  }
  const status = query.get('status')
  if (status !== null && !STATUSES.includes(status)) {
    throw formError('form_param_value_invalid', 'status', `status must be one of ${STATUSES}.`)
  }
  const limit = integer(query, 'limit', 10, 1, 500)
  const offset = integer(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)
  const matching = [...ctx.state.store.sessions.values()]
    .filter(
      (session) =>
        (!userId || session.userId === userId) &&
        (!clientId || session.clientId === clientId) &&
        (status === null || session.status === status),
    )
    .sort((a, b) => b.createdAt - a.createdAt)
  const data = matching.slice(offset, offset + limit).map(bapiSessionJSON)
  return jsonResponse(
    query.get('paginated') === 'true' ? { data, total_count: matching.length } : data,
  )
}

export async function getSession(ctx: Context): Promise<Response> {
  return jsonResponse(bapiSessionJSON(requireSession(ctx)))
}

/** `POST /v1/sessions/:id/revoke`: the session is revoked; ClerkJS holding it is signed out. */
export async function revokeSession(ctx: Context): Promise<Response> {
  const session = requireSession(ctx)
  if (session.status === 'active') {
    const now = ctx.state.now()
    session.status = 'revoked'
    session.updatedAt = now
    const client = ctx.state.store.clients.get(session.clientId)
    if (client?.lastActiveSessionId === session.id) client.lastActiveSessionId = null
    await ctx.state.persist()
    sessionEvent(ctx, 'session.revoked', session)
  }
  return jsonResponse(bapiSessionJSON(session))
}

const createSchema = z.strictObject({
  user_id: z.string(),
  active_organization_id: z.optional(z.string()),
})

/** `POST /v1/sessions` (`createSession`): for testing, development instances only, as on Clerk. */
export async function createSession(ctx: Context): Promise<Response> {
  if (ctx.state.instanceType === 'production') {
    throw new ClerkError(
      400,
      'operation_not_allowed_on_production',
      'Not available in production',
      {
        longMessage:
          'Creating sessions from the Backend API is only available on development instances.',
      },
    )
  }
  const parsed = parseWith(createSchema, parseJson(await ctx.request.text(), invalidBody))
  if (!parsed.ok) throw formError('form_param_missing', 'user_id', 'Enter a user_id.')
  if (parsed.value.active_organization_id) throw notImplemented('organizations')
  const user = ctx.state.store.users.get(parsed.value.user_id)
  if (!user) {
    throw new ClerkError(404, 'resource_not_found', 'not found', {
      longMessage: `No user was found with id ${parsed.value.user_id}.`,
    })
  }
  const now = ctx.state.now()
  const client = ctx.state.store.createClient(now, null)
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
  await ctx.state.persist()
  sessionEvent(ctx, 'session.created', session)
  return jsonResponse(bapiSessionJSON(session))
}

const tokenSchema = z.object({
  expires_in_seconds: z.optional(z.nullable(z.int().check(z.minimum(30), z.maximum(315_360_000)))),
})

/**
 * `POST /v1/sessions/:id/tokens` (`sessions.getToken(sessionId)`): a session token for an active
 * session (no `azp`: no browser asked); a revoked or ended one answers 404, as it mints no more.
 */
export async function createSessionToken(ctx: Context): Promise<Response> {
  const text = await ctx.request.text()
  const parsed = parseWith(tokenSchema, text.trim() === '' ? {} : parseJson(text, invalidBody))
  if (!parsed.ok) {
    throw formError(
      'form_param_value_invalid',
      'expires_in_seconds',
      'expires_in_seconds must be an integer of at least 30.',
    )
  }
  const { session, user } = activeSession(ctx)
  const lifetime = parsed.value.expires_in_seconds ?? ctx.state.settings.tokenLifetimeSeconds
  const jwt = await mint({ state: ctx.state, origin: null }, session, user, lifetime)
  return jsonResponse({ object: 'token', jwt })
}

function requireSession(ctx: Context): SessionRecord {
  const session = ctx.state.store.sessions.get(ctx.params.id ?? '')
  if (!session) {
    throw new ClerkError(404, 'resource_not_found', 'not found', {
      longMessage: `No session was found with id ${ctx.params.id ?? ''}.`,
    })
  }
  return session
}

function activeSession(ctx: Context): { session: SessionRecord; user: UserRecord } {
  const session = requireSession(ctx)
  const user = ctx.state.store.users.get(session.userId)
  if (session.status !== 'active' || !user) {
    throw new ClerkError(404, 'resource_not_found', 'Session not active', {
      longMessage: `Session ${session.id} is ${session.status}: it mints no tokens.`,
    })
  }
  return { session, user }
}

function integer(query: URLSearchParams, name: string, fallback: number, min: number, max: number) {
  const raw = query.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw formError(
      'form_param_value_invalid',
      name,
      `${name} must be an integer from ${min} to ${max}.`,
    )
  }
  return value
}

function invalidBody(message: string): ClerkError {
  return new ClerkError(422, 'form_param_format_invalid', 'Invalid request body', {
    longMessage: `Invalid request body: ${message}.`,
  })
}
