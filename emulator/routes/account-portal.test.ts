/**
 * The Account Portal pages in-process: what each page loads and mounts for ClerkJS 6 (with
 * `@clerk/ui`) and 5 (without), the environment naming them as the sign-in and sign-up URLs, and
 * other paths near them still failing loudly. In a browser: test/e2e/quickstart.spec.ts.
 */
import { describe, expect, it } from 'vitest'
import { createEmulator, type ClerkJsSource, type EmulatorOptions } from '../app.ts'

const ORIGIN = 'http://localhost:4010'

const source = (version: string): ClerkJsSource => ({ version, read: async () => null })

async function get(options: EmulatorOptions, pathname: string, origin?: string) {
  const emulator = await createEmulator({ publicOrigin: ORIGIN, users: [], ...options })
  return emulator.fetch(
    new Request(`${ORIGIN}${pathname}`, { headers: origin ? { Origin: origin } : {} }),
  )
}

describe('the Account Portal pages', () => {
  it.each([
    ['/sign-in', 'mountSignIn'],
    ['/sign-up', 'mountSignUp'],
  ])('%s: ClerkJS 6 and @clerk/ui from the emulator, %s, telemetry off', async (path, mount) => {
    const response = await get(
      { clerkJsSource: source('6.40.0'), clerkUiSource: source('1.34.0') },
      `${path}?redirect_url=${encodeURIComponent('http://localhost:3000/')}`,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
    const html = await response.text()
    expect(html).toContain(`<script src="${ORIGIN}/npm/@clerk/ui@1/dist/ui.browser.js"></script>`)
    expect(html).toContain(`src="${ORIGIN}/npm/@clerk/clerk-js@6/dist/clerk.browser.js"`)
    expect(html).toContain(`data-clerk-proxy-url="${ORIGIN}"`)
    expect(html).toContain('load.ui = { ClerkUI: window.__internal_ClerkUICtor }')
    expect(html).toContain('const load = { telemetry: false }')
    expect(html).toContain(`window.Clerk.${mount}(`)
    // Only loopback pages are sent back to.
    expect(html).toContain("const loopback = ['localhost', '127.0.0.1', '[::1]']")
  })

  it('ClerkJS 5: no @clerk/ui, installed or not', async () => {
    const html = await (
      await get({ clerkJsSource: source('5.99.0'), clerkUiSource: source('1.34.0') }, '/sign-in')
    ).text()
    expect(html).toContain(`src="${ORIGIN}/npm/@clerk/clerk-js@5/dist/clerk.browser.js"`)
    expect(html).not.toContain('@clerk/ui')
    expect(html).not.toContain('__internal_ClerkUICtor')
  })

  it("the environment names them as the instance's sign-in and sign-up URLs", async () => {
    const response = await get({}, '/v1/environment', 'http://localhost:3000')
    const { display_config: display } = (await response.json()) as {
      display_config: Record<string, string>
    }
    expect(display.sign_in_url).toBe(`${ORIGIN}/sign-in`)
    expect(display.sign_up_url).toBe(`${ORIGIN}/sign-up`)
    expect(display.home_url).toBe('http://localhost:3000')
  })

  it('paths beside them are still not emulated (501)', async () => {
    for (const path of ['/sign-in/factor-one', '/user-profile', '/sign-out']) {
      expect((await get({}, path)).status, path).toBe(501)
    }
  })
})
