/**
 * The demo journeys' helpers that need no browser driver: the emulator's control surface under the
 * demo's origin, users made through its Backend API, and the wire's counts from its request log.
 * Shared by the Playwright fixtures (`demo-fixtures.ts`, Chromium and Firefox) and the WebKit
 * journeys (`test/webkit/`), so that an engine is a row, not a copy.
 */
import type { RequestLogEntry as LoggedRequest } from '../../emulator/app.ts'
export type { RequestLogEntry as LoggedRequest } from '../../emulator/app.ts'
import { control } from '../../emulator/testing/control.ts'

export const INITIAL_BIRTHDAY = '1990-12-10'

let users = 0

export interface TestUser {
  id: string
  email: string
  password: string
}

/** The emulator's control surface under the page origin. */
export function emulatorClient(origin: string) {
  return {
    control: (method: string, path: string, body?: unknown) =>
      control(`${origin}/__clerk`, method, path, body),
  }
}

/**
 * A user made through the emulator's Backend API (like the seeded demo user, with a birthday), on
 * the page origin that mounts the emulator at `/__clerk`.
 */
export async function createUser(origin: string, email: string): Promise<TestUser> {
  const { apiUrl, secretKey } = (await emulatorClient(origin).control('GET', 'config')) as {
    apiUrl: string
    secretKey: string
  }
  const password = 'lovelace-1815'
  const response = await fetch(`${apiUrl}/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      email_address: [email],
      password,
      first_name: 'Ada',
      public_metadata: { birthday: INITIAL_BIRTHDAY },
    }),
  })
  if (!response.ok)
    throw new Error(`creating ${email}: ${response.status} ${await response.text()}`)
  const { id } = (await response.json()) as { id: string }
  return { id, email, password }
}

/** A new address each time (per process), so users never collide. */
export function uniqueEmail(): string {
  return `ada.${process.pid}.${++users}@example.test`
}

/** How many logged requests have this route (e.g. `POST /v1/client/sessions/:id/tokens`). */
export function countRoute(log: LoggedRequest[], route: string): number {
  return log.filter((request) => request.route === route).length
}

/** What one save put on the wire, from the emulator's log: token mints, user reloads, writes. */
export function wireOf(log: LoggedRequest[]): Record<keyof typeof ROUTES, number> {
  return {
    mint: countRoute(log, ROUTES.mint),
    me: countRoute(log, ROUTES.me),
    metadata: countRoute(log, ROUTES.metadata),
  }
}

export const ROUTES = {
  mint: 'POST /v1/client/sessions/:id/tokens',
  me: 'GET /v1/me',
  metadata: 'PATCH /api/v1/users/:id/metadata',
} as const
