/**
 * The lines the CLI prints for an app's `.env` / `.env.local`: what each Clerk SDK reads, each line
 * usable as it is (dotenv syntax; `#` lines are comments). Clerk's loaders build the ClerkJS and
 * `@clerk/ui` script URLs as `https://<proxy host>/npm/…`, which a plain-http emulator cannot answer,
 * so the official URL variables name the emulator's own http script routes; telemetry is off for
 * every SDK, since a development key would otherwise post events to Clerk's telemetry host.
 */

import type { EmulatorConfig } from './context.ts'

export interface ScriptMajors {
  /**
   * Major of the installed `@clerk/clerk-js` (what `@clerk/shared` asks for: `@6`). ClerkJS 5
   * bundles its prebuilt components, so for `5` no `@clerk/ui` line is printed at all.
   */
  clerkJs: string
  /** Major of the installed `@clerk/ui`, or null when the optional peer is not installed. */
  clerkUi: string | null
}

export function envLines(config: EmulatorConfig, majors: ScriptMajors): string {
  // dotenv reads "\n" inside double quotes as a newline.
  const pem = config.jwtKey.trim().replace(/\n/g, '\\n')
  const jsUrl = `${config.proxyUrl}/npm/@clerk/clerk-js@${majors.clerkJs}/dist/clerk.browser.js`
  const uiUrl =
    majors.clerkUi === null
      ? null
      : `${config.proxyUrl}/npm/@clerk/ui@${majors.clerkUi}/dist/ui.browser.js`
  const uiLine = (prefix: string): string[] => {
    if (Number(majors.clerkJs) < 6) return []
    return [
      uiUrl === null
        ? `# ${prefix}CLERK_UI_URL: install @clerk/ui next to the emulator to serve the prebuilt components`
        : `${prefix}CLERK_UI_URL=${uiUrl}`,
    ]
  }
  const browser = (prefix: string) => [
    `${prefix}CLERK_PUBLISHABLE_KEY=${config.publishableKey}`,
    `${prefix}CLERK_PROXY_URL=${config.proxyUrl}`,
    `${prefix}CLERK_JS_URL=${jsUrl}`,
    ...uiLine(prefix),
    `${prefix}CLERK_TELEMETRY_DISABLED=1`,
  ]
  return [
    '# Clerk emulator: copy into .env / .env.local (each line as it is)',
    '# Backend SDKs (@clerk/backend, @clerk/express, the server side of @clerk/nextjs)',
    `CLERK_PUBLISHABLE_KEY=${config.publishableKey}`,
    `CLERK_SECRET_KEY=${config.secretKey}`,
    `CLERK_PROXY_URL=${config.proxyUrl}`,
    `CLERK_API_URL=${config.apiUrl}`,
    `CLERK_JWT_KEY="${pem}"`,
    `CLERK_WEBHOOK_SIGNING_SECRET=${config.webhookSigningSecret}`,
    'CLERK_TELEMETRY_DISABLED=1',
    "# birthday-editor's handler: only callers on another origin than the handler need this (comma-separated)",
    '# ALLOWED_ORIGINS=http://localhost:5173',
    '# Next.js (@clerk/nextjs): read by <ClerkProvider> and clerkMiddleware()',
    ...browser('NEXT_PUBLIC_'),
    '# Vite (@clerk/react): <ClerkProvider proxyUrl={import.meta.env.VITE_CLERK_PROXY_URL} …>',
    ...browser('VITE_'),
    '',
  ].join('\n')
}
