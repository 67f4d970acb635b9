/**
 * The docs' app on Next 15 (`examples/nextjs-15`), covered by a typecheck rather than a second
 * build (a Next 15 webpack build costs minutes of CI time): the same pages, copied from
 * `examples/nextjs`, and `clerkMiddleware()` in `middleware.ts`, Next 15's name for Next 16's `proxy.ts`,
 * type-check against Next 15.5 and `@clerk/nextjs` 7 with the element's React typings.
 */

import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ensureInstalled, ROOT, runScript } from '../support/example-apps.ts'

const NEXT_15 = path.join(ROOT, 'examples', 'nextjs-15')
const NEXT_16 = path.join(ROOT, 'examples', 'nextjs')

test('the docs app type-checks on Next 15 with middleware.ts', async () => {
  test.setTimeout(300_000)
  const installed = await ensureInstalled(NEXT_15)
  const started = performance.now()
  await runScript(NEXT_15, 'typecheck')
  console.log(
    `examples/nextjs-15: npm ci ${installed.toFixed(1)} s, typecheck ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  const next = JSON.parse(
    readFileSync(path.join(NEXT_15, 'node_modules', 'next', 'package.json'), 'utf8'),
  ) as { version: string }
  expect(next.version).toMatch(/^15\./)
  // The same middleware under Next 15's file name (only the comment on its first line differs).
  const body = (file: string) => readFileSync(file, 'utf8').split('\n').slice(1).join('\n')
  expect(body(path.join(NEXT_15, 'middleware.ts'))).toBe(body(path.join(NEXT_16, 'proxy.ts')))
  expect(readFileSync(path.join(NEXT_15, 'app', 'user-profile', 'page.tsx'), 'utf8')).toBe(
    readFileSync(path.join(NEXT_16, 'app', 'user-profile', 'page.tsx'), 'utf8'),
  )
})
