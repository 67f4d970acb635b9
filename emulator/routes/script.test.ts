/**
 * `@clerk/ui` files beside ClerkJS's: the same version rules (major, major.minor, exact), the installed
 * optional peer by default, and a 501 naming the package when it is not installed. ClerkJS 5 and 6 side
 * by side: each major from its own installed copy (the project's npm alias of the other major).
 */

import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEmulator, type ClerkJsSource, type EmulatorOptions } from '../app.ts'

const ORIGIN = 'http://localhost:4010'

async function get(options: EmulatorOptions, pathname: string): Promise<Response> {
  const emulator = await createEmulator({ publicOrigin: ORIGIN, ...options })
  return emulator.fetch(
    new Request(`${ORIGIN}${pathname}`, { headers: { Origin: 'http://localhost:3000' } }),
  )
}

const ui: ClerkJsSource = {
  version: '1.34.0',
  read: async (file) => (file === 'ui.browser.js' ? new TextEncoder().encode('/* ui */') : null),
}

describe('@clerk/ui files', () => {
  it.each(['1', '1.34', '1.34.0'])('serves @%s with CORS for the page', async (version) => {
    const response = await get(
      { clerkUiSource: ui },
      `/npm/@clerk/ui@${version}/dist/ui.browser.js`,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:3000')
    expect(response.headers.get('Cache-Control')).toBe(
      version === '1.34.0' ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    )
    expect(await response.text()).toBe('/* ui */')
  })

  it.each([
    '/npm/@clerk/ui@2/dist/ui.browser.js',
    '/npm/@clerk/ui@1.41.0/dist/ui.browser.js',
    '/npm/@clerk/ui@1/dist/missing.js',
    '/npm/@clerk/ui@1/dist/..%2Fpackage.json',
  ])('answers 404 for %s, naming what is served', async (pathname) => {
    const response = await get({ clerkUiSource: ui }, pathname)
    expect(response.status).toBe(404)
    const body = (await response.json()) as { errors: { code: string; long_message: string }[] }
    expect(body.errors[0]?.code).toBe('resource_not_found')
  })

  it('answers 501 naming the package when @clerk/ui is not installed', async () => {
    const response = await get({ clerkUiSource: null }, '/npm/@clerk/ui@1/dist/ui.browser.js')
    expect(response.status).toBe(501)
    const body = (await response.json()) as { errors: { code: string; message: string }[] }
    expect(body.errors[0]?.code).toBe('emulator_not_implemented')
    expect(body.errors[0]?.message).toContain('@clerk/ui')
  })

  it('serves the installed package by default, chunks included', async () => {
    const require = createRequire(import.meta.url)
    let dir = path.dirname(require.resolve('@clerk/ui'))
    while (!dir.endsWith(path.join('@clerk', 'ui'))) dir = path.dirname(dir)
    const { version } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      version: string
    }
    const response = await get({}, `/npm/@clerk/ui@${version.split('.')[0]}/dist/ui.browser.js`)
    expect(response.status).toBe(200)
    const served = new Uint8Array(await response.arrayBuffer())
    expect(Buffer.compare(served, await readFile(path.join(dir, 'dist', 'ui.browser.js')))).toBe(0)
    // The bundle loads its chunks from the exact version, which is served too.
    const chunk = (await readdir(path.join(dir, 'dist'))).find((file) =>
      file.startsWith('signin_ui_'),
    )
    expect(chunk).toBeDefined()
    const chunkResponse = await get({}, `/npm/@clerk/ui@${version}/dist/${chunk}`)
    expect(chunkResponse.status).toBe(200)
  })
})

describe('ClerkJS 5 and 6 side by side', () => {
  const file = (text: string) => async (name: string) =>
    name === 'clerk.browser.js' ? new TextEncoder().encode(text) : null
  const both: ClerkJsSource = {
    version: '6.40.0',
    read: file('/* six */'),
    alongside: [{ version: '5.128.0', read: file('/* five */') }],
  }

  it.each([
    ['6', '/* six */'],
    ['6.40.0', '/* six */'],
    ['5', '/* five */'],
    ['5.128', '/* five */'],
    ['5.128.0', '/* five */'],
  ])('serves @%s from its own major', async (version, text) => {
    const response = await get(
      { clerkJsSource: both },
      `/npm/@clerk/clerk-js@${version}/dist/clerk.browser.js`,
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(text)
  })

  it('answers 404 for a major neither is, naming both', async () => {
    const response = await get(
      { clerkJsSource: both },
      '/npm/@clerk/clerk-js@4/dist/clerk.browser.js',
    )
    expect(response.status).toBe(404)
    const body = (await response.json()) as { errors: { long_message: string }[] }
    expect(body.errors[0]?.long_message).toContain('6.40.0 and 5.128.0')
  })

  it('serves this project’s ClerkJS 5 (its npm alias) and 6 by default, each its own bundle', async () => {
    const require = createRequire(import.meta.url)
    const dist = (name: string) => path.dirname(require.resolve(name))
    for (const [major, name] of [
      ['6', '@clerk/clerk-js'],
      ['5', 'clerk-js-5'],
    ] as const) {
      const response = await get({}, `/npm/@clerk/clerk-js@${major}/dist/clerk.browser.js`)
      expect(response.status, `@${major}`).toBe(200)
      const served = new Uint8Array(await response.arrayBuffer())
      const installed = await readFile(path.join(dist(name), 'clerk.browser.js'))
      expect(Buffer.compare(served, installed), `@${major}`).toBe(0)
    }
  })
})
