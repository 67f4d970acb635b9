/**
 * The wire panel's data and layout, without the DOM: what each request the page made is, which of
 * them belong to the last save, and where each one's bar sits on a shared time axis.
 */

/** One request the page made (`wire-recorder.ts`); times are `performance.now()` milliseconds. */
export interface WireRequest {
  method: string
  url: string
  /** When `fetch` was called. */
  start: number
  /** When the response came (its headers) or the request failed; absent while it is pending. */
  end?: number
  /** The HTTP status; 0 when no response came (a network error, an abort). */
  status?: number
}

export interface Bar {
  request: WireRequest
  /** `POST save`, `POST token mint`, `GET user reload`, … */
  label: string
  /** `200`, `503`, `no response`, `pending`. */
  outcome: string
  failed: boolean
  /** Milliseconds from the first request's start. */
  at: number
  duration: number
  /** Where the bar starts and how wide it is, as fractions of the axis (0 to 1). */
  offset: number
  width: number
}

export interface Timeline {
  /** The axis length in milliseconds (at least 1). */
  span: number
  /** Axis marks in milliseconds, from 0, at a round step. */
  ticks: number[]
  /** One per request, in order of start. */
  bars: Bar[]
}

/** What a request is, from its URL: the handler (save or read) or a Clerk Frontend API call. */
export function whatItIs(request: Pick<WireRequest, 'method' | 'url'>, endpoint: string): string {
  const url = new URL(request.url)
  if (url.origin + url.pathname === new URL(endpoint).href.split('?')[0]) {
    return request.method === 'POST' ? 'save' : request.method === 'GET' ? 'read' : 'handler'
  }
  const api = /\/v1\/(.*)$/.exec(url.pathname)?.[1]
  if (api !== undefined) {
    if (/^client\/sessions\/[^/]+\/tokens(\/|$)/.test(api)) return 'token mint'
    if (/^client\/sessions\/[^/]+\/touch$/.test(api)) return 'session touch'
    if (api === 'me') return 'user reload'
    if (api === 'client') return 'client'
    if (api === 'environment') return 'environment'
  }
  return url.pathname
}

/**
 * The requests of the last save: from its first POST to the handler that started at or after
 * `since` (the previous save's outcome), with everything that started after it. Empty when the save
 * sent nothing (offline).
 */
export function lastSave(requests: WireRequest[], endpoint: string, since: number): WireRequest[] {
  const ordered = [...requests].sort((a, b) => a.start - b.start)
  const first = ordered.findIndex(
    (request) =>
      request.start >= since && request.method === 'POST' && whatItIs(request, endpoint) === 'save',
  )
  return first < 0 ? [] : ordered.slice(first)
}

/** Lays `requests` out on one axis from the first start to the last end (or `now` if pending). */
export function layoutTimeline(requests: WireRequest[], endpoint: string, now: number): Timeline {
  const ordered = [...requests].sort((a, b) => a.start - b.start)
  const origin = ordered[0]?.start ?? 0
  const last = Math.max(origin, ...ordered.map((request) => request.end ?? now))
  const span = Math.max(1, last - origin)
  const bars = ordered.map((request): Bar => {
    const at = request.start - origin
    const duration = Math.max(0, (request.end ?? now) - request.start)
    const status = request.status
    return {
      request,
      label: `${request.method} ${whatItIs(request, endpoint)}`,
      outcome: request.end === undefined ? 'pending' : status ? String(status) : 'no response',
      failed: request.end !== undefined && (!status || status >= 400),
      at,
      duration,
      offset: at / span,
      width: duration / span,
    }
  })
  return { span, ticks: ticks(span), bars }
}

/** Marks at 0 and every round step (1, 2 or 5 × 10ⁿ ms) up to `span`, at most 6 of them. */
export function ticks(span: number): number[] {
  const rough = span / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power
  const marks: number[] = []
  for (let at = 0; at <= span + 1e-9; at += step) marks.push(Math.round(at * 1000) / 1000)
  return marks
}
