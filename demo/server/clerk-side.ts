/**
 * The Clerk side of the demo, built from what `chooseClerk` picked: real Clerk is just its keys
 * (the page talks to Clerk's own host); the emulator is created here (with its key and data from
 * `dataDir` when given), mounted at `/__clerk` on the page's origin behind the demo's Frontend API
 * proxy (`frontend-api-proxy.ts`), and its keys are the ones it issued.
 */
import { createEmulator, type Emulator, type EmulatorOptions } from '../../emulator/app.ts'
import { openEmulatorFiles } from '../../emulator/node/files.ts'
import { toNodeListener } from '../../emulator/node/adapter.ts'
import type { ClerkKeys, ClerkMode } from './clerk-mode.ts'
import { frontendApiProxy } from './frontend-api-proxy.ts'

/** Where the page's origin serves the emulator: ClerkJS's `proxyUrl` path. */
export const EMULATOR_PATH = '/__clerk'

export type ClerkSide =
  | { mode: 'clerk'; keys: ClerkKeys }
  | {
      mode: 'emulator'
      keys: ClerkKeys
      emulator: Emulator
      /** Serves `EMULATOR_PATH` on the page's origin (a Node request listener). */
      listener: ReturnType<typeof toNodeListener>
    }

export interface EmulatedClerkOptions {
  /** The page's origin: the emulator's public origin, and the origin its proxy adds. */
  origin: string
  /** Where the emulator keeps its key and data between runs; absent = in memory only. */
  dataDir?: string
  emulatorOptions?: EmulatorOptions
  /** False: the proxy forwards requests as they come (see `frontend-api-proxy.ts`). */
  proxyAddsPageOrigin?: boolean
}

/** Real Clerk's keys as they are, or a new emulator. */
export async function buildClerkSide(
  choice: ClerkMode,
  options: EmulatedClerkOptions,
): Promise<ClerkSide> {
  return choice.mode === 'clerk' ? { mode: 'clerk', keys: choice.keys } : emulatedClerk(options)
}

export async function emulatedClerk(options: EmulatedClerkOptions): Promise<ClerkSide> {
  const { origin } = options
  const files = options.dataDir ? await openEmulatorFiles(options.dataDir) : undefined
  const emulator = await createEmulator({
    ...options.emulatorOptions,
    basePath: EMULATOR_PATH,
    publicOrigin: origin,
    ...(files ? { privateKeyPem: files.privateKeyPem, onStateChange: files.save } : {}),
    ...(files?.state ? { state: files.state } : {}),
  })
  // ClerkJS reaches it through the page's own origin, as through a Clerk proxy.
  const listener = toNodeListener(
    options.proxyAddsPageOrigin === false ? emulator.fetch : frontendApiProxy(emulator.fetch),
  )
  const issued = emulator.config(origin)
  return {
    mode: 'emulator',
    emulator,
    listener,
    keys: {
      publishableKey: issued.publishableKey,
      secretKey: issued.secretKey,
      jwtKey: issued.jwtKey,
      // Over real HTTP, through the page's own server: the same path a deployed handler takes.
      apiUrl: issued.apiUrl,
    },
  }
}
