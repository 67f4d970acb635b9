/**
 * The webhooks' control surface under `/__emulator/webhooks`: the endpoints and the signing secret,
 * the event log, the delivery log (one entry per attempt) and replay. Like the rest of the control
 * surface, never a Clerk path and never faulted.
 */

import * as z from 'zod/mini'
import type { Context, RouteRow } from '../context.ts'
import { ClerkError, jsonResponse, parseJson } from '../errors.ts'
import { parseWith } from '../validation.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/__emulator/webhooks', handler: getWebhooks },
  { method: 'POST', path: '/__emulator/webhooks', handler: addEndpoint },
  { method: 'DELETE', path: '/__emulator/webhooks', handler: removeEndpoints },
  { method: 'GET', path: '/__emulator/webhooks/events', handler: listEvents },
  { method: 'GET', path: '/__emulator/webhooks/deliveries', handler: listDeliveries },
  { method: 'POST', path: '/__emulator/webhooks/events/:id/replay', handler: replay },
]

function summary(ctx: Context) {
  const { webhooks } = ctx.state
  return { endpoints: [...webhooks.endpoints], signingSecret: webhooks.secret }
}

export async function getWebhooks(ctx: Context): Promise<Response> {
  return jsonResponse(summary(ctx))
}

const endpointSchema = z.strictObject({ url: z.string() })

/** `POST { url }`: registers an endpoint (http or https); later events go to it too. */
export async function addEndpoint(ctx: Context): Promise<Response> {
  const parsed = parseWith(endpointSchema, parseJson(await ctx.request.text(), invalid))
  if (!parsed.ok) throw invalid(parsed.message)
  try {
    ctx.state.webhooks.addEndpoint(parsed.value.url)
  } catch (error) {
    throw invalid((error as Error).message)
  }
  return jsonResponse(summary(ctx), 201)
}

/** `DELETE [?url=…]`: removes that endpoint, or every endpoint. */
export async function removeEndpoints(ctx: Context): Promise<Response> {
  const url = ctx.url.searchParams.get('url')
  const { endpoints } = ctx.state.webhooks
  if (url === null) endpoints.clear()
  else if (!endpoints.delete(url)) throw invalid(`no webhook endpoint ${url}`)
  return jsonResponse(summary(ctx))
}

/** The events emitted, oldest first, with their exact signed bodies. */
export async function listEvents(ctx: Context): Promise<Response> {
  return jsonResponse({
    events: ctx.state.webhooks.events.map(({ id, type, createdAt, body }) => ({
      id,
      type,
      createdAt,
      payload: JSON.parse(body) as unknown,
    })),
  })
}

/** Every delivery attempt, oldest first: endpoint, attempt number, status or error. */
export async function listDeliveries(ctx: Context): Promise<Response> {
  return jsonResponse({ deliveries: ctx.state.webhooks.deliveries })
}

/** `POST /__emulator/webhooks/events/:id/replay`: the same message (same `svix-id`) sent again. */
export async function replay(ctx: Context): Promise<Response> {
  const event = ctx.state.webhooks.replay(ctx.params.id ?? '')
  if (!event) throw invalid(`no webhook event ${ctx.params.id ?? ''} in the log`, 404)
  return jsonResponse({ replayed: event.id, endpoints: [...ctx.state.webhooks.endpoints] }, 202)
}

function invalid(message: string, status = 400): ClerkError {
  return new ClerkError(status, 'emulator_invalid_request', message, {
    longMessage: `Invalid control request: ${message}.`,
  })
}
