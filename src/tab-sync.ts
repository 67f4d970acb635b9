/**
 * Tab sync, one lifecycle: the `BroadcastChannel` that tells the other editors of this origin (other
 * tabs, other elements) about a save, and hears theirs. It checks what it hears; the host decides
 * what to do with it.
 */
import { isIsoDate } from './birthday.ts'

const CHANNEL = 'birthday-editor'

/** Tells the other editors that `subject` saved `birthday`. */
export type PostSave = (subject: unknown, birthday: string | null) => void

/**
 * Opens the channel until `signal` aborts. `heard` gets each well-formed save from another editor:
 * whose it is and the birthday (an ISO date or `null`).
 */
export function openTabSync(
  signal: AbortSignal,
  heard: (subject: unknown, birthday: string | null) => void,
): PostSave {
  const channel = new BroadcastChannel(CHANNEL)
  channel.onmessage = ({
    data,
  }: MessageEvent<{ subject?: unknown; birthday?: unknown } | null>) => {
    const birthday = data?.birthday
    if (birthday === null || isIsoDate(birthday)) heard(data?.subject, birthday)
  }
  signal.addEventListener('abort', () => channel.close())
  return (subject, birthday) => channel.postMessage({ subject, birthday })
}
