/**
 * Test support: the element's save as the handler receives it, for any way of sending it (`fetch`,
 * Miniflare's `dispatchFetch`): a POST with the session's fresh token (or the one given), the
 * birthday as JSON, and the page's Origin.
 */
import type { EmulatorSession } from './emulator-client.ts'

export interface SaveRequestInit {
  method: 'POST'
  headers: Record<string, string>
  body: string
}

export async function saveRequest(
  session: EmulatorSession,
  birthday: string,
  origin: string,
  token?: string,
): Promise<SaveRequestInit> {
  return {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token ?? (await session.mint())}`,
      'Content-Type': 'application/json',
      Origin: origin,
    },
    body: JSON.stringify({ birthday }),
  }
}
