/**
 * The emulator's in-memory data: users, and the per-browser clients with their sessions and sign-in
 * attempts. What persists (see `EmulatorSnapshot`) is the users and the signed-in clients with their
 * active sessions, so a browser stays signed in across a restart, as it does with Clerk. `reset()`
 * goes back to the initial state (the seed, or what was restored at start) and forgets every other
 * client, session, sign-in, dev browser and rate-limit window.
 */

import * as z from 'zod/mini'
import { randomBase62, randomId, toBase64Url, utf8 } from './encoding.ts'
import type { Metadata } from './metadata.ts'
import { parseWith, type ParseResult } from './validation.ts'

/**
 * An email address of a user besides the primary one (`<UserProfile/>`'s "Add email address"): unverified
 * until its code is attempted; `verification` is null until prepared.
 */
export interface EmailRecord {
  id: string
  emailAddress: string
  verification: EmailCodeVerification | null
  createdAt: number
  updatedAt: number
}

export interface UserRecord {
  id: string
  /** The primary email address (its id and address). */
  emailAddressId: string
  emailAddress: string
  /** The user's other email addresses, oldest first. Absent: none. */
  otherEmails?: EmailRecord[]
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
  /** Follows sign-in and touch; absent in files written before it existed (then `lastSignInAt`). */
  lastActiveAt?: number | null
  /** `users.banUser`: every session revoked, no sign-in until `unbanUser`. Absent: false. */
  banned?: boolean
  /** `users.lockUser`: no sign-in until `unlockUser` (the emulator's locks do not expire). */
  locked?: boolean
}

/** A Backend API JWT template (`jwtTemplates.create`), minted by `getToken({ template })`. */
export interface JwtTemplateRecord {
  id: string
  name: string
  claims: Record<string, unknown>
  /** Seconds. */
  lifetime: number
  /** Seconds, subtracted from `nbf`. */
  allowedClockSkew: number
  createdAt: number
  updatedAt: number
}

/** An email + password sign-up in progress (`signUp.create`) or completed. */
export interface SignUpRecord {
  id: string
  clientId: string
  emailAddress: string | null
  passwordDigest: string | null
  firstName: string | null
  lastName: string | null
  unsafeMetadata: Metadata
  status: 'missing_requirements' | 'complete'
  /** The email-code verification: null until prepared. */
  verification: EmailCodeVerification | null
  createdUserId: string | null
  createdSessionId: string | null
  createdAt: number
  updatedAt: number
}

/** An email-code verification (a sign-up's, an added email address's); see `email-code.ts`. */
export interface EmailCodeVerification {
  status: 'unverified' | 'verified' | 'failed' | 'expired'
  code: string
  attempts: number
  expireAt: number
}

/** A verification code the emulator "sent", readable on the control surface. */
export interface SentCode {
  at: number
  emailAddress: string
  code: string
  signUpId: string
}

/**
 * What `--data` persists and `state` restores: the users with their metadata, and the clients that
 * have an active session, with those sessions (sign-ins in progress are not kept). Version 1 files
 * hold users only and still load.
 */
export interface EmulatorSnapshot {
  version: 1 | 2
  users: UserRecord[]
  clients?: ClientRecord[]
  sessions?: SessionRecord[]
  jwtTemplates?: JwtTemplateRecord[]
  /** The webhook signing secret, so endpoints keep verifying across restarts. */
  webhookSecret?: string
  /** The instance's secret key, so a backend's `.env` keeps working across restarts (as on Clerk). */
  secretKey?: string
}

export interface ClientRecord {
  id: string
  /** The opaque value of the client cookie. */
  token: string
  devBrowserId: string | null
  signInId: string | null
  /** The sign-up in progress; absent in files written before sign-up existed. */
  signUpId?: string | null
  lastActiveSessionId: string | null
  lastAuthenticationStrategy: string | null
  createdAt: number
  updatedAt: number
}

export interface SessionRecord {
  id: string
  clientId: string
  userId: string
  status: 'active' | 'ended' | 'removed' | 'revoked'
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
  readonly signUps = new Map<string, SignUpRecord>()
  readonly jwtTemplates = new Map<string, JwtTemplateRecord>()
  /** Codes "sent" by sign-up verifications, newest last (at most 1000 kept). */
  readonly sentCodes: SentCode[] = []
  readonly devBrowsers = new Set<string>()
  /** Per-user timestamps of recent metadata writes, for the Backend API rate limit. */
  readonly metadataWrites = new Map<string, number[]>()
  /** Handshake nonces (the `nonce` format) and their cookie directives, each readable once. */
  readonly handshakeNonces = new Map<string, { directives: string[]; expiresAt: number }>()
  readonly #initial: Required<Omit<EmulatorSnapshot, 'webhookSecret' | 'secretKey'>>

