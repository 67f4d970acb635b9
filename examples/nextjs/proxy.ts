// Next 16 names the middleware file `proxy.ts` (Next 15: `middleware.ts`, same content).
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
