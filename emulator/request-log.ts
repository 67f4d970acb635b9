/**
 * The request log and counters behind `GET /__emulator/requests` and `GET /__emulator/counters`.
 * The log keeps the newest `LOG_LIMIT` entries in a ring buffer (recording is O(1) once full, where
 * dropping the oldest entry from an array costs a copy of the rest); counters are exact.
 */

export type Api = 'fapi' | 'bapi' | 'control' | 'script' | 'portal'

export interface RequestLogEntry {
  /** Emulator time (ms) when the response was ready. */
  at: number
  /** The method on the wire (clerk-js sends POST with `_method`; see `route` for the effective one). */
  method: string
  /** Path below `basePath`. */
  path: string
  /** The raw query string without `?`. */
  query: string
  /** HTTP status; 0 for a dropped connection, 499 when the caller went away during a hang. */
  status: number
  api: Api
  /** The route-table pattern, e.g. `POST /v1/client/sessions/:id/tokens`; null when unmatched. */
  route: string | null
  origin: string | null
}

export interface Counters {
  routes: Record<string, number>
  bapiWrites: number
}

export const LOG_LIMIT = 10_000

export class RequestLog {
  readonly #limit: number
  /** Ring buffer: `#size` entries, the oldest at `#start`. */
  #entries: (RequestLogEntry | undefined)[]
  #start = 0
  #size = 0
  #routes = new Map<string, number>()
  #bapiWrites = 0

  constructor(limit = LOG_LIMIT) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new Error('the log limit must be >= 1')
    this.#limit = limit
    this.#entries = new Array<RequestLogEntry | undefined>(limit)
  }

  record(entry: RequestLogEntry): void {
    if (this.#size < this.#limit) {
      this.#entries[(this.#start + this.#size) % this.#limit] = entry
      this.#size += 1
    } else {
      this.#entries[this.#start] = entry
      this.#start = (this.#start + 1) % this.#limit
    }
    const route = entry.route ?? 'unmatched'
    this.#routes.set(route, (this.#routes.get(route) ?? 0) + 1)
    if (entry.api === 'bapi' && !['GET', 'HEAD', 'OPTIONS'].includes(entry.method)) {
      this.#bapiWrites += 1
    }
  }

  clear(): void {
    this.#entries.fill(undefined)
    this.#start = 0
    this.#size = 0
    this.#routes.clear()
    this.#bapiWrites = 0
  }

  /** Oldest first. */
  entries(): RequestLogEntry[] {
    const out: RequestLogEntry[] = []
    for (let i = 0; i < this.#size; i += 1) {
      const entry = this.#entries[(this.#start + i) % this.#limit]
      if (entry) out.push(entry)
    }
    return out
  }

  counters(): Counters {
    return { routes: Object.fromEntries(this.#routes), bapiWrites: this.#bapiWrites }
  }
}
