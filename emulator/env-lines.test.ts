import { describe, expect, it } from 'vitest'
import { createEmulator } from './app.ts'
import { envLines } from './env-lines.ts'

const config = (await createEmulator({ users: [] })).config('http://localhost:4010')

describe('envLines', () => {
  it('ClerkJS 6: a @clerk/ui URL per framework (or a comment naming the package when it is missing)', () => {
    const lines = envLines(config, { clerkJs: '6', clerkUi: '1' })
    expect(lines).toContain(
      'NEXT_PUBLIC_CLERK_UI_URL=http://localhost:4010/npm/@clerk/ui@1/dist/ui.browser.js',
    )
    expect(lines).toContain(
      'VITE_CLERK_UI_URL=http://localhost:4010/npm/@clerk/ui@1/dist/ui.browser.js',
    )
    const missing = envLines(config, { clerkJs: '6', clerkUi: null })
    expect(missing).toMatch(/^# VITE_CLERK_UI_URL: install @clerk\/ui/m)
  })

  it('ClerkJS 5 bundles its components: no @clerk/ui line at all, installed or not', () => {
    for (const clerkUi of ['1', null]) {
      const lines = envLines(config, { clerkJs: '5', clerkUi })
      expect(lines).not.toMatch(/CLERK_UI_URL|@clerk\/ui/)
      expect(lines).toContain(
        'VITE_CLERK_JS_URL=http://localhost:4010/npm/@clerk/clerk-js@5/dist/clerk.browser.js',
      )
    }
  })

  it('holds ALLOWED_ORIGINS as a comment only, and turns telemetry off for every SDK', () => {
    const lines = envLines(config, { clerkJs: '6', clerkUi: '1' })
    expect(lines).toMatch(/^# ALLOWED_ORIGINS=http:\/\/localhost:5173$/m)
    expect(lines).not.toMatch(/^ALLOWED_ORIGINS=/m)
    for (const prefix of ['', 'NEXT_PUBLIC_', 'VITE_']) {
      expect(lines).toMatch(new RegExp(`^${prefix}CLERK_TELEMETRY_DISABLED=1$`, 'm'))
    }
  })
})
