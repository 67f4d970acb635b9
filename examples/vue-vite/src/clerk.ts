// src/clerk.ts: one Clerk for the app.
import { Clerk } from '@clerk/clerk-js'
import { shallowRef } from 'vue'

const env = import.meta.env

// shallowRef (or markRaw), not ref(): ClerkJS keeps its state in private fields, which Vue's deep
// reactive Proxy cannot read.
export const clerk = shallowRef(
  new Clerk(env.VITE_CLERK_PUBLISHABLE_KEY, { proxyUrl: env.VITE_CLERK_PROXY_URL }),
)

void clerk.value.load({ telemetry: { disabled: env.VITE_CLERK_TELEMETRY_DISABLED === '1' } })
