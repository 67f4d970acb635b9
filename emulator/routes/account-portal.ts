/**
 * `GET <base>/sign-in` and `GET <base>/sign-up`: a minimal Account Portal, the hosted pages a Clerk
 * development instance serves at `https://<slug>.accounts.dev/sign-in` and `/sign-up`. The
 * environment's `display_config.sign_in_url` / `sign_up_url` name them, so `redirectToSignIn()` (what
 * `@clerk/nextjs`'s `<SignInButton/>` does in its default redirect mode) lands here. Each page loads
 * the ClerkJS and `@clerk/ui` this emulator serves, mounts `<SignIn/>` or `<SignUp/>`, and sends the
 * browser back to `redirect_url` once signed in. ClerkJS puts that parameter in the query or, for
 * hash routing, in the fragment (`#/?redirect_url=…`), which never reaches a server, so the page
 * reads it itself. Only a loopback `redirect_url` is followed (the emulator runs on the developer's
 * machine; anything else would be an open redirect): otherwise the page stays here after signing in.
 */

import type { Context, RouteRow } from '../context.ts'

/** A JSON value as a `<script>` literal: no `</script>` or `<!--` can close or bend the element. */
const scriptLiteral = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')

/** HTML attribute text. */
const attribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

async function hostedPage(ctx: Context, component: 'SignIn' | 'SignUp'): Promise<Response> {
  const { proxyUrl } = ctx.state.config(ctx.url.origin)
  const clerkJs = await ctx.state.clerkJs()
  const clerkUi = await ctx.state.clerkUi()
  const jsMajor = clerkJs?.version.split('.')[0] ?? '6'
  // ClerkJS 5 bundles its components; 6 needs @clerk/ui passed to load().
  const withUi = Number(jsMajor) >= 6 && clerkUi !== null
  const urls = { signInUrl: `${proxyUrl}/sign-in`, signUpUrl: `${proxyUrl}/sign-up` }
  const title = component === 'SignIn' ? 'Sign in' : 'Sign up'
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Clerk emulator</title>
<link rel="icon" href="data:,">
</head>
<body style="display:grid;place-items:center;min-height:90vh;font-family:system-ui,sans-serif">
<main id="account-portal" data-component="${component}"></main>
${withUi ? `<script src="${attribute(`${proxyUrl}/npm/@clerk/ui@${clerkUi.version.split('.')[0]}/dist/ui.browser.js`)}"></script>\n` : ''}<script src="${attribute(`${proxyUrl}/npm/@clerk/clerk-js@${jsMajor}/dist/clerk.browser.js`)}" data-clerk-publishable-key="${attribute(ctx.state.publishableKey)}" data-clerk-proxy-url="${attribute(proxyUrl)}"></script>
<script>
(async () => {
  const loopback = ['localhost', '127.0.0.1', '[::1]']
  const hash = new URLSearchParams(location.hash.includes('?') ? location.hash.split('?')[1] : '')
  const asked = new URLSearchParams(location.search).get('redirect_url') ?? hash.get('redirect_url')
  let target = null
  try {
    const url = new URL(asked ?? '')
    if (['http:', 'https:'].includes(url.protocol) && loopback.includes(url.hostname)) target = url.href
  } catch {}
  const load = { telemetry: false }
  ${withUi ? 'load.ui = { ClerkUI: window.__internal_ClerkUICtor }' : ''}
  if (target) load.allowedRedirectOrigins = [new URL(target).origin]
  await window.Clerk.load(load)
  if (window.Clerk.isSignedIn && target) return window.Clerk.redirectWithAuth(target)
  const options = ${scriptLiteral(urls)}
  if (target) {
    options.forceRedirectUrl = target
    options.signInForceRedirectUrl = target
    options.signUpForceRedirectUrl = target
  }
  window.Clerk.mount${component}(document.getElementById('account-portal'), options)
})()
</script>
</body>
</html>
`
  return new Response(html, {
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

export const signInPage = (ctx: Context) => hostedPage(ctx, 'SignIn')
export const signUpPage = (ctx: Context) => hostedPage(ctx, 'SignUp')

/** This file's routes (paths below `basePath`); `app.ts` composes the files' tables. */
export const routes: readonly RouteRow[] = [
  { method: 'GET', path: '/sign-in', handler: signInPage },
  { method: 'GET', path: '/sign-up', handler: signUpPage },
]
