/**
 * An offline stand-in for the slice of Clerk's HTTP APIs that the unmodified `@clerk/clerk-js` 6 and
 * `@clerk/backend` 3 use: the Frontend API, the Backend API, the ClerkJS script files, and a control
 * surface for tests. It is a web-standard `(Request) => Promise<Response>` app with its routes as one
 * table.
 *
 * It imports nothing of the project's: it imitates a third party.
 */

import { applyCors, preflightResponse } from './cors.ts'
import type { Context, EmulatorConfig, EmulatorState, RouteRow } from './context.ts'
import { ClerkError, errorResponse, jsonResponse, notImplemented } from './errors.ts'
import { HANG_LIMIT_MS, sleep, type Fault } from './faults.ts'
import { createState, type EmulatorOptions } from './options.ts'
import { type Api } from './request-log.ts'
import { compilePattern, matchPattern, type CompiledPattern } from './router.ts'
import { routes as backend } from './routes/backend.ts'
import { routes as control } from './routes/control.ts'
import { routes as frontend } from './routes/frontend.ts'
import { routes as handshake } from './routes/handshake.ts'
import { routes as jwtTemplates } from './routes/jwt-templates.ts'
import { routes as script } from './routes/script.ts'
import { routes as sessions } from './routes/sessions.ts'
import { routes as signUp } from './routes/sign-up.ts'
import { routes as webhooks } from './routes/webhooks.ts'
import { routes as accountPortal } from './routes/account-portal.ts'

export type { ClerkJsSource, EmulatorConfig } from './context.ts'
export type { Settings } from './settings.ts'
export type { EmulatorSnapshot } from './store.ts'
export type { RequestLogEntry, Counters } from './request-log.ts'
export type { FaultSpec, Fault } from './faults.ts'
export { isEmulatorKey } from './keys.ts'
export { DEFAULT_SESSION_TOKEN_TEMPLATE } from './settings.ts'
export { DEMO_USER, type EmulatorOptions, type SeedUser } from './options.ts'

export interface Emulator {
  /** Web-standard; the whole app. */
  fetch(request: Request): Promise<Response>
  /** The configuration for clients at `origin` (default: `publicOrigin`). */
  config(origin?: string): EmulatorConfig
  /** Resolves when every queued webhook delivery (retries included) has finished. */
  webhooksIdle(): Promise<void>
}

/** The response header that tells the Node adapter to destroy the connection (the "drop" fault). */
export const DROP_HEADER = 'x-emulator-drop'

interface Route extends RouteRow {
  compiled: CompiledPattern
}

/**
 * Every emulated endpoint, below `basePath`: each route file's table (its paths beside its handlers),
 * in this order. First match wins. Which API a path belongs to is its prefix (`classify`), since an
 * unmatched path has one too.
 */
const ROUTES: readonly Route[] = [
  // Frontend API: clerk-js through `proxyUrl` (non-GET verbs arrive as POST + `_method`).
  ...frontend,
  ...signUp,
  ...handshake,
  // Backend API: @clerk/backend through `apiUrl` (Bearer secret key). (jwt-templates.ts also serves
  // the Frontend API's template tokens.)
  ...backend,
  ...sessions,
  ...jwtTemplates,
  // ClerkJS files from the installed packages, and the control surface for tests.
  ...script,
  // Account Portal: the hosted sign-in and sign-up pages of a development instance.
  ...accountPortal,
  ...control,
  ...webhooks,
].map((row) => ({ ...row, compiled: compilePattern(row.path) }))

/**
 * Creates an emulator.
 *
 * @example
 * const emulator = await createEmulator({ publicOrigin: 'http://localhost:4010' })
 * const response = await emulator.fetch(new Request('http://localhost:4010/__emulator/config'))
 * // clerk-js: new Clerk(config.publishableKey, { proxyUrl: config.proxyUrl })
 * // @clerk/backend: createClerkClient({ secretKey: config.secretKey, apiUrl: config.apiUrl })
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = await createState(options)
  await state.persist()
  return {
    fetch: (request) => dispatch(state, request),
    webhooksIdle: () => state.webhooks.idle(),
    config(origin) {
      const base = origin ?? options.publicOrigin
      if (!base) throw new Error('config() needs an origin when publicOrigin is not set')
      return state.config(base)
    },
  }
}

/** The API of a path below `basePath`, matched or not: it decides `_method`, auth, faults and the log. */
function classify(path: string): Api {
  if (path === '/api' || path.startsWith('/api/')) return 'bapi'
  if (path.startsWith('/__emulator/')) return 'control'
  if (path.startsWith('/npm/')) return 'script'
  if (path === '/sign-in' || path === '/sign-up') return 'portal'
  return 'fapi'
}

