/**
 * The guard of the journeys that run Clerk's SDKs and prebuilt UI on the emulator (the example apps,
 * the quickstart, the hosted pages): nothing leaves loopback. From the call on, every request of the
 * page's browser context to a host off loopback (other than `blob:` and `data:`) is blocked, and
 * those over http(s) or ws(s) are recorded; so are the page's uncaught errors and, given the
 * emulator's URL, every request it answered 501 (a route it does not emulate). The spec asserts the
 * lists empty at its end.
 */
import type { Page } from '@playwright/test'

export const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

export interface OffLoopbackWatch {
  /** Uncaught errors in the page (their messages). */
  pageErrors: string[]
  /** Requests to a host off loopback (blocked). */
  offLoopback: string[]
  /** `METHOD url` of each request the emulator answered 501 (only with `emulatorUrl`). */
  notEmulated: string[]
}

export async function watchOffLoopback(
  page: Page,
  options: { emulatorUrl?: string } = {},
): Promise<OffLoopbackWatch> {
  const context = page.context()
  const watch: OffLoopbackWatch = { pageErrors: [], offLoopback: [], notEmulated: [] }
  page.on('pageerror', (error) => watch.pageErrors.push(error.message))
  context.on('request', (request) => {
    const url = new URL(request.url())
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOOPBACK.has(url.hostname)) {
      watch.offLoopback.push(request.url())
    }
  })
  const { emulatorUrl } = options
  if (emulatorUrl) {
    context.on('response', (response) => {
      if (response.url().startsWith(emulatorUrl) && response.status() === 501) {
        watch.notEmulated.push(`${response.request().method()} ${response.url()}`)
      }
    })
  }
  await context.route(
    (url) => !['blob:', 'data:'].includes(url.protocol) && !LOOPBACK.has(url.hostname),
    (route) => route.abort('blockedbyclient'),
  )
  return watch
}
