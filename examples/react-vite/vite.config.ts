// The README's Vite recipe beside react(): the handler on Vite's own server (`vite` and
// `vite preview`), so the page's <birthday-editor> saves to /api/update-user-metadata on its origin.
import react from '@vitejs/plugin-react'
import { defineConfig, loadEnv, type Plugin } from 'vite'
import { createBirthdayHandler } from 'birthday-editor/server'
import { toNodeListener } from 'birthday-editor/server/node'

function birthdayHandler(): Plugin {
  const listener = toNodeListener(createBirthdayHandler())
  return {
    name: 'birthday-handler',
    configureServer: (server) => void server.middlewares.use('/api/update-user-metadata', listener),
    configurePreviewServer: (server) =>
      void server.middlewares.use('/api/update-user-metadata', listener),
  }
}

export default defineConfig(({ mode }) => {
  // Vite gives .env to the page only (VITE_*); the handler reads CLERK_* from process.env.
  Object.assign(process.env, { ...loadEnv(mode, process.cwd(), 'CLERK_'), ...process.env })
  return { plugins: [react(), birthdayHandler()] }
})
