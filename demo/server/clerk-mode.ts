/**
 * Which Clerk the demo runs on, from the environment alone: a real Clerk instance only when both of
 * its keys are set and neither is an emulator's; otherwise the embedded emulator. An emulator's keys
 * (for example the lines `npm run emulator` prints, saved to `.env`) belong to that other emulator
 * process; the demo keeps to its embedded one rather than mistaking them for a real instance.
 */
import { isEmulatorKey } from '../../emulator/app.ts'

export interface ClerkKeys {
  publishableKey: string
  secretKey: string
  jwtKey?: string
  apiUrl?: string
}

export type ClerkMode =
  { mode: 'emulator'; why: string } | { mode: 'clerk'; keys: ClerkKeys; frontendApi: string }

export function chooseClerk(env: Record<string, string | undefined>): ClerkMode {
  // Vite and Next.js projects keep the publishable key under their own prefix: accept those too.
  const publishableKey =
    env.CLERK_PUBLISHABLE_KEY ||
    env.VITE_CLERK_PUBLISHABLE_KEY ||
    env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY
  const secretKey = env.CLERK_SECRET_KEY
  if (!publishableKey && !secretKey) return { mode: 'emulator', why: 'no Clerk keys are set' }
  if (!publishableKey || !secretKey) {
    return {
      mode: 'emulator',
      why: `${publishableKey ? 'CLERK_SECRET_KEY' : 'CLERK_PUBLISHABLE_KEY'} is not set (real Clerk needs both keys)`,
    }
  }
  if (isEmulatorKey(publishableKey) || isEmulatorKey(secretKey)) {
    return {
      mode: 'emulator',
      why: "the Clerk keys set are an emulator's, not a Clerk instance's",
    }
  }
  return {
    mode: 'clerk',
    keys: {
      publishableKey,
      secretKey,
      ...(env.CLERK_JWT_KEY ? { jwtKey: env.CLERK_JWT_KEY } : {}),
      ...(env.CLERK_API_URL ? { apiUrl: env.CLERK_API_URL } : {}),
    },
    frontendApi: frontendApiHost(publishableKey),
  }
}

/** The Frontend API host a publishable key encodes (`pk_test_` + base64 of `host$`). */
function frontendApiHost(publishableKey: string): string {
  const encoded = publishableKey.replace(/^pk_(test|live)_/, '')
  try {
    return atob(encoded).replace(/\$$/, '')
  } catch {
    return '(unreadable publishable key)'
  }
}
