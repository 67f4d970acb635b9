/**
 * Test support for the handler's integration test (server/handler.integration.test.ts): the real
 * emulator on loopback, seeded with Ada and Grace and signing with a key the test holds (so
 * edge-case tokens can be signed exactly as it would), a second emulator whose tokens must be
 * refused, the handler served by `node.ts` twice (networkless with `jwtKey`, and with the JWKS), and
 * Ada signed in through the Frontend API.
 */
import { startEmulator, type StartedEmulator } from '../../emulator/node/start.ts'
import { createBirthdayHandler, type BirthdayHandlerOptions, type LogEntry } from '../handler.ts'
import { startServer, type StartedServer } from '../node/start.ts'
import { control } from '../../emulator/testing/control.ts'
import { signIn, type EmulatorSession } from './emulator-client.ts'
import { generateSigningKey, sessionClaims, signSessionToken, type SigningKey } from './tokens.ts'

export const ORIGIN = 'http://app.test'
export const ORIGIN_2 = 'http://admin.app.test'
export const PATH = '/api/update-user-metadata'
export const GRACE = { email: 'grace@example.test', password: 'cobol-1959-hopper' }

export interface HandlerRig {
  /** The emulator the handlers call; Ada's saved birthday is 1990-12-10. */
  emu: StartedEmulator
  /** Another emulator instance: its tokens are signed by a key the handlers do not know. */
  otherEmu: StartedEmulator
  /** The emulator's own signing key (handed to it), with the `kid` it publishes. */
  emuKey: SigningKey
  /** A key nobody publishes. */
  strangerKey: SigningKey
  /** Ada, signed in from {@link ORIGIN}; reassign after a reset. */
  ada: EmulatorSession
  /** The handler with the emulator's `jwtKey`, and the same handler reading the JWKS. */
  servers: { jwtKey: StartedServer; jwks: StartedServer }
  /** Every entry the handlers logged. */
  logs: LogEntry[]
}

/** The handlers' options: both origins, {@link PATH}, a limit no test reaches, logs kept. */
export function handlerOptions(
  rig: Pick<HandlerRig, 'emu' | 'logs'>,
  overrides: Partial<BirthdayHandlerOptions> = {},
): BirthdayHandlerOptions {
  return {
    secretKey: rig.emu.config.secretKey,
    publishableKey: rig.emu.config.publishableKey,
    jwtKey: rig.emu.config.jwtKey,
    apiUrl: rig.emu.config.apiUrl,
    allowedOrigins: [ORIGIN, ORIGIN_2],
    path: PATH,
    rateLimit: { max: 10_000, windowMs: 10_000 },
    logger: (entry) => rig.logs.push(entry),
    ...overrides,
  }
}

export async function startHandlerRig(): Promise<HandlerRig> {
  const pendingKey = await generateSigningKey('pending')
  const strangerKey = await generateSigningKey('ins_stranger')
  const emu = await startEmulator({
    privateKeyPem: pendingKey.privateKeyPem,
    users: [
      {
        email: 'ada@example.test',
        password: 'lovelace-1815',
        firstName: 'Ada',
        publicMetadata: { birthday: '1990-12-10' },
      },
      {
        ...GRACE,
        firstName: 'Grace',
        publicMetadata: {
          birthday: '1906-12-09',
          theme: { color: 'navy', size: 2 },
          roles: ['admin'],
        },
      },
    ],
  })
  const otherEmu = await startEmulator()
  const jwks = (await (
    await fetch(`${emu.config.apiUrl}/v1/jwks`, {
      headers: { Authorization: `Bearer ${emu.config.secretKey}` },
    })
  ).json()) as { keys: { kid: string }[] }
  const emuKey = { ...pendingKey, kid: jwks.keys[0]?.kid ?? 'missing' }
  const logs: LogEntry[] = []
  const servers = {
    jwtKey: await startServer({
      handler: createBirthdayHandler(handlerOptions({ emu, logs })),
      port: 0,
    }),
    jwks: await startServer({
      handler: createBirthdayHandler(handlerOptions({ emu, logs }, { jwtKey: undefined })),
      port: 0,
    }),
  }
  const ada = await signIn(emu.config.proxyUrl, ORIGIN)
  return { emu, otherEmu, emuKey, strangerKey, ada, servers, logs }
}

export async function stopHandlerRig(rig: HandlerRig): Promise<void> {
  await Promise.all([
    rig.servers.jwtKey.close(),
    rig.servers.jwks.close(),
    rig.emu.close(),
    rig.otherEmu.close(),
  ])
}

export const seconds = () => Math.floor(Date.now() / 1000)

/** A token for Ada signed with the emulator's key: indistinguishable from one it minted. */
export function emuToken(
  rig: HandlerRig,
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return signSessionToken(
    rig.emuKey,
    sessionClaims(rig.ada.userId, ORIGIN, Date.now(), overrides),
    header,
  )
}

/** Mints for Ada with the emulator's clock shifted by `offsetMs`. */
export async function mintAt(rig: HandlerRig, offsetMs: number): Promise<string> {
  await control(rig.emu.config.proxyUrl, 'PATCH', 'settings', { clockOffsetMs: offsetMs })
  try {
    return await rig.ada.mint()
  } finally {
    await control(rig.emu.config.proxyUrl, 'PATCH', 'settings', { clockOffsetMs: 0 })
  }
}

/** A save request's body. */
export const birthday = (value: unknown) => JSON.stringify({ birthday: value })
