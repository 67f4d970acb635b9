/**
 * Test support: talks to a running emulator over HTTP the way a browser and a Clerk dashboard would —
 * signs in through the Frontend API (with an `Origin` header and the client cookie) and mints
 * session tokens; reads the control surface's counters; creates users through the Backend API.
 * Uses only the emulator's documented HTTP interface (the control calls through
 * `emulator/testing/control.ts`).
 */
import { control } from '../../emulator/testing/control.ts'

export interface EmulatorSession {
  userId: string
  sessionId: string
  cookie: string
  /** A fresh session token; `origin` becomes its `azp` (`null`: no Origin header, no `azp`). */
  mint(origin?: string | null): Promise<string>
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }

export async function signIn(
  proxyUrl: string,
  origin: string,
  credentials = { email: 'ada@example.test', password: 'lovelace-1815' },
): Promise<EmulatorSession> {
  const response = await fetch(`${proxyUrl}/v1/client/sign_ins`, {
    method: 'POST',
    headers: { ...FORM, Origin: origin },
    body: new URLSearchParams({ identifier: credentials.email, password: credentials.password }),
  })
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
  const body = (await response.json()) as {
    response: { created_session_id: string }
    client: { sessions: { id: string; user: { id: string } }[] }
  }
  const sessionId = body.response.created_session_id
  const userId = body.client.sessions.find((session) => session.id === sessionId)?.user.id ?? ''
  return {
    userId,
    sessionId,
    cookie,
    async mint(tokenOrigin: string | null = origin) {
      const minted = await fetch(`${proxyUrl}/v1/client/sessions/${sessionId}/tokens`, {
        method: 'POST',
        headers: {
          ...FORM,
          Cookie: cookie,
          ...(tokenOrigin === null ? {} : { Origin: tokenOrigin }),
        },
        body: 'organization_id=&tab_state=focused',
      })
      if (!minted.ok) throw new Error(`mint failed: ${minted.status} ${await minted.text()}`)
      return ((await minted.json()) as { jwt: string }).jwt
    },
  }
}

export interface Counters {
  routes: Record<string, number>
  bapiWrites: number
}

export async function counters(proxyUrl: string): Promise<Counters> {
  return control<Counters>(proxyUrl, 'GET', 'counters')
}

/** The user as the Backend API has it (snake_case JSON). */
export async function backendUser(
  apiUrl: string,
  secretKey: string,
  userId: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}/v1/users/${userId}`, {
    headers: { Authorization: `Bearer ${secretKey}` },
  })
  return (await response.json()) as Record<string, unknown>
}

export async function backendCall(
  apiUrl: string,
  secretKey: string,
  method: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok)
    throw new Error(`BAPI ${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}
