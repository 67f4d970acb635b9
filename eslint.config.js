// @ts-check
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Dependency direction: src imports neither server nor emulator; server only src/birthday.ts;
 * the emulator imitates a third party and imports nothing of ours; the demo's page (browser) and
 * its servers (Node) share only demo/demo-config.ts. Test code follows its room's rule, except that
 * server tests may use the emulator; product code imports no test code. */
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
const SERVER_IMPORTS = [
  { group: ['**/emulator/**'], message: 'server/ must not import the emulator (tests may)' },
  SERVER_SRC_RULE,
  NO_TEST_CODE,
]
/** Each route file is its paths beside their handlers; what two of them share lives in `emulator/`. */
const ROUTE_FILE_RULE = {
  regex: '^(\\./|\\.\\./routes/|.*emulator/routes/)[^/]+$',
  message:
    'a route file imports no other route file: shared code belongs in emulator/ (e.g. client-session.ts)',
}
const EMULATOR_RULE = {
  group: ['**/src/**', '**/server/**', '**/demo/**', '**/test/**'],
  message: 'the emulator imitates a third party: it imports nothing of ours',
}

/**
 * Outside `<room>/node/`: no Node built-in and nothing from the Node layer. (`\x2F` is `/`: the
 * selectors below cannot hold a slash inside a regular expression.)
 */
const runtimeNeutral = (room) => [
  {
    regex: '^node:',
    message: `${room}/ outside ${room}/node/ is runtime-neutral: Node built-ins belong in ${room}/node/`,
  },
  {
    regex: '(^|\\x2F)node\\x2F',
    message: `${room}/ outside ${room}/node/ is runtime-neutral: it does not import ${room}/node/`,
  },
]

/** `no-restricted-imports` sees static imports only: the same patterns for `import('…')`. */
const noDynamicImport = (patterns) => ({
  'no-restricted-syntax': [
    'error',
    ...patterns.map(({ regex, message }) => ({
      selector: `ImportExpression > Literal.source[value=/${regex}/]`,
      message,
    })),
  ],
})

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
    rules: restrict(SERVER_IMPORTS),
  },
  {
    files: TEST_CODE.map((glob) => `server/${glob}`),
    rules: restrict([SERVER_SRC_RULE]),
  },
  {
    files: ['demo/page/**/*.ts'],
    rules: restrict([
      {
        group: ['node:*', ...builtinModules],
        message: 'demo/page/ runs in the browser: no Node built-ins',
      },
      {
        group: ['**/server/**', '**/emulator/**'],
        message:
          'demo/page/ runs in the browser: it talks to demo/server/, the handler and the emulator over HTTP only (the shared shape is demo/demo-config.ts)',
      },
    ]),
  },
  {
    files: ['demo/server/**/*.ts'],
    rules: restrict([
      {
        group: ['**/page/**'],
        message:
          'demo/server/ serves demo/page/ and imports none of it (shared: demo/demo-config.ts)',
      },
    ]),
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
  // Each room's Node layer is a folder (`server/node/`, `emulator/node/`); everything else in the room
  // is runtime-neutral (Node, Bun, Deno, workerd, the browser), so it imports neither `node:*` nor
  // that folder, statically or with `import()`. Test code runs on Node and may use it.
  {
    files: ['server/**/*.ts'],
    ignores: ['server/node/**', ...TEST_CODE],
    rules: {
      ...restrict([...SERVER_IMPORTS, ...runtimeNeutral('server')]),
      ...noDynamicImport(runtimeNeutral('server')),
    },
  },
  {
    files: ['emulator/**/*.ts'],
    ignores: ['emulator/node/**', ...TEST_CODE],
    rules: {
      ...restrict([EMULATOR_RULE, NO_TEST_CODE, ...runtimeNeutral('emulator')]),
      ...noDynamicImport(runtimeNeutral('emulator')),
    },
  },
  {
    files: ['emulator/routes/*.ts'],
    ignores: TEST_CODE,
    rules: {
      ...restrict([EMULATOR_RULE, NO_TEST_CODE, ...runtimeNeutral('emulator'), ROUTE_FILE_RULE]),
      ...noDynamicImport(runtimeNeutral('emulator')),
    },
  },
)
