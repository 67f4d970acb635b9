/**
 * One-off pages for the element's journeys, served on the built demo's origin (so the emulator at
 * `/__clerk`, the handler and the signed-in client cookie are the demo's) under the demo's own
 * Content-Security-Policy with Trusted Types, plus the SHA-256 hashes of the page's inline scripts
 * (Clerk's documented snippet has one). Each page gets the same Trusted Types default policy first:
 * it admits same-origin `blob:` script URLs (ClerkJS's token worker) and Clerk's browser bundle from
 * the emulator (for the journeys where a script, not the HTML, adds Clerk's tag), and nothing else.
 *
 * Also collects what the page reports: uncaught errors and the element's console warnings.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { build } from 'esbuild'

export const TRUSTED_TYPES = `trustedTypes.createPolicy('default', {
  createScriptURL(url) {
    const parsed = new URL(url, location.href)
    if (url.startsWith('blob:' + location.origin + '/')) return url
    if (parsed.origin === location.origin && parsed.pathname.startsWith('/__clerk/npm/@clerk/clerk-js@')) return url
    throw new TypeError('Trusted Types: script URL refused: ' + url)
  },
})`

export interface JourneyPage {
  /** Everything inside `<head>` after the Trusted Types policy. */
  head?: string
  body: string
  /** Extra scripts by path below `/journey/` (e.g. `late-load.js`). */
  scripts?: Record<string, string>
}

export interface Journey {
  url: string
  /** Uncaught errors in the page. */
  pageErrors: string[]
  /** Console warnings that the element gave (`<birthday-editor>: …`). */
  warnings: string[]
}

/** The element as shipped: `dist/birthday-editor.js` (`npm run build`). */
export const elementBundle = () => readFile('dist/birthday-editor.js', 'utf8')

/** Bundles a module for the browser (npm imports resolved from this checkout). */
export async function bundle(source: string, alias: Record<string, string> = {}): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    alias,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

const hash = (script: string) =>
  `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`

/** Serves `spec` at `<origin>/journey/<name>.html` for this page and opens it. */
export async function openJourney(
  page: Page,
  origin: string,
  name: string,
  spec: JourneyPage,
): Promise<Journey> {
  const policy = (await fetch(`${origin}/`)).headers.get('content-security-policy') ?? ''
  if (!policy.includes("require-trusted-types-for 'script'")) throw new Error(`policy: ${policy}`)
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>journey</title>' +
    '<link rel="icon" href="data:,"><script src="/journey/trusted-types.js"></script>' +
    (spec.head ?? '') +
    `</head><body>${spec.body}</body></html>`
  const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!)
  const csp = policy.replace("script-src 'self'", `script-src 'self' ${inline.map(hash).join(' ')}`)
  const scripts: Record<string, string> = {
    'trusted-types.js': TRUSTED_TYPES,
    'birthday-editor.js': await elementBundle(),
    ...spec.scripts,
  }
  await page.route(`${origin}/journey/**`, async (route) => {
    const file = new URL(route.request().url()).pathname.slice('/journey/'.length)
    if (file === `${name}.html`) {
      return route.fulfill({
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': csp },
        body: html,
      })
    }
    const script = scripts[file]
    if (script === undefined) return route.fulfill({ status: 404, body: 'not found' })
    return route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: script })
  })
  const journey: Journey = { url: `${origin}/journey/${name}.html`, pageErrors: [], warnings: [] }
  page.on('pageerror', (error) => journey.pageErrors.push(String(error)))
  page.on('console', (message) => {
    if (message.type() === 'warning' && message.text().startsWith('<birthday-editor>'))
      journey.warnings.push(message.text())
  })
  await page.goto(journey.url)
  return journey
}
