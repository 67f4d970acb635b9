/** The emulator's folder on disk: a signing key and the users, kept across opens. */

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmulatorFiles, SnapshotFile } from './files.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clerk-emulator-files-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('openEmulatorFiles', () => {
  it('creates a key and keeps users in a folder, and refuses a corrupt users file', async () => {
    const folder = path.join(dir, 'files')
    const first = await openEmulatorFiles(folder)
    expect(first.state).toBeUndefined()
    expect(first.privateKeyPem).toContain('BEGIN PRIVATE KEY')
    await first.save({ version: 1, users: [] })
    const second = await openEmulatorFiles(folder)
    expect(second.privateKeyPem).toBe(first.privateKeyPem)
    expect(second.state).toEqual({ version: 1, users: [] })
    await writeFile(path.join(folder, 'users.json'), '{"version":2}')
    await expect(openEmulatorFiles(folder)).rejects.toThrow(/is corrupt/)
  })
})

describe('SnapshotFile', () => {
  it('skips a write of what the file holds and writes a change', async () => {
    const file = path.join(dir, 'snapshot', 'data.json')
    const first = new SnapshotFile(file)
    expect(await first.load()).toBeUndefined()
    const snapshot = { version: 2 as const, users: [], clients: [], sessions: [], jwtTemplates: [] }
    await first.save(snapshot)
    const written = await stat(file)

    const again = new SnapshotFile(file)
    expect(await again.load()).toEqual(snapshot)
    await again.save(snapshot)
    expect((await stat(file)).ino).toBe(written.ino) // not replaced

    const changed = { ...snapshot, webhookSecret: 'whsec_AAAAAAAAAAAAAAAAAAAA' }
    await again.save(changed)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(changed)
  })
})
