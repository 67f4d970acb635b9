/**
 * The emulator's in-memory data: users (the only persisted part, see `EmulatorSnapshot`), and the
 * per-browser clients with their sessions and sign-in attempts. `reset()` goes back to the initial users
 * and forgets every client, session, sign-in, dev browser and rate-limit window.
 */

import * as z from 'zod/mini'
import { randomBase62, randomId, toBase64Url, utf8 } from './encoding.ts'
import type { Metadata } from './metadata.ts'
import { parseWith, type ParseResult } from './validation.ts'

export interface UserRecord {
  id: string
  emailAddressId: string
  emailAddress: string
  /** `sha256$<salt>$<hash>`; null for a user without a password. */
  passwordDigest: string | null
  firstName: string | null
  lastName: string | null
  externalId: string | null
  publicMetadata: Metadata
  privateMetadata: Metadata
  unsafeMetadata: Metadata
  createdAt: number
  updatedAt: number
  lastSignInAt: number | null
}

/** What `--data` persists and `state` restores: the users with their metadata (no sessions). */
export interface EmulatorSnapshot {
  version: 1
  users: UserRecord[]
}

export interface ClientRecord {
  id: string
  /** The opaque value of the client cookie. */
  token: string
  devBrowserId: string | null
  signInId: string | null
  lastActiveSessionId: string | null
  lastAuthenticationStrategy: string | null
  createdAt: number
  updatedAt: number
}

export interface SessionRecord {
  id: string
  clientId: string
  userId: string
  status: 'active' | 'ended' | 'removed'
  createdAt: number
  updatedAt: number
  lastActiveAt: number
  firstFactorVerifiedAt: number
}

export interface SignInRecord {
  id: string
  clientId: string
  identifier: string
  userId: string
  status: 'needs_first_factor' | 'complete'
  createdSessionId: string | null
  attempts: number
  createdAt: number
}

export class Store {
  readonly users = new Map<string, UserRecord>()
  readonly clients = new Map<string, ClientRecord>()
  readonly sessions = new Map<string, SessionRecord>()
  readonly signIns = new Map<string, SignInRecord>()
  readonly devBrowsers = new Set<string>()
  /** Per-user timestamps of recent metadata writes, for the Backend API rate limit. */
  readonly metadataWrites = new Map<string, number[]>()
  readonly #initialUsers: UserRecord[]

  constructor(initialUsers: UserRecord[]) {
    this.#initialUsers = structuredClone(initialUsers)
    this.reset()
  }

  reset(): void {
    this.users.clear()
    for (const user of structuredClone(this.#initialUsers)) this.users.set(user.id, user)
    this.clients.clear()
    this.sessions.clear()
    this.signIns.clear()
    this.devBrowsers.clear()
    this.metadataWrites.clear()
  }

  snapshot(): EmulatorSnapshot {
    return { version: 1, users: structuredClone([...this.users.values()]) }
  }

  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.trim().toLowerCase()
    for (const user of this.users.values()) {
      if (user.emailAddress.toLowerCase() === wanted) return user
    }
    return undefined
  }

  clientByToken(token: string): ClientRecord | undefined {
    for (const client of this.clients.values()) if (client.token === token) return client
    return undefined
  }

  clientByDevBrowser(devBrowserId: string): ClientRecord | undefined {
    for (const client of this.clients.values()) {
      if (client.devBrowserId === devBrowserId) return client
    }
    return undefined
  }

  createClient(now: number, devBrowserId: string | null): ClientRecord {
    const client: ClientRecord = {
      id: randomId('client'),
      token: randomBase62(40),
      devBrowserId,
      signInId: null,
      lastActiveSessionId: null,
      lastAuthenticationStrategy: null,
      createdAt: now,
      updatedAt: now,
    }
    this.clients.set(client.id, client)
    return client
  }

  /** The client's signed-in sessions, oldest first. */
  activeSessions(client: ClientRecord): SessionRecord[] {
    return [...this.sessions.values()].filter(
      (session) => session.clientId === client.id && session.status === 'active',
    )
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBase62(16)
  return `sha256$${salt}$${await digest(salt, password)}`
}

export async function verifyPassword(password: string, passwordDigest: string | null) {
  if (passwordDigest === null) return false
  const [scheme, salt, hash] = passwordDigest.split('$')
  return scheme === 'sha256' && salt !== undefined && hash === (await digest(salt, password))
}

async function digest(salt: string, password: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', utf8(`${salt}\u0000${password}`))
  return toBase64Url(new Uint8Array(bytes))
}

const metadataSchema = z.record(z.string(), z.unknown())
const nullableString = z.nullable(z.string())

const userSchema = z.object({
  id: z.string().check(z.minLength(1)),
  emailAddressId: z.string().check(z.minLength(1)),
  emailAddress: z.string().check(z.minLength(3)),
  passwordDigest: nullableString,
  firstName: nullableString,
  lastName: nullableString,
  externalId: nullableString,
  publicMetadata: metadataSchema,
  privateMetadata: metadataSchema,
  unsafeMetadata: metadataSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  lastSignInAt: z.nullable(z.number()),
})

const snapshotSchema = z.object({ version: z.literal(1), users: z.array(userSchema) })

export function parseSnapshot(input: unknown): ParseResult<EmulatorSnapshot> {
  const parsed = parseWith(snapshotSchema, input)
  if (!parsed.ok) return parsed
  const ids = new Set<string>()
  const emails = new Set<string>()
  for (const user of parsed.value.users) {
    const email = user.emailAddress.toLowerCase()
    if (ids.has(user.id) || emails.has(email)) {
      return { ok: false, message: `duplicate user ${user.id} / ${user.emailAddress}` }
    }
    ids.add(user.id)
    emails.add(email)
  }
  return parsed
}
