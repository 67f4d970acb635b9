import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Test files that must run in a given time zone, each in its own project with `TZ` set (the files
 * assert that it took effect). Everything else runs in the default project.
 */
const zoned: Record<string, string> = {
  'Pacific/Kiritimati': 'src/**/*.tz-kiritimati.test.ts',
  'Etc/GMT+12': 'src/**/*.tz-utc-12.test.ts',
}

export default defineConfig({
  // The README's handler snippets (server/snippets/) import the package's entry as a user would.
  resolve: {
    alias: [
      {
        find: /^birthday-editor\/server$/,
        replacement: fileURLToPath(new URL('./server/index.ts', import.meta.url)),
      },
      {
        find: /^birthday-editor\/server\/node$/,
        replacement: fileURLToPath(new URL('./server/node/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    restoreMocks: true,
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{src,server,emulator,demo,bench,scripts,types,test}/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...Object.values(zoned)],
          environment: 'node',
        },
      },
      ...Object.entries(zoned).map(([timeZone, file]) => ({
        extends: true as const,
        test: { name: timeZone, include: [file], env: { TZ: timeZone } },
      })),
    ],
  },
})
