/**
 * The control surface under `/__emulator/`: configuration, reset, fault injection, the request log and
 * counters, and run-time settings. Never a Clerk path, never faulted, no secret key required (the
 * emulator is a local test tool; it listens on loopback by default).
 */

import { ClerkError, jsonResponse, parseJson } from '../errors.ts'
import { faultSchema } from '../faults.ts'
import type { Context, RouteRow } from '../context.ts'
import { settingsSchema, templateProblem } from '../settings.ts'
import { parseWith } from '../validation.ts'

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/__emulator/config', handler: config },
  { method: 'POST', path: '/__emulator/reset', handler: reset },
  { method: 'GET', path: '/__emulator/faults', handler: listFaults },
  { method: 'POST', path: '/__emulator/faults', handler: addFault },
  { method: 'DELETE', path: '/__emulator/faults', handler: clearFaults },
  { method: 'GET', path: '/__emulator/requests', handler: requests },
  { method: 'DELETE', path: '/__emulator/requests', handler: clearRequests },
  { method: 'GET', path: '/__emulator/counters', handler: counters },
  { method: 'GET', path: '/__emulator/settings', handler: getSettings },
  { method: 'PATCH', path: '/__emulator/settings', handler: patchSettings },
]

export async function config(ctx: Context): Promise<Response> {
  return jsonResponse(ctx.state.config(ctx.url.origin))
}

export async function reset(ctx: Context): Promise<Response> {
  const { state } = ctx
  state.store.reset()
  state.faults.clear()
  state.log.clear()
  state.webhooks.reset()
  state.settings = structuredClone(state.initialSettings)
  await state.persist()
  return jsonResponse({ ok: true })
}

export async function addFault(ctx: Context): Promise<Response> {
  const parsed = parseWith(faultSchema, parseJson(await ctx.request.text(), invalid))
  if (!parsed.ok) throw invalid(parsed.message)
  return jsonResponse(ctx.state.faults.add(parsed.value), 201)
}

export async function listFaults(ctx: Context): Promise<Response> {
  return jsonResponse({ faults: ctx.state.faults.list() })
}

export async function clearFaults(ctx: Context): Promise<Response> {
  return jsonResponse({ cleared: ctx.state.faults.clear() })
}

export async function requests(ctx: Context): Promise<Response> {
  return jsonResponse({ requests: ctx.state.log.entries() })
}

export async function clearRequests(ctx: Context): Promise<Response> {
  ctx.state.log.clear()
  return jsonResponse({ ok: true })
}

export async function counters(ctx: Context): Promise<Response> {
  return jsonResponse(ctx.state.log.counters())
}

export async function getSettings(ctx: Context): Promise<Response> {
  return jsonResponse(ctx.state.settings)
}

export async function patchSettings(ctx: Context): Promise<Response> {
  const parsed = parseWith(settingsSchema, parseJson(await ctx.request.text(), invalid))
  if (!parsed.ok) throw invalid(parsed.message)
  const { sessionTokenTemplate, tokenLifetimeSeconds, clockOffsetMs } = parsed.value
  if (sessionTokenTemplate !== undefined) {
    const problem = templateProblem(sessionTokenTemplate)
    if (problem) throw invalid(problem)
  }
  ctx.state.settings = {
    sessionTokenTemplate: sessionTokenTemplate ?? ctx.state.settings.sessionTokenTemplate,
    tokenLifetimeSeconds: tokenLifetimeSeconds ?? ctx.state.settings.tokenLifetimeSeconds,
    clockOffsetMs: clockOffsetMs ?? ctx.state.settings.clockOffsetMs,
  }
  return jsonResponse(ctx.state.settings)
}

function invalid(message: string): ClerkError {
  return new ClerkError(400, 'emulator_invalid_request', message, {
    longMessage: `Invalid control request: ${message}.`,
  })
}
