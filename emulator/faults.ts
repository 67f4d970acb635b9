/**
 * Fault injection: "the next N requests matching this method and path glob" answer with a status, after
 * a delay, hang until the caller gives up, or lose their connection. Control-surface requests are never
 * faulted, so a broad glob cannot lock the tests out.
 */

import * as z from 'zod/mini'
import { globToRegExp } from './router.ts'

export const faultSchema = z.strictObject({
  method: z.optional(z.string().check(z.regex(/^[A-Za-z]+$/))),
  path: z.string().check(z.startsWith('/')),
  times: z.optional(z.int().check(z.minimum(1))),
  status: z.optional(z.int().check(z.minimum(200), z.maximum(599))),
  delayMs: z.optional(z.number().check(z.minimum(0), z.maximum(600_000))),
  hang: z.optional(z.boolean()),
  drop: z.optional(z.boolean()),
})

export type FaultSpec = z.infer<typeof faultSchema>

export interface Fault {
  id: number
  method: string | null
  path: string
  remaining: number
  status: number | null
  delayMs: number
  hang: boolean
  drop: boolean
}

/** How long a hung request waits for its caller to abort before answering 504. */
export const HANG_LIMIT_MS = 120_000

export class Faults {
  #faults: Array<Fault & { regex: RegExp }> = []
  #nextId = 1

  add(spec: FaultSpec): Fault {
    const fault = {
      id: this.#nextId++,
      method: spec.method?.toUpperCase() ?? null,
      path: spec.path,
      remaining: spec.times ?? 1,
      status: spec.status ?? null,
      delayMs: spec.delayMs ?? 0,
      hang: spec.hang ?? false,
      drop: spec.drop ?? false,
      regex: globToRegExp(spec.path),
    }
    this.#faults.push(fault)
    return view(fault)
  }

  clear(): number {
    const count = this.#faults.length
    this.#faults = []
    return count
  }

  list(): Fault[] {
    return this.#faults.map(view)
  }

  /**
   * Consumes one use of the first fault matching the request. `methods` holds the wire method and, for
   * Frontend API requests, the `_method` it stands for; a fault's method may name either.
   */
  take(methods: readonly string[], path: string): Fault | null {
    const index = this.#faults.findIndex(
      (fault) =>
        (fault.method === null || methods.includes(fault.method)) && fault.regex.test(path),
    )
    const fault = this.#faults[index]
    if (!fault) return null
    fault.remaining -= 1
    if (fault.remaining === 0) this.#faults.splice(index, 1)
    return view(fault)
  }
}

function view(fault: Fault): Fault {
  const { id, method, path, remaining, status, delayMs, hang, drop } = fault
  return { id, method, path, remaining, status, delayMs, hang, drop }
}

/** Resolves after `ms`, or as soon as the signal aborts; true when it ran to the end. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
