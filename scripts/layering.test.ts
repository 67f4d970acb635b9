/**
 * The Node layer of each room is a folder, and ESLint keeps it there: outside `server/node/` and
 * `emulator/node/`, a file imports neither a Node built-in nor that folder, statically or with
 * `import()`; test code (tests and `testing/` folders) runs on Node and may. Lints sample text under the project's own config, so a
 * glob that stops matching after a move fails here, not silently.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname })

const SAMPLES = {
  builtin: `import { readFile } from 'node:fs/promises'\nexport const f = readFile\n`,
  nodeLayer: `import { startServer } from './node/start.ts'\nexport const f = startServer\n`,
  parentNodeLayer: `import { startEmulator } from '../node/start.ts'\nexport const f = startEmulator\n`,
  dynamicBuiltin: `export const f = () => import('node:path')\n`,
  dynamicNodeLayer: `export const f = () => import('./node/cli.ts')\n`,
  lookalike: `import { serve } from '@hono/node-server'\nexport const f = serve\n`,
}

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.map((message) => `${message.ruleId}: ${message.message}`)
}

describe('the Node layer', () => {
  it.each(['server/x.ts', 'server/cors/x.ts', 'emulator/x.ts', 'emulator/routes/x.ts'])(
    'stays out of %s',
    async (file) => {
      const room = file.split('/')[0]
      for (const [sample, code] of Object.entries(SAMPLES)) {
        const found = await problems(file, code)
        if (sample === 'lookalike') {
          expect(found, sample).toEqual([])
          continue
        }
        expect(found, sample).toHaveLength(1)
        expect(found[0], sample).toMatch(
          new RegExp(`^no-restricted-(imports|syntax): .*${room}/ outside ${room}/node/`),
        )
      }
    },
  )

  it.each([
    'server/node/x.ts',
    'emulator/node/x.ts',
    'server/x.test.ts',
    'emulator/x.test.ts',
    'server/testing/x.ts',
    'emulator/testing/x.ts',
  ])('may be used in %s', async (file) => {
    for (const [sample, code] of Object.entries(SAMPLES)) {
      expect(await problems(file, code), sample).toEqual([])
    }
  })
})

describe('the emulator route files', () => {
  const SIBLING = `import { readForm } from './frontend.ts'\nexport const f = readForm\n`
  const VIA_ROOM = `import { readForm } from '../routes/frontend.ts'\nexport const f = readForm\n`
  const SHARED = `import { readForm } from '../client-session.ts'\nexport const f = readForm\n`

  it('do not import one another', async () => {
    for (const code of [SIBLING, VIA_ROOM]) {
      const found = await problems('emulator/routes/x.ts', code)
      expect(found).toHaveLength(1)
      expect(found[0]).toMatch(/^no-restricted-imports: .*a route file imports no other route file/)
    }
  })

  it('share code through emulator/, and other emulator files may import routes', async () => {
    expect(await problems('emulator/routes/x.ts', SHARED)).toEqual([])
    expect(await problems('emulator/x.ts', VIA_ROOM.replace('../routes/', './routes/'))).toEqual([])
  })
})
