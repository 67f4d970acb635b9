/**
 * The emulator's files under Node: the signing key and the persisted state (users, sessions). Used by the CLI
 * (`--key-file`, `--data`) and by servers that embed the emulator and want it to survive restarts
 * (`openEmulatorFiles(dir)`).
 *
 * Writes go to a temporary file in the same folder, are flushed to disk and renamed over the old file,
 * one at a time, so a crash never leaves a torn file. A file that cannot be read or parsed is an error;
 * it is never replaced.
 */

import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { parseSnapshot, type EmulatorSnapshot } from '../store.ts'

/** A problem with one of the emulator's files, worded for the person who has to fix it. */
export class EmulatorFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'EmulatorFileError'
  }
}

export interface EmulatorFiles {
  /** PKCS#8 PEM; generated and saved on first use. */
  privateKeyPem: string
  /** The saved users, or undefined for a fresh folder. */
  state: EmulatorSnapshot | undefined
  /** Pass as `onStateChange`. */
  save: (snapshot: EmulatorSnapshot) => Promise<void>
  /** Resolves when every pending write is on disk. */
  flush: () => Promise<void>
}

/** Opens (creating when needed) `<dir>/signing-key.pem` and `<dir>/users.json`. */
export async function openEmulatorFiles(dir: string): Promise<EmulatorFiles> {
  await mkdir(dir, { recursive: true })
  const privateKeyPem = await openSigningKey(path.join(dir, 'signing-key.pem'))
  const users = new SnapshotFile(path.join(dir, 'users.json'))
  return {
    privateKeyPem,
    state: await users.load(),
    save: (snapshot) => users.save(snapshot),
    flush: () => users.flush(),
  }
}

/**
 * The signing key kept in `keyFile`: read when it exists, else generated (RSA-2048) and written
 * there atomically. A file that exists but is not a PEM private key is an error, never replaced.
 */
export async function openSigningKey(keyFile: string): Promise<string> {
  try {
    return await readPrivateKeyFile(keyFile)
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code !== 'ENOENT') throw error
  }
  await mkdir(path.dirname(keyFile), { recursive: true })
  const privateKeyPem = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey
  await writeAtomically(keyFile, privateKeyPem)
  return privateKeyPem
}

/** Where the CLI keeps the signing key of `--data FILE`: beside it, `FILE` minus `.json` plus `.signing-key.pem`. */
export function signingKeyFileFor(dataFile: string): string {
  return `${dataFile.replace(/\.json$/i, '')}.signing-key.pem`
}

/** Reads a PEM private key (PKCS#8 or PKCS#1) and returns it as PKCS#8. */
export async function readPrivateKeyFile(file: string): Promise<string> {
  let pem: string
  try {
    pem = await readFile(file, 'utf8')
  } catch (error) {
    throw new EmulatorFileError(`cannot read key file ${file}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  try {
    return createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString()
  } catch (error) {
    throw new EmulatorFileError(
      `key file ${file} is not a PEM private key: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/** The state file: `EmulatorSnapshot` as JSON. */
export class SnapshotFile {
  readonly file: string
  #queue: Promise<void> = Promise.resolve()

  constructor(file: string) {
    this.file = path.resolve(file)
  }

  async load(): Promise<EmulatorSnapshot | undefined> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined
      throw new EmulatorFileError(
        `cannot read data file ${this.file}: ${(error as Error).message}`,
        { cause: error },
      )
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw this.#corrupt(`not valid JSON (${(error as Error).message})`, error)
    }
    const parsed = parseSnapshot(json)
    if (!parsed.ok) throw this.#corrupt(parsed.message)
    return parsed.value
  }

  /** Queues a write; writes happen in call order and each replaces the file atomically. */
  save(snapshot: EmulatorSnapshot): Promise<void> {
    const write = this.#queue.then(() =>
      writeAtomically(this.file, `${JSON.stringify(snapshot, null, 2)}\n`),
    )
    this.#queue = write.catch(() => undefined)
    return write
  }

  flush(): Promise<void> {
    return this.#queue
  }

  #corrupt(reason: string, cause?: unknown): EmulatorFileError {
    return new EmulatorFileError(
      `data file ${this.file} is corrupt: ${reason}. It was left untouched; repair or remove it, or use another data file.`,
      { cause },
    )
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  try {
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
