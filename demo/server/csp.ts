/**
 * The policy the demo is served with, in dev (`npm start`) and in the end-to-end tests: no inline
 * script or style anywhere, and Trusted Types enforced. ClerkJS needs `worker-src blob:` for its
 * token-refresh worker (and the demo's Trusted Types default policy admits that one blob: URL). With
 * real Clerk keys, ClerkJS's script and Frontend API live on Clerk's host (`clerkOrigin`), plus the
 * hosts Clerk's CSP guide lists for avatars and bot protection.
 */
export function contentSecurityPolicy(handlerOrigin: string, clerkOrigin?: string): string {
  const clerk = clerkOrigin ? ` ${clerkOrigin}` : ''
  const challenges = clerkOrigin ? ' https://challenges.cloudflare.com' : ''
  const avatars = clerkOrigin ? ' https://img.clerk.com' : ''
  return [
    "default-src 'self'",
    `script-src 'self'${clerk}${challenges}`,
    "style-src 'self'",
    `connect-src 'self' ${handlerOrigin}${clerk}`,
    "worker-src 'self' blob:",
    `frame-src 'self'${challenges}`,
    `img-src 'self' data:${clerk}${avatars}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ')
}
