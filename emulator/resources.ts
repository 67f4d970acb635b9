/**
 * JSON shapes of Clerk resources as the SDKs parse them: the Frontend API flavour (clerk-js) and the
 * Backend API flavour (@clerk/backend). Timestamps are milliseconds. Only what the SDKs read, plus the
 * common fields a reader would expect, is filled in; see README.md for the list.
 */

import type { InstanceType } from './keys.ts'
import type { ClientRecord, SessionRecord, SignInRecord, UserRecord } from './store.ts'

type Json = Record<string, unknown>

function emailAddressJSON(user: UserRecord): Json {
  return {
    object: 'email_address',
    id: user.emailAddressId,
    email_address: user.emailAddress,
    reserved: false,
    verification: {
      object: 'verification_email_code',
      status: 'verified',
      strategy: 'email_code',
      attempts: null,
      expire_at: null,
    },
    // @clerk/backend maps `linked_to` without a guard: it must always be an array.
    linked_to: [],
    matches_sso_connection: false,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
}

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
    external_accounts: [],
    enterprise_accounts: [],
    passkeys: [],
    password_enabled: user.passwordDigest !== null,
    totp_enabled: false,
    backup_code_enabled: false,
    two_factor_enabled: false,
    public_metadata: user.publicMetadata,
    unsafe_metadata: user.unsafeMetadata,
    create_organization_enabled: false,
    delete_self_enabled: false,
    last_sign_in_at: user.lastSignInAt,
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
    banned: false,
    locked: false,
    deprovisioned: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    last_active_at: user.lastSignInAt,
    create_organizations_limit: null,
    legal_accepted_at: null,
    locale: null,
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

const DAY_MS = 86_400_000

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
      Math.max(0, Math.floor((now - session.firstFactorVerifiedAt) / 60_000)),
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

export function clientJSON(client: ClientRecord, sessions: Json[], signIn: Json | null): Json {
  return {
    object: 'client',
    id: client.id,
    sessions,
    sign_in: signIn,
    sign_up: null,
    last_active_session_id: client.lastActiveSessionId,
    last_authentication_strategy: client.lastAuthenticationStrategy,
    captcha_bypass: false,
    cookie_expires_at: null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  }
}

/**
 * A realistic environment with password sign-in by email. `commerce_settings` is left out on purpose:
 * clerk-js dereferences its `billing` members without guards when it is present.
 */
export function environmentJSON(instanceType: InstanceType, homeUrl: string): Json {
  const attribute = (firstFactor: boolean, required: boolean) => ({
    enabled: true,
    required,
    used_for_first_factor: firstFactor,
    first_factors: [],
    used_for_second_factor: false,
    second_factors: [],
    verifications: [],
    verify_at_sign_up: false,
  })
  return {
    object: 'environment',
    id: 'env_emulator',
    auth_config: {
      object: 'auth_config',
      id: 'aac_emulator',
      single_session_mode: true,
      reverification: false,
      session_minter: false,
      claimed_at: null,
    },
    display_config: {
      object: 'display_config',
      id: 'display_config_emulator',
      instance_environment_type: instanceType,
      application_name: 'Clerk emulator',
      branded: false,
      captcha_heartbeat: false,
      captcha_oauth_bypass: [],
      home_url: homeUrl,
      sign_in_url: '',
      sign_up_url: '',
      after_sign_in_url: '',
      after_sign_up_url: '',
      after_sign_out_one_url: '',
      after_sign_out_all_url: '',
      show_devmode_warning: false,
    },
    user_settings: {
      attributes: {
        email_address: attribute(true, true),
        password: attribute(false, true),
      },
      sign_in: { second_factor: { required: false, enabled: false } },
      sign_up: {
        mode: 'public',
        captcha_enabled: false,
        allowlist_only: false,
        progressive: true,
        legal_consent_enabled: false,
      },
      social: {},
      password_settings: { min_length: 8, max_length: 72 },
    },
    organization_settings: { enabled: false },
    maintenance_mode: false,
    client_debug_mode: false,
    partitioned_cookies: false,
  }
}
