import { ClerkProvider } from '@clerk/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'

// Clerk's React quickstart: <ClerkProvider> reads VITE_CLERK_PUBLISHABLE_KEY itself. The emulator's
// other printed lines become props: the Frontend API proxy, telemetry off, and the script URLs. The
// script URLs are the options @clerk/nextjs passes for NEXT_PUBLIC_CLERK_JS_URL / _UI_URL; @clerk/react
// reads them at run time but types them as internal, hence the spread.
const env = import.meta.env
const scripts = {
  __internal_clerkJSUrl: env.VITE_CLERK_JS_URL,
  __internal_clerkUIUrl: env.VITE_CLERK_UI_URL,
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClerkProvider
      proxyUrl={env.VITE_CLERK_PROXY_URL}
      telemetry={env.VITE_CLERK_TELEMETRY_DISABLED === '1' ? false : undefined}
      {...scripts}
    >
      <App />
    </ClerkProvider>
  </StrictMode>,
)
