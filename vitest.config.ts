import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{src,server,emulator,demo,bench}/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    testTimeout: 20_000,
  },
})
