/**
 * Test support: a module bundled for workerd as the Workers runtime loads it (esbuild, ES modules,
 * the `worker` and `browser` export conditions, no Node polyfills), as text for Miniflare's `script`.
 */
import { build } from 'esbuild'

export async function bundleForWorkerd(
  entry: string,
  alias: Record<string, string> = {},
): Promise<string> {
  const bundled = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias,
  })
  return bundled.outputFiles[0]?.text ?? ''
}
