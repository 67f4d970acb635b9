/**
 * Clerk's published OpenAPI specs (vendored in test/fixtures/clerk-openapi), and the exceptions the
 * conformance check makes: where a spec's `additionalProperties: false` forbids a field that an SDK
 * reads, the emulator follows the SDK. Each exception names the SDK file and line that reads it.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import type { CapturedResponse } from './capture.ts'
import { OpenApiSpec, type Allowance, type Problem, type SpecDocument } from './openapi.ts'

export const SPEC_VERSION = '2026-05-12'

/** Fields the SDKs read that the spec's `additionalProperties: false` leaves out. */
export const FAPI_ALLOWANCES: readonly Allowance[] = [
  {
    property: 'session_minter',
    schema: 'Client.AuthConfig',
    evidence:
      '@clerk/clerk-js 6.40.0 dist/clerk.mjs line 90, AuthConfig.fromJSON: `this.sessionMinter=this.withDefault(e.session_minter,…)`',
  },
]
export const BAPI_ALLOWANCES: readonly Allowance[] = [
  {
    property: 'timezone',
    schema: 'User',
    evidence: '@clerk/backend 3.25.0 dist/index.js line 6039, User.fromJSON: `data.timezone`',
  },
]

/** A status the spec does not document for an operation, answered because an SDK handles it. */
export interface StatusAllowance {
  api: 'fapi' | 'bapi'
  method: string
  template: string
  status: number
  evidence: string
}

export const STATUS_ALLOWANCES: readonly StatusAllowance[] = [
  {
    // The emulator's own, configurable metadata write limit (Clerk's Backend API rate limits answer
    // 429 on every endpoint, but the spec lists it on none of the user endpoints).
    api: 'bapi',
    method: 'PATCH',
    template: '/users/{user_id}/metadata',
    status: 429,
    evidence:
      '@clerk/backend 3.25.0 dist/index.js lines 6342 and 6355-6360: a 429 error carries `retryAfter` from the Retry-After header',
  },
]

/**
 * Error statuses the spec documents without a body, answered with Clerk's error body, which the SDK
 * reads for `errors` (a bodiless error would reach the app as an unexplained failure).
 */
export const ERROR_BODY_ALLOWANCES: readonly StatusAllowance[] = [
  {
    api: 'bapi',
    method: 'POST',
    template: '/users/{user_id}/verify_password',
    status: 422,
    evidence:
      '@clerk/backend 3.25.0 buildRequest: a non-2xx answer becomes a ClerkAPIResponseError whose `errors` come from the body (parseErrors)',
  },
]

/**
 * Lists whose spec is a bare array but which an SDK asks for with `paginated=true` and reads as
 * `{ data, total_count }`: the body's `data` is checked against the spec's array, `total_count` is an
 * integer.
 */
export const PAGINATED_ALLOWANCES: readonly Omit<StatusAllowance, 'status'>[] = [
  {
    api: 'bapi',
    method: 'GET',
    template: '/sessions',
    evidence:
      '@clerk/backend 3.25.0 SessionAPI.getSessionList sends `paginated: true` and returns `{ data, totalCount }` from a `{ data, total_count }` body (deserialize, isPaginated)',
  },
]

function load(api: 'fapi' | 'bapi'): SpecDocument {
  const file = fileURLToPath(
    new URL(`../../fixtures/clerk-openapi/${api}/${SPEC_VERSION}.yml`, import.meta.url),
  )
  return parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as SpecDocument
}

export interface ClerkSpecs {
  fapi: OpenApiSpec
  bapi: OpenApiSpec
}

export function loadClerkSpecs(): ClerkSpecs {
  return {
    fapi: new OpenApiSpec(load('fapi'), FAPI_ALLOWANCES),
    bapi: new OpenApiSpec(load('bapi'), BAPI_ALLOWANCES),
  }
}

export interface Verdict {
  response: CapturedResponse
  /** `GET /v1/client 200` */
  label: string
  problems: Problem[]
}

/** Checks one captured response against the spec of its API: path, method, status and body. */
export function checkResponse(specs: ClerkSpecs, response: CapturedResponse): Verdict {
  const spec = specs[response.api]
  const label = `${response.api} ${response.method} ${response.specPath} ${response.status}`
  const found = spec.lookup(response.method, response.specPath, response.status)
  if (found.kind === 'undocumented') {
    const allowed = STATUS_ALLOWANCES.some(
      (a) =>
        a.api === response.api &&
        a.method === response.method &&
        a.template === found.template &&
        a.status === response.status,
    )
    if (!allowed) return { response, label, problems: [{ at: '', message: found.message }] }
    // An allowed status still has to be a Clerk error body.
    return {
      response,
      label,
      problems: spec.validate({ $ref: '#/components/schemas/ClerkErrors' }, response.body),
    }
  }
  if (found.kind === 'no-body') {
    const errorBody = ERROR_BODY_ALLOWANCES.some(
      (a) =>
        a.api === response.api &&
        a.method === response.method &&
        a.template === found.template &&
        a.status === response.status,
    )
    if (errorBody) {
      return {
        response,
        label,
        problems: spec.validate({ $ref: '#/components/schemas/ClerkErrors' }, response.body),
      }
    }
    const problems =
      response.body === undefined
        ? []
        : [{ at: '', message: 'the spec documents no JSON body for this status' }]
    return { response, label, problems }
  }
  if (response.body === undefined) {
    return { response, label, problems: [{ at: '', message: 'the response has no body' }] }
  }
  const paginated = PAGINATED_ALLOWANCES.some(
    (a) => a.api === response.api && a.method === response.method && a.template === found.template,
  )
  const body = response.body as { data?: unknown; total_count?: unknown } | null
  if (paginated && response.status === 200 && body && !Array.isArray(body)) {
    const problems = spec.validate(found.schema, body.data)
    if (!Number.isInteger(body.total_count)) {
      problems.push({ at: 'total_count', message: 'a paginated list needs an integer total_count' })
    }
    return { response, label, problems }
  }
  return { response, label, problems: spec.validate(found.schema, response.body) }
}
