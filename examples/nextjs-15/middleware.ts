// Next 15 names the middleware file `middleware.ts` (Next 16: `proxy.ts`, same content).
import { clerkMiddleware } from '@clerk/nextjs/server'

export default clerkMiddleware()

export const config = {
  matcher: [
    // Every page, skipping Next.js internals and static files…
    '/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ico|woff2?|ttf|map|txt)).*)',
    // …and every API route.
    '/(api)(.*)',
  ],
}
