/**
 * The first step of `npm test`: stops at once, with one line naming what is missing and how to
 * install it, when a browser the suite drives is not on this machine (instead of failing minutes
 * later in the end-to-end step).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { browserNeeds, missingBrowsersLine } from '../test/support/browsers.ts'

/** 0 when every browser is there; else prints the one line and returns 1. */
export function preflight(
  exists: (path: string) => boolean = existsSync,
  print: (line: string) => void = console.error,
  env: Record<string, string | undefined> = process.env,
): number {
  const bundled = chromium.executablePath()
  const line = missingBrowsersLine(browserNeeds(env), exists, {
    ...(bundled && exists(bundled) ? { Chromium: bundled } : {}),
  })
  if (!line) return 0
  print(line)
  return 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = preflight()
