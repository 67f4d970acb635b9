/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_CLERK_PUBLISHABLE_KEY: string
  readonly VITE_CLERK_PROXY_URL?: string
  readonly VITE_CLERK_TELEMETRY_DISABLED?: string
}
