/**
 * JWT templates: the Backend API resource (`jwtTemplates.list/get/create/update/delete` of
 * `@clerk/backend`) and the Frontend API mint that ClerkJS's `session.getToken({ template })` calls,
 * `POST /v1/client/sessions/:id/tokens/:template`, which answers the bare `{ object: 'token', jwt }`.
 * Templates use the session template's shortcodes; custom signing keys are not emulated (501).
 */

import * as z from 'zod/mini'
import { randomId } from '../encoding.ts'
import { ClerkError, formError, jsonResponse, notImplemented, parseJson } from '../errors.ts'
import { deletedObjectJSON, jwtTemplateJSON } from '../resources.ts'
import type { Context, RouteRow } from '../context.ts'
import type { JwtTemplateRecord } from '../store.ts'
import { mintTemplateToken } from '../tokens.ts'
import { parseWith } from '../validation.ts'
import { findClient, readForm, signedOut } from '../client-session.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'POST', path: '/v1/client/sessions/:id/tokens/:template', handler: mint },
  { method: 'GET', path: '/api/v1/jwt_templates', handler: list },
  { method: 'POST', path: '/api/v1/jwt_templates', handler: create },
  { method: 'GET', path: '/api/v1/jwt_templates/:id', handler: get },
  { method: 'PATCH', path: '/api/v1/jwt_templates/:id', handler: update },
  { method: 'DELETE', path: '/api/v1/jwt_templates/:id', handler: remove },
]

/** Claims a JWT template always has and may not set. */
export const TEMPLATE_DEFAULT_CLAIMS: readonly string[] = [
  'azp',
  'exp',
  'iat',
  'iss',
  'jti',
  'nbf',
  'sub',
]

/** Clerk's defaults for a new template. */
const DEFAULT_LIFETIME_S = 60
const DEFAULT_CLOCK_SKEW_S = 5

const templateBodySchema = z.object({
  name: z.string(),
  claims: z.record(z.string(), z.unknown()),
  lifetime: z.optional(z.nullable(z.int().check(z.minimum(30), z.maximum(315_360_000)))),
  allowed_clock_skew: z.optional(z.nullable(z.int().check(z.minimum(0), z.maximum(300)))),
  custom_signing_key: z.optional(z.nullable(z.boolean())),
  signing_algorithm: z.optional(z.nullable(z.string())),
  signing_key: z.optional(z.nullable(z.string())),
})

type TemplateBody = z.infer<typeof templateBodySchema>

async function readTemplateBody(ctx: Context): Promise<TemplateBody> {
  const parsed = parseWith(templateBodySchema, parseJson(await ctx.request.text(), invalidBody))
  if (!parsed.ok) throw invalidBody(parsed.message)
  const body = parsed.value
  if (body.custom_signing_key || body.signing_key) {
    throw notImplemented('JWT templates with a custom signing key')
  }
  if (body.name.trim() === '') throw formError('form_param_missing', 'name', 'Enter a name.')
  const reserved = Object.keys(body.claims).filter((key) => TEMPLATE_DEFAULT_CLAIMS.includes(key))
  if (reserved.length > 0) {
    throw formError(
      'form_param_value_invalid',
      'claims',
      `The claims ${reserved.join(', ')} are reserved and set by Clerk.`,
    )
  }
  return body
}

function assertNameFree(ctx: Context, name: string, exceptId: string | null): void {
  for (const template of ctx.state.store.jwtTemplates.values()) {
    if (template.name === name && template.id !== exceptId) {
      throw formError(
        'form_identifier_exists',
        'name',
        'A JWT template with this name already exists.',
      )
    }
  }
}

function requireTemplate(ctx: Context): JwtTemplateRecord {
  const template = ctx.state.store.jwtTemplates.get(ctx.params.id ?? '')
  if (!template) {
    throw new ClerkError(404, 'resource_not_found', 'not found', {
      longMessage: `No JWT template was found with id ${ctx.params.id ?? ''}.`,
    })
  }
  return template
}