  constructor(initial: EmulatorSnapshot) {
    const { users, clients = [], sessions = [], jwtTemplates = [] } = initial
    this.#initial = structuredClone({
      version: initial.version,
      users,
      clients,
      sessions,
      jwtTemplates,
    })
    this.reset()
  }

  reset(): void {
    const { users, clients, sessions, jwtTemplates } = structuredClone(this.#initial)
    this.users.clear()
    for (const user of users) this.users.set(user.id, user)
    this.clients.clear()
    this.sessions.clear()
    this.signIns.clear()
    this.signUps.clear()
    this.sentCodes.length = 0
    this.jwtTemplates.clear()
    for (const template of jwtTemplates) this.jwtTemplates.set(template.id, template)
    this.devBrowsers.clear()
    this.metadataWrites.clear()
    this.handshakeNonces.clear()
    for (const client of clients) {
      this.clients.set(client.id, client)
      if (client.devBrowserId !== null) this.devBrowsers.add(client.devBrowserId)
    }
    for (const session of sessions) this.sessions.set(session.id, session)
  }

  snapshot(): EmulatorSnapshot {
    const sessions = [...this.sessions.values()].filter((session) => session.status === 'active')
    const clientIds = new Set(sessions.map((session) => session.clientId))
    const clients = [...this.clients.values()]
      .filter((client) => clientIds.has(client.id))
      .map((client) => ({ ...client, signInId: null, signUpId: null }))
    const jwtTemplates = [...this.jwtTemplates.values()]
    return structuredClone({
      version: 2,
      users: [...this.users.values()],
      clients,
      sessions,
      jwtTemplates,
    })
  }

  /** The user with this address as primary or as a verified other address. */
  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.trim().toLowerCase()
    for (const user of this.users.values()) {
      if (user.emailAddress.toLowerCase() === wanted) return user
      for (const other of user.otherEmails ?? []) {
        if (
          other.verification?.status === 'verified' &&
          other.emailAddress.toLowerCase() === wanted
        ) {
          return user
        }
      }
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
      signUpId: null,
      lastActiveSessionId: null,
      lastAuthenticationStrategy: null,
      createdAt: now,
      updatedAt: now,
    }
    this.clients.set(client.id, client)
    return client
  }

  /** A new active session of `userId` on `clientId`, which becomes the client's last active one. */
  createSession(now: number, client: ClientRecord, userId: string): SessionRecord {
    const session: SessionRecord = {
      id: randomId('sess'),
      clientId: client.id,
      userId,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      lastActiveAt: now,
      firstFactorVerifiedAt: now,
    }
    this.sessions.set(session.id, session)
    client.lastActiveSessionId = session.id
    return session
  }

  /** Ends every active session of `userId` with `status` (a ban, a deletion); returns them. */
  endUserSessions(userId: string, status: 'revoked' | 'removed', now: number): SessionRecord[] {
    const ended = [...this.sessions.values()].filter(
      (session) => session.userId === userId && session.status === 'active',
    )
    for (const session of ended) {
      session.status = status
      session.updatedAt = now
      const client = this.clients.get(session.clientId)
      if (client?.lastActiveSessionId === session.id) client.lastActiveSessionId = null
    }
    return ended
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

const emailSchema = z.object({
  id: z.string().check(z.minLength(1)),
  emailAddress: z.string().check(z.minLength(3)),
  verification: z.nullable(
    z.object({
      status: z.enum(['unverified', 'verified', 'failed', 'expired']),
      code: z.string(),
      attempts: z.int(),
      expireAt: z.number(),
    }),
  ),
  createdAt: z.number(),
  updatedAt: z.number(),
})

const userSchema = z.object({
  id: z.string().check(z.minLength(1)),
  emailAddressId: z.string().check(z.minLength(1)),
  emailAddress: z.string().check(z.minLength(3)),
  otherEmails: z.optional(z.array(emailSchema)),
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
  lastActiveAt: z.optional(z.nullable(z.number())),
  banned: z.optional(z.boolean()),
  locked: z.optional(z.boolean()),
})

const jwtTemplateSchema = z.object({
  id: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  claims: metadataSchema,
  lifetime: z.int(),
  allowedClockSkew: z.int(),
  createdAt: z.number(),
  updatedAt: z.number(),
})

const id = z.string().check(z.minLength(1))
const clientSchema = z.object({
  id,
  token: z.string().check(z.minLength(16)),
  devBrowserId: nullableString,
  signInId: z.null(),
  signUpId: z.optional(z.null()),
  lastActiveSessionId: nullableString,
  lastAuthenticationStrategy: nullableString,
  createdAt: z.number(),
  updatedAt: z.number(),
})
const sessionSchema = z.object({
  id,
  clientId: id,
  userId: id,
  status: z.literal('active'),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastActiveAt: z.number(),
  firstFactorVerifiedAt: z.number(),
})

const snapshotSchema = z.union([
  z.object({ version: z.literal(1), users: z.array(userSchema) }),
  z.object({
    version: z.literal(2),
    users: z.array(userSchema),
    clients: z.array(clientSchema),
    sessions: z.array(sessionSchema),
    jwtTemplates: z.optional(z.array(jwtTemplateSchema)),
    webhookSecret: z.optional(z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/))),
    secretKey: z.optional(z.string().check(z.regex(/^sk_(test|live)_\S+$/))),
  }),
])

/** Parses a snapshot and checks that its ids hang together (no duplicates, no dangling session). */
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
  if (parsed.value.version === 1) return parsed
  const templates = new Set<string>()
  for (const template of parsed.value.jwtTemplates ?? []) {
    if (templates.has(template.id) || templates.has(`name:${template.name}`)) {
      return { ok: false, message: `duplicate JWT template ${template.id} / ${template.name}` }
    }
    templates.add(template.id)
    templates.add(`name:${template.name}`)
  }
  const clients = new Set<string>()
  const tokens = new Set<string>()
  for (const client of parsed.value.clients) {
    if (clients.has(client.id) || tokens.has(client.token)) {
      return { ok: false, message: `duplicate client ${client.id}` }
    }
    clients.add(client.id)
    tokens.add(client.token)
  }
  const sessions = new Set<string>()
  for (const session of parsed.value.sessions) {
    if (sessions.has(session.id)) return { ok: false, message: `duplicate session ${session.id}` }
    if (!clients.has(session.clientId) || !ids.has(session.userId)) {
      return { ok: false, message: `session ${session.id} names an unknown client or user` }
    }
    sessions.add(session.id)
  }
  return parsed
}
