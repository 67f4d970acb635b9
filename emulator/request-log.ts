/**
 * The request log and counters behind `GET /__emulator/requests` and `GET /__emulator/counters`.
 * The log keeps the newest `LOG_LIMIT` entries; counters are exact.
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
  #entries: RequestLogEntry[] = []
  #routes = new Map<string, number>()
  #bapiWrites = 0

  record(entry: RequestLogEntry): void {
    this.#entries.push(entry)
    if (this.#entries.length > LOG_LIMIT) this.#entries.splice(0, this.#entries.length - LOG_LIMIT)
    const route = entry.route ?? 'unmatched'
    this.#routes.set(route, (this.#routes.get(route) ?? 0) + 1)
    if (entry.api === 'bapi' && !['GET', 'HEAD', 'OPTIONS'].includes(entry.method)) {
      this.#bapiWrites += 1
    }
  }

  clear(): void {
    this.#entries = []
    this.#routes.clear()
    this.#bapiWrites = 0
  }

  entries(): RequestLogEntry[] {
    return [...this.#entries]
  }

  counters(): Counters {
    return { routes: Object.fromEntries(this.#routes), bapiWrites: this.#bapiWrites }
  }
}
