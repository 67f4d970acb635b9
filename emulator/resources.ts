/**
 * JSON of Clerk's resources, built in one place each, in the shape of Clerk's published OpenAPI specs
 * (every required field, `null` where Clerk sends `null`): the Frontend API flavour (ClerkJS) and the
 * Backend API flavour (@clerk/backend) of users, email addresses and their verifications, sessions,
 * clients, sign-ins, sign-ups and JWT templates. The environment is in `environment.ts`. Timestamps
 * are milliseconds. Routes never assemble resource JSON by hand.
 */

import type {
  ClientRecord,
  JwtTemplateRecord,
  SessionRecord,
  SignInRecord,
  SignUpRecord,
  UserRecord,
} from './store.ts'

export { environmentJSON } from './environment.ts'

type Json = Record<string, unknown>

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
/** How long an email code is valid (Clerk: 10 minutes). */
export const EMAIL_CODE_LIFETIME_MS = 10 * MINUTE_MS
/** Attempts a user has before a lockout (`attack_protection.user_lockout.max_attempts`). */
const MAX_VERIFICATION_ATTEMPTS = 100

/** An email-code verification (`verification_otp`). */
export function emailCodeVerificationJSON(verification: {
  status: 'unverified' | 'verified' | 'failed' | 'expired'
  attempts: number | null
  expireAt: number
}): Json {
  return {
    object: 'verification_otp',
    status: verification.status,
    strategy: 'email_code',
    attempts: verification.attempts,
    expire_at: verification.expireAt,
  }
}