/** The one entry point: routing, faults, authentication, the error boundary, CORS and the log. */
async function dispatch(state: EmulatorState, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const origin = request.headers.get('Origin')
  const path = pathBelowBase(state.basePath, url.pathname)
  const api = path === null ? 'fapi' : classify(path)
  const override = url.searchParams.get('_method')
  const method =
    request.method === 'POST' && override && (api === 'fapi' || api === 'control')
      ? override.toUpperCase()
      : request.method
  const matched = path === null ? null : findRoute(method, path)
  const routeName =
    request.method === 'OPTIONS'
      ? 'OPTIONS *'
      : matched && `${matched.route.method} ${matched.route.path}`

  let response: Response
  if (request.method === 'OPTIONS') {
    response = preflightResponse(request)
  } else {
    const ctx: Context = {
      request,
      url,
      path: path ?? url.pathname,
      method,
      params: matched?.params ?? {},
      origin,
      state,
      responseHeaders: new Headers(),
    }
    response = await handle(ctx, api, matched?.route ?? null)
  }

  const dropped = response.headers.get(DROP_HEADER) === '1'
  // A preflight already carries its CORS headers.
  if (!dropped && request.method !== 'OPTIONS') response = finish(response, request, origin)
  state.log.record({
    at: state.now(),
    method: request.method,
    path: path ?? url.pathname,
    query: url.search.slice(1),
    status: dropped ? 0 : response.status,
    api,
    route: routeName,
    origin,
  })
  return response
}

async function handle(ctx: Context, api: Api, matched: Route | null): Promise<Response> {
  let response: Response
  try {
    const fault =
      api === 'control' ? null : ctx.state.faults.take([ctx.request.method, ctx.method], ctx.path)
    const faulted = fault && (await applyFault(fault, ctx))
    if (faulted) return faulted
    if (!matched) {
      throw notImplemented(`${ctx.method} ${ctx.path}`, {
        method: ctx.method,
        path: ctx.path,
        pathname: ctx.url.pathname,
      })
    }
    if (api === 'bapi') authorize(ctx)
    response = await matched.handler(ctx)
  } catch (error) {
    if (error instanceof ClerkError) {
      response = errorResponse(error)
    } else {
      console.error('clerk emulator: unexpected error', error)
      response = errorResponse(
        new ClerkError(500, 'internal_clerk_error', 'Oops, an unexpected error occurred.'),
      )
    }
  }
  // Headers such as Set-Cookie stay even when the handler failed after creating the client.
  for (const [name, value] of ctx.responseHeaders) response.headers.append(name, value)
  return response
}

function authorize(ctx: Context): void {
  const header = ctx.request.headers.get('Authorization') ?? ''
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  if (!bearer) {
    throw new ClerkError(401, 'authentication_invalid', 'Invalid authentication', {
      longMessage: 'Backend API requests must carry `Authorization: Bearer <secret key>`.',
    })
  }
  if (bearer !== ctx.state.secretKey) {
    throw new ClerkError(401, 'clerk_key_invalid', 'Secret Key is invalid', {
      longMessage:
        'The provided Clerk Secret Key is invalid. Use the secretKey of this emulator (GET /__emulator/config).',
    })
  }
}

async function applyFault(fault: Fault, ctx: Context): Promise<Response | null> {
  const { signal } = ctx.request
  if (fault.delayMs > 0 && !(await sleep(fault.delayMs, signal))) return gone()
  if (fault.drop) return new Response(null, { status: 502, headers: { [DROP_HEADER]: '1' } })
  if (fault.hang) {
    if (!(await sleep(HANG_LIMIT_MS, signal))) return gone()
    return errorResponse(
      new ClerkError(504, 'emulator_hang_timeout', 'Injected hang timed out', {
        longMessage: `The request hung for ${HANG_LIMIT_MS} ms (injected fault) and was then answered.`,
      }),
    )
  }
  if (fault.status === null) return null
  if ([204, 205, 304].includes(fault.status)) return new Response(null, { status: fault.status })
  if (fault.status < 400) return jsonResponse({}, fault.status)
  return errorResponse(
    new ClerkError(
      fault.status,
      'emulator_injected_fault',
      `Injected fault: HTTP ${fault.status}`,
      {
        longMessage: `The emulator answered ${fault.status} because of an injected fault on ${fault.path}.`,
        headers: fault.status === 429 ? { 'Retry-After': '1' } : {},
      },
    ),
  )
}

/** What a request whose caller went away "answers" (nobody reads it; the log shows 499). */
function gone(): Response {
  return new Response(null, { status: 499 })
}

function finish(response: Response, request: Request, origin: string | null): Response {
  const headers = new Headers(response.headers)
  applyCors(headers, origin)
  const body = request.method === 'HEAD' ? null : response.body
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}

function pathBelowBase(basePath: string, pathname: string): string | null {
  if (basePath === '') return pathname
  if (pathname === basePath) return '/'
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : null
}

function findRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | null {
  const wanted = method === 'HEAD' ? 'GET' : method
  for (const candidate of ROUTES) {
    if (candidate.method !== wanted) continue
    const params = matchPattern(candidate.compiled, path)
    if (params) return { route: candidate, params }
  }
  return null
}
