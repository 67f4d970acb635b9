import { defineConfig } from 'vitest/config'

/** The packed-package check (`npm run test:package`): runs after `npm run build`. */
export default defineConfig({
  test: {
    include: ['scripts/pack.integration.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
