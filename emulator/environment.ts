/**
 * The Frontend API environment (`GET`/`PATCH /v1/environment`) as Clerk sends it for a coherent
 * development instance: sign-in and sign-up with an email address and a password, an email code to
 * verify the address at sign-up (test mode on), single-session mode, and everything else off (phone, username, web3,
 * social and enterprise sign-in, MFA, passkeys, organizations, captcha, waitlist). Every field Clerk's
 * published Frontend API spec requires is present, with the values such an instance has.
 *
 * `commerce_settings`, `fraud_settings`, `api_keys_settings` and `protect_config` are optional in the
 * spec and left out: ClerkJS dereferences `commerce_settings.billing` members without guards when it
 * is present, and the others describe features the emulator does not have.
 */

import type { InstanceType } from './keys.ts'

type Json = Record<string, unknown>

/** Clerk's default password policy (what the dashboard shows for a new instance). */
export const PASSWORD_POLICY = { minLength: 8, maxLength: 72 }

/** A user-settings attribute. */
function attribute(
  enabled: boolean,
  options: {
    required?: boolean
    identifier?: boolean
    firstFactors?: string[]
    verifications?: string[]
    verifyAtSignUp?: boolean
  } = {},
): Json {
  const firstFactors = options.firstFactors ?? []
  return {
    enabled,
    required: options.required ?? false,
    used_for_first_factor: options.identifier ?? firstFactors.length > 0,
    first_factors: firstFactors,
    used_for_second_factor: false,
    second_factors: [],
    verifications: options.verifications ?? [],
    verify_at_sign_up: options.verifyAtSignUp ?? false,
    immutable: false,
  }
}

const off = (): Json => ({ enabled: false })

function authConfig(): Json {
  return {
    object: 'auth_config',
    id: 'aac_emulator',
    first_name: 'off',
    last_name: 'off',
    email_address: 'required',
    phone_number: 'off',
    username: 'off',
    password: 'required',
    identification_requirements: [['email_address']],
    identification_strategies: ['email_address'],
    first_factors: ['password'],
    second_factors: [],
    email_address_verification_strategies: ['email_code'],
    single_session_mode: true,
    enhanced_email_deliverability: false,
    test_mode: true,
    url_based_session_syncing: true,
    claimed_at: null,
    reverification: false,
    // Not in the spec's closed AuthConfig, but ClerkJS reads it (see the conformance exceptions).
    session_minter: false,
    native_settings: {
      object: 'native_settings',
      api_enabled: false,
      trusted_device_sign_in_enabled: false,
      trusted_device_enrollment_prompt_after_sign_in_enabled: false,
      trusted_device_enrollment_prompt_after_sign_up_enabled: false,
    },
  }
}

function displayConfig(instanceType: InstanceType, homeUrl: string, accountsUrl: string): Json {
  // A development instance hosts its Account Portal pages; the emulator has none, so the URLs point
  // at the application (ClerkJS then falls back to its own options and the home URL).
  return {
    object: 'display_config',
    id: 'display_config_emulator',
    instance_environment_type: instanceType,
    application_name: 'Clerk emulator',
    theme: {
      buttons: { font_color: '#ffffff', font_family: 'inherit', font_weight: '600' },
      general: {
        color: '#6c47ff',
        padding: '1em',
        box_shadow: '0 2px 8px rgba(0, 0, 0, 0.2)',
        font_color: '#151515',
        font_family: 'inherit',
        border_radius: '0.5em',
        background_color: '#ffffff',
        label_font_weight: '600',
      },
      accounts: { background_color: '#ffffff' },
    },
    preferred_sign_in_strategy: 'password',
    logo_image_url: null,
    favicon_image_url: null,
    home_url: homeUrl,
    sign_in_url: `${accountsUrl}/sign-in`,
    sign_up_url: `${accountsUrl}/sign-up`,
    user_profile_url: homeUrl,
    waitlist_url: homeUrl,
    oauth_consent_url: homeUrl,
    after_sign_in_url: homeUrl,
    after_sign_up_url: homeUrl,
    after_sign_out_one_url: homeUrl,
    after_sign_out_all_url: homeUrl,
    after_switch_session_url: homeUrl,
    after_join_waitlist_url: homeUrl,
    organization_profile_url: homeUrl,
    create_organization_url: homeUrl,
    after_leave_organization_url: homeUrl,
    after_create_organization_url: homeUrl,
    logo_link_url: homeUrl,
    support_email: null,
    branded: false,
    experimental_force_oauth_first: false,
    clerk_js_version: null,
    show_devmode_warning: false,
    google_one_tap_client_id: null,
    help_url: null,
    privacy_policy_url: null,
    terms_url: null,
    logo_url: null,
    favicon_url: null,
    logo_image: null,
    favicon_image: null,
    captcha_public_key: null,
    captcha_widget_type: null,
    captcha_public_key_invisible: null,
    captcha_provider: null,
    captcha_oauth_bypass: [],
    captcha_heartbeat: false,
  }
}