/** `GET /jwt_templates`: the bare array the spec documents, oldest first; `limit`/`offset`. */
export async function list(ctx: Context): Promise<Response> {
  const query = ctx.url.searchParams
  const limit = Number(query.get('limit') ?? 10)
  const offset = Number(query.get('offset') ?? 0)
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw formError('form_param_value_invalid', 'limit', 'limit must be an integer from 1 to 500.')
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw formError('form_param_value_invalid', 'offset', 'offset must be a whole number.')
  }
  const templates = [...ctx.state.store.jwtTemplates.values()].sort(
    (a, b) => a.createdAt - b.createdAt,
  )
  return jsonResponse(templates.slice(offset, offset + limit).map(jwtTemplateJSON))
}

export async function get(ctx: Context): Promise<Response> {
  return jsonResponse(jwtTemplateJSON(requireTemplate(ctx)))
}

export async function create(ctx: Context): Promise<Response> {
  const body = await readTemplateBody(ctx)
  assertNameFree(ctx, body.name, null)
  const now = ctx.state.now()
  const template: JwtTemplateRecord = {
    id: randomId('jtmp'),
    name: body.name,
    claims: body.claims,
    lifetime: body.lifetime ?? DEFAULT_LIFETIME_S,
    allowedClockSkew: body.allowed_clock_skew ?? DEFAULT_CLOCK_SKEW_S,
    createdAt: now,
    updatedAt: now,
  }
  ctx.state.store.jwtTemplates.set(template.id, template)
  await ctx.state.persist()
  return jsonResponse(jwtTemplateJSON(template))
}

/** `PATCH /jwt_templates/:id`: a full replacement (name and claims are required, as in the spec). */
export async function update(ctx: Context): Promise<Response> {
  const template = requireTemplate(ctx)
  const body = await readTemplateBody(ctx)
  assertNameFree(ctx, body.name, template.id)
  Object.assign(template, {
    name: body.name,
    claims: body.claims,
    lifetime: body.lifetime ?? DEFAULT_LIFETIME_S,
    allowedClockSkew: body.allowed_clock_skew ?? DEFAULT_CLOCK_SKEW_S,
    updatedAt: ctx.state.now(),
  })
  await ctx.state.persist()
  return jsonResponse(jwtTemplateJSON(template))
}

export async function remove(ctx: Context): Promise<Response> {
  const template = requireTemplate(ctx)
  ctx.state.store.jwtTemplates.delete(template.id)
  await ctx.state.persist()
  return jsonResponse(deletedObjectJSON('jwt_template', template.id))
}

/** `POST /v1/client/sessions/:id/tokens/:template` (`getToken({ template })`). */
export async function mint(ctx: Context): Promise<Response> {
  const form = await readForm(ctx.request)
  if (form.get('organization_id')) throw notImplemented('organizations')
  const { client } = findClient(ctx)
  const { store } = ctx.state
  const session = client
    ? store.activeSessions(client).find((candidate) => candidate.id === ctx.params.id)
    : undefined
  const user = session && store.users.get(session.userId)
  if (!session || !user) throw signedOut()
  const name = ctx.params.template ?? ''
  const template = [...store.jwtTemplates.values()].find((candidate) => candidate.name === name)
  if (!template) {
    throw new ClerkError(404, 'resource_not_found', 'JWT template not found', {
      longMessage: `No JWT template exists with name: ${name}`,
    })
  }
  const jwt = await mintTemplateToken({
    key: ctx.state.key,
    keyHost: ctx.state.keyHost,
    user,
    origin: ctx.origin,
    nowMs: ctx.state.now(),
    template,
  })
  return jsonResponse({ object: 'token', jwt })
}

function invalidBody(message: string): ClerkError {
  return new ClerkError(422, 'form_param_format_invalid', 'Invalid request body', {
    longMessage: `Invalid request body: ${message}.`,
  })
}
