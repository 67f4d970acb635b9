// @ts-check
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Dependency direction: src imports neither server nor emulator; server only src/birthday.ts;
 * the emulator imitates a third party and imports nothing of ours. Test code follows its room's
 * rule, except that server tests may use the emulator; product code imports no test code. */
const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
})

/** Test code: test files, and each room's support folder (test/README.md). */
const TEST_CODE = ['**/*.test.ts', '**/testing/**']

const NO_TEST_CODE = {
  group: ['**/testing/**', '**/test/**', '**/*.test.ts'],
  message: 'product code must not import test code (testing/, test/, *.test.ts)',
}
const SRC_RULE = {
  group: ['**/server/**', '**/emulator/**'],
  message: 'src/ must not import server/ or emulator/',
}
const SERVER_SRC_RULE = {
  group: ['**/src/*', '!**/src/birthday.ts'],
  message: 'server/ may import only src/birthday.ts',
}
const EMULATOR_RULE = {
  group: ['**/src/**', '**/server/**', '**/demo/**', '**/test/**'],
  message: 'the emulator imitates a third party: it imports nothing of ours',
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'playwright-report',
      'test-results',
      '.scratch',
      '.emulator-data',
      'examples/*/node_modules',
      'examples/*/.next',
      'examples/*/dist',
      'examples/*/next-env.d.ts',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: TEST_CODE,
    rules: restrict([SRC_RULE, NO_TEST_CODE]),
  },
  {
    files: TEST_CODE.map((glob) => `src/${glob}`),
    rules: restrict([SRC_RULE]),
  },
  {
    files: ['server/**/*.ts'],
    ignores: TEST_CODE,
    rules: restrict([
      { group: ['**/emulator/**'], message: 'server/ must not import the emulator (tests may)' },
      SERVER_SRC_RULE,
      NO_TEST_CODE,
    ]),
  },
  {
    files: TEST_CODE.map((glob) => `server/${glob}`),
    rules: restrict([SERVER_SRC_RULE]),
  },
  {
    files: ['emulator/**/*.ts'],
    ignores: TEST_CODE,
    rules: restrict([EMULATOR_RULE, NO_TEST_CODE]),
  },
  {
    files: TEST_CODE.map((glob) => `emulator/${glob}`),
    rules: restrict([EMULATOR_RULE]),
  },
)
