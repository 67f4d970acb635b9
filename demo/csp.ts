/**
 * The policy the demo is served with, in dev (`npm start`) and in the end-to-end tests: no inline
 * script or style anywhere, and Trusted Types enforced. ClerkJS needs `worker-src blob:` for its
 * token-refresh worker (and the demo's Trusted Types default policy admits that one blob: URL). With
 * real Clerk keys, ClerkJS's script and Frontend API live on Clerk's host (`clerkOrigin`).
 */
export function contentSecurityPolicy(handlerOrigin: string, clerkOrigin?: string): string {
  const clerk = clerkOrigin ? ` ${clerkOrigin}` : ''
  return [
    "default-src 'self'",
    `script-src 'self'${clerk}`,
    "style-src 'self'",
    `connect-src 'self' ${handlerOrigin}${clerk}`,
    "worker-src 'self' blob:",
    `img-src 'self' data:${clerk}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ')
}
