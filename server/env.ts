/**
 * Settings from the environment, read the way Clerk's SDKs read them: at the first request, never
 * at import or construction (so a module-scope handler survives `next build` with no secret set).
 * A value comes from the request's environment object when the runtime passes one (a Cloudflare
 * Worker's bindings, Hono's `c.env`), else from `process.env` where there is a `process`.
 * Runtime-neutral: no Node import.
 */

/** The variables the handler reads when an option is not given. */
export const ENV = {
  secretKey: 'CLERK_SECRET_KEY',
  publishableKey: 'CLERK_PUBLISHABLE_KEY',
  jwtKey: 'CLERK_JWT_KEY',
  apiUrl: 'CLERK_API_URL',
  /** Comma-separated exact origins; our own name, checked first. */
  allowedOrigins: 'ALLOWED_ORIGINS',
  /** Clerk's name for the same list (`authorizedParties`), comma-separated. */
  authorizedParties: 'CLERK_AUTHORIZED_PARTIES',
  /** `true` (or `1`): with no allowed origins, the own origin comes from X-Forwarded-Proto/-Host. */
  trustForwardedHeaders: 'TRUST_FORWARDED_HEADERS',
} as const

export type EnvSource = (name: string) => string | undefined

/** `process.env`, where the runtime has one (Node, Bun, Deno, workerd with `nodejs_compat`). */
function processEnv(): Record<string, string | undefined> | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
}

/**
 * A variable of `record`: a `KEY=value` line may keep its quotes and `\n` escapes (the emulator
 * prints the PEM that way); a blank value counts as unset.
 */
export function readVariable(
  record: Readonly<Record<string, unknown>> | undefined,
  name: string,
): string | undefined {
  const value = record?.[name]
  const raw = typeof value === 'string' ? value.trim() : ''
  if (!raw) return undefined
  const unquoted = /^"(.*)"$/s.exec(raw)?.[1] ?? raw
  return unquoted.replace(/\\n/g, '\n')
}

/** The lookup for one request: `bindings` (when it is an object) first, then `process.env`. */
export function envSource(bindings?: unknown): EnvSource {
  const own =
    bindings !== null && typeof bindings === 'object'
      ? (bindings as Record<string, unknown>)
      : undefined
  return (name) => readVariable(own, name) ?? readVariable(processEnv(), name)
}

/** A comma-separated list of origins, trimmed, blanks dropped. */
export function originList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
}
