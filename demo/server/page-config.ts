/**
 * What the page is told (`/demo-config.json`), and what follows from it for the HTML and the
 * policy: Clerk's script tag, and the Clerk origin the policy must allow.
 */
import { DEMO_USER } from '../../emulator/app.ts'
import { DEFAULT_PATH } from '../../server/index.ts'
import { clerkScriptUrl } from '../../src/clerk-port.ts'
import type { DemoConfig } from '../demo-config.ts'
import { EMULATOR_PATH, type ClerkSide } from './clerk-side.ts'

export function pageConfig(
  clerk: ClerkSide,
  where: { origin: string; handlerOrigin: string; clerkJsMajor?: '5' | '6' },
): DemoConfig {
  const emulated = clerk.mode === 'emulator'
  const { publishableKey } = clerk.keys
  return {
    mode: clerk.mode,
    publishableKey,
    ...(emulated ? { proxyUrl: `${where.origin}${EMULATOR_PATH}` } : {}),
    clerkJsUrl: emulated
      ? `${EMULATOR_PATH}/npm/@clerk/clerk-js@${where.clerkJsMajor ?? '6'}/dist/clerk.browser.js`
      : clerkScriptUrl(publishableKey),
    endpoint: DEFAULT_PATH,
    crossOriginEndpoint: `${where.handlerOrigin}${DEFAULT_PATH}`,
    // The emulator's seeded user.
    ...(emulated ? { demoUser: { email: DEMO_USER.email, password: DEMO_USER.password } } : {}),
  }
}

/** Clerk's own script tag for the page, as Clerk's docs write it; replaces `<!--clerk-js-->`. */
export function clerkScriptTag(config: DemoConfig): string {
  const attribute = (name: string, value: string) =>
    ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`
  return (
    '<script' +
    attribute('src', config.clerkJsUrl) +
    attribute('crossorigin', 'anonymous') +
    attribute('data-clerk-publishable-key', config.publishableKey) +
    (config.proxyUrl ? attribute('data-clerk-proxy-url', config.proxyUrl) : '') +
    '></script>'
  )
}

/** The origin ClerkJS talks to when real Clerk keys are used (nothing extra in emulator mode). */
export function clerkOrigin(config: DemoConfig): string | undefined {
  return config.mode === 'clerk' ? new URL(config.clerkJsUrl).origin : undefined
}
