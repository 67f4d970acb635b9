import { defineConfig } from 'vitest/config'

/** The WebKit journeys (`test/webkit/`): one browser, one file at a time, after `npm run build`. */
export default defineConfig({
  test: {
    include: ['test/webkit/**/*.webkit.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