function emailAddressJSON(user: UserRecord): Json {
  return {
    object: 'email_address',
    id: user.emailAddressId,
    email_address: user.emailAddress,
    reserved: false,
    // Verified with a code when the user was made (Backend API users are verified by the admin, but
    // Clerk reports the code verification for them too).
    verification: emailCodeVerificationJSON({
      status: 'verified',
      attempts: 1,
      expireAt: user.createdAt + EMAIL_CODE_LIFETIME_MS,
    }),
    // @clerk/backend maps `linked_to` without a guard: it must always be an array.
    linked_to: [],
    matches_sso_connection: false,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
}

/** What both flavours of the user have. */
/** Clerk's default lockout duration. */
export const LOCKOUT_SECONDS = 3600

function commonUserJSON(user: UserRecord): Json {
  return {
    object: 'user',
    id: user.id,
    external_id: user.externalId,
    username: null,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: '',
    has_image: false,
    primary_email_address_id: user.emailAddressId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    email_addresses: [emailAddressJSON(user)],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    password_enabled: user.passwordDigest !== null,
    totp_enabled: false,
    backup_code_enabled: false,
    two_factor_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    public_metadata: user.publicMetadata,
    unsafe_metadata: user.unsafeMetadata,
    banned: user.banned ?? false,
    locked: user.locked ?? false,
    // Clerk's default lockout; the emulator's locks last until `unlockUser`.
    lockout_expires_in_seconds: user.locked ? LOCKOUT_SECONDS : null,
    verification_attempts_remaining: MAX_VERIFICATION_ATTEMPTS,
    create_organization_enabled: false,
    delete_self_enabled: true,
    last_sign_in_at: user.lastSignInAt,
    last_active_at: user.lastActiveAt ?? user.lastSignInAt,
    legal_accepted_at: null,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
}

/** The Frontend API user: no private metadata. */
export function fapiUserJSON(user: UserRecord): Json {
  return { ...commonUserJSON(user), organization_memberships: [] }
}

/** The Backend API user: private metadata and the admin fields. */
export function bapiUserJSON(user: UserRecord): Json {
  return {
    ...commonUserJSON(user),
    private_metadata: user.privateMetadata,
    deprovisioned: false,
    create_organizations_limit: null,
    locale: null,
    // Not in the spec's closed User, but @clerk/backend reads it (see the conformance exceptions).
    timezone: null,
  }
}

function publicUserDataJSON(user: UserRecord): Json {
  return {
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: '',
    has_image: false,
    identifier: user.emailAddress,
    user_id: user.id,
    username: null,
  }
}

export function sessionJSON(
  session: SessionRecord,
  user: UserRecord,
  jwt: string | null,
  now: number,
): Json {
  return {
    object: 'session',
    id: session.id,
    status: session.status,
    expire_at: session.createdAt + 7 * DAY_MS,
    abandon_at: session.createdAt + 30 * DAY_MS,
    last_active_at: session.lastActiveAt,
    last_active_organization_id: null,
    last_active_token: jwt === null ? null : { object: 'token', jwt },
    actor: null,
    tasks: null,
    factor_verification_age: [
      Math.max(0, Math.floor((now - session.firstFactorVerifiedAt) / MINUTE_MS)),
      -1,
    ],
    user: fapiUserJSON(user),
    public_user_data: publicUserDataJSON(user),
    created_at: session.createdAt,
    updated_at: session.updatedAt,
  }
}

export function signInJSON(signIn: SignInRecord, user: UserRecord): Json {
  const complete = signIn.status === 'complete'
  return {
    object: 'sign_in_attempt',
    id: signIn.id,
    status: signIn.status,
    supported_identifiers: ['email_address'],
    identifier: signIn.identifier,
    supported_first_factors: [{ strategy: 'password' }],
    supported_second_factors: null,
    first_factor_verification: complete
      ? {
          object: 'verification_password',
          status: 'verified',
          strategy: 'password',
          attempts: signIn.attempts,
          expire_at: null,
        }
      : null,
    second_factor_verification: null,
    user_data: {
      first_name: user.firstName,
      last_name: user.lastName,
      image_url: '',
      has_image: false,
    },
    created_session_id: signIn.createdSessionId,
    abandon_at: signIn.createdAt + DAY_MS,
  }
}

export function signUpJSON(signUp: SignUpRecord): Json {
  const verification = signUp.verification
  const emailVerified = verification?.status === 'verified'
  const missing = [
    ...(signUp.emailAddress === null ? ['email_address'] : []),
    ...(signUp.passwordDigest === null ? ['password'] : []),
  ]
  return {
    object: 'sign_up_attempt',
    id: signUp.id,
    status: signUp.status,
    required_fields: ['email_address', 'password'],
    optional_fields: [],
    missing_fields: missing,
    unverified_fields: signUp.emailAddress !== null && !emailVerified ? ['email_address'] : [],
    verifications: {
      email_address:
        signUp.emailAddress === null
          ? null
          : {
              ...(verification
                ? emailCodeVerificationJSON(verification)
                : emailCodeVerificationJSON({
                    status: 'unverified',
                    attempts: null,
                    expireAt: signUp.createdAt + EMAIL_CODE_LIFETIME_MS,
                  })),
              next_action: emailVerified ? '' : verification ? 'needs_attempt' : 'needs_prepare',
              supported_strategies: ['email_code'],
            },
      phone_number: null,
      web3_wallet: null,
      external_account: null,
    },
    username: null,
    email_address: signUp.emailAddress,
    phone_number: null,
    web3_wallet: null,
    password_enabled: signUp.passwordDigest !== null,
    first_name: signUp.firstName,
    last_name: signUp.lastName,
    unsafe_metadata: signUp.unsafeMetadata,
    public_metadata: {},
    custom_action: false,
    external_id: null,
    created_session_id: signUp.createdSessionId,
    created_user_id: signUp.createdUserId,
    abandon_at: signUp.createdAt + DAY_MS,
    legal_accepted_at: null,
  }
}

export function clientJSON(
  client: ClientRecord,
  sessions: Json[],
  signIn: Json | null,
  signUp: Json | null,
): Json {
  return {
    object: 'client',
    id: client.id,
    sessions,
    sign_in: signIn,
    sign_up: signUp,
    last_active_session_id: client.lastActiveSessionId,
    last_authentication_strategy: client.lastAuthenticationStrategy,
    captcha_bypass: false,
    cookie_expires_at: null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  }
}

export function jwtTemplateJSON(template: JwtTemplateRecord): Json {
  return {
    object: 'jwt_template',
    id: template.id,
    name: template.name,
    claims: template.claims,
    lifetime: template.lifetime,
    allowed_clock_skew: template.allowedClockSkew,
    custom_signing_key: false,
    signing_algorithm: 'RS256',
    created_at: template.createdAt,
    updated_at: template.updatedAt,
  }
}

/** A Backend API session (`sessions.getSession`, `getSessionList`, `revokeSession`, `createSession`). */
export function bapiSessionJSON(session: SessionRecord): Json {
  return {
    object: 'session',
    id: session.id,
    user_id: session.userId,
    client_id: session.clientId,
    actor: null,
    status: session.status,
    last_active_organization_id: null,
    last_active_at: session.lastActiveAt,
    latest_activity: null,
    expire_at: session.createdAt + 7 * DAY_MS,
    abandon_at: session.createdAt + 30 * DAY_MS,
    updated_at: session.updatedAt,
    created_at: session.createdAt,
    tasks: null,
  }
}

export function deletedObjectJSON(object: string, id: string): Json {
  return { object, id, deleted: true }
}
