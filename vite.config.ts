import { resolve } from 'node:path'
import { defineConfig, loadEnv } from 'vite'
import { birthdayDemo } from './demo/server/vite-plugin.ts'

export default defineConfig(({ mode }) => {
  // Every variable, not only VITE_ ones: real Clerk keys in `.env` switch the emulator off.
  const env = { ...loadEnv(mode, process.cwd(), ''), ...process.env }
  const port = Number(env.PORT) || 5173
  return {
    server: { port, strictPort: true, host: 'localhost' },
    preview: { port, strictPort: true, host: 'localhost' },
    // The emulator's key, users and sessions; EMULATOR_DATA_DIR puts them elsewhere (tests do).
    plugins: [
      birthdayDemo({ port, env, dataDir: resolve(env.EMULATOR_DATA_DIR || '.emulator-data') }),
    ],
    build: {
      outDir: 'dist/demo',
      rollupOptions: {
        input: {
          main: resolve('index.html'),
          crossOrigin: resolve('demo/page/cross-origin.html'),
        },
      },
    },
  }
})