function userSettings(): Json {
  return {
    attributes: {
      // The sign-in identifier; its code is only for verifying the address at sign-up.
      email_address: attribute(true, {
        required: true,
        identifier: true,
        verifications: ['email_code'],
        verifyAtSignUp: true,
      }),
      phone_number: attribute(false),
      username: attribute(false),
      web3_wallet: attribute(false),
      first_name: attribute(false),
      last_name: attribute(false),
      password: attribute(true, { required: true }),
      authenticator_app: attribute(false),
      ticket: attribute(false),
      backup_code: attribute(false),
      passkey: attribute(false),
    },
    social: {},
    saml: off(),
    enterprise_sso: off(),
    sign_in: { second_factor: { required: false } },
    sign_up: {
      captcha_enabled: false,
      captcha_widget_type: 'smart',
      custom_action_required: false,
      progressive: true,
      mode: 'public',
      legal_consent_enabled: false,
    },
    restrictions: {
      allowlist: off(),
      blocklist: off(),
      allowlist_blocklist_disabled_on_sign_in: off(),
      block_email_subaddresses: off(),
      block_disposable_email_domains: off(),
    },
    password_settings: {
      disable_hibp: true,
      disable_password_reverification: false,
      min_length: PASSWORD_POLICY.minLength,
      max_length: PASSWORD_POLICY.maxLength,
      require_special_char: false,
      require_numbers: false,
      require_uppercase: false,
      require_lowercase: false,
      show_zxcvbn: false,
      min_zxcvbn_strength: 0,
      enforce_hibp_on_sign_in: false,
      allowed_special_characters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    },
    username_settings: {
      min_length: 4,
      max_length: 64,
      allow_extended_special_characters: false,
      allow_numeric_usernames: false,
    },
    actions: { delete_self: true, create_organization: false, create_organizations_limit: null },
    attack_protection: {
      user_lockout: { enabled: true, max_attempts: 100, duration_in_minutes: 60 },
      pii: { enabled: true },
      email_link: { require_same_client: false },
      enumeration_protection: { enabled: false },
    },
    passkey_settings: {
      allow_autofill: false,
      show_sign_in_button: false,
      satisfies_second_factor: false,
    },
  }
}

function organizationSettings(): Json {
  return {
    enabled: false,
    max_allowed_memberships: 5,
    actions: { admin_delete: true },
    domains: { enabled: false, enrollment_modes: [], default_role: 'org:member' },
    slug: { disabled: false },
    creator_role: 'org:admin',
  }
}

/**
 * `homeUrl`: the calling page's origin. `accountsUrl`: where the emulator's Account Portal pages
 * are (`routes/account-portal.ts`), as a development instance's `https://<slug>.accounts.dev`.
 */
export function environmentJSON(
  instanceType: InstanceType,
  homeUrl: string,
  accountsUrl: string,
): Json {
  return {
    auth_config: authConfig(),
    display_config: displayConfig(instanceType, homeUrl, accountsUrl),
    user_settings: userSettings(),
    organization_settings: organizationSettings(),
    maintenance_mode: false,
    client_debug_mode: false,
    partitioned_cookies: false,
  }
}
