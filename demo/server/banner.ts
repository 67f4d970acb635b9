/**
 * The block `npm start` prints once it listens: which Clerk the demo runs on, how to sign in, where
 * the page and the handler are, and where the emulator keeps its data.
 */
import type { DemoBackend } from './backend.ts'

export function startBanner(
  backend: DemoBackend,
  page: { origin: string; dataDir: string },
): string {
  const { config, clerkMode } = backend
  const rows: [string, string][] = [
    [
      'mode',
      clerkMode.mode === 'emulator'
        ? `embedded Clerk emulator (${clerkMode.why})`
        : `real Clerk: ${clerkMode.frontendApi}`,
    ],
    ['page', `${page.origin}/`],
  ]
  if (config.demoUser)
    rows.push(['sign in', `${config.demoUser.email} / ${config.demoUser.password}`])
  rows.push(
    ['handler', `${page.origin}${config.endpoint} (same origin)`],
    [
      '',
      `${config.crossOriginEndpoint} (cross-origin page: ${page.origin}/demo/page/cross-origin.html)`,
    ],
  )
  if (clerkMode.mode === 'emulator') rows.push(['data', page.dataDir])
  const width = Math.max(...rows.map(([label]) => label.length))
  return ['birthday-editor demo', ...rows.map(([l, v]) => `  ${l.padEnd(width)}  ${v}`)].join('\n')
}
