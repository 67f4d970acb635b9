import { resolve } from 'node:path'
import { defineConfig, loadEnv } from 'vite'
import { birthdayDemo } from './demo/vite-plugin.ts'

export default defineConfig(({ mode }) => {
  // Every variable, not only VITE_ ones: real Clerk keys in `.env` switch the emulator off.
  const env = { ...loadEnv(mode, process.cwd(), ''), ...process.env }
  const port = Number(env.PORT) || 5173
  return {
    server: { port, strictPort: true, host: 'localhost' },
    preview: { port, strictPort: true, host: 'localhost' },
    plugins: [birthdayDemo({ port, env, dataDir: resolve('.emulator-data') })],
    build: {
      outDir: 'dist/demo',
      rollupOptions: {
        input: {
          main: resolve('index.html'),
          crossOrigin: resolve('demo/cross-origin.html'),
        },
      },
    },
  }
})
