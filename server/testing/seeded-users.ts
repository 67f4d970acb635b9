/**
 * Test support: the numbered users the stores' tests seed the emulator with (`user<i>@example.test`,
 * birthday 1990-01-01), and their sessions, signed in one after another through the Frontend API.
 */
import type { SeedUser } from '../../emulator/app.ts'
import { signIn, type EmulatorSession } from './emulator-client.ts'

const credentials = (i: number) => ({
  email: `user${i}@example.test`,
  password: `password-${i}-long-enough`,
})

/** `count` users for the emulator's `users` option. */
export function seededUsers(count: number): SeedUser[] {
  return Array.from({ length: count }, (_, i) => ({
    ...credentials(i),
    publicMetadata: { birthday: '1990-01-01' },
  }))
}

/** A session for each of the `count` seeded users, in order, with `origin` as their tokens' `azp`. */
export async function signInSeeded(
  proxyUrl: string,
  origin: string,
  count: number,
): Promise<EmulatorSession[]> {
  const sessions: EmulatorSession[] = []
  for (let i = 0; i < count; i += 1) sessions.push(await signIn(proxyUrl, origin, credentials(i)))
  return sessions
}
