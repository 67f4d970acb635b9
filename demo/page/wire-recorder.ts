/**
 * Records every `fetch` the page makes (the editor's and ClerkJS's: both call the global `fetch`
 * when they send): method, URL, start, end and status, including a request that gets no response
 * at all. Resource Timing alone cannot draw the wire: it names no method and lists no request that
 * failed without a response.
 */
import type { WireRequest } from './wire-timeline.ts'

export interface WireRecorder {
  /** The last `limit` requests, oldest first (a live list). */
  requests: WireRequest[]
}

export interface RecorderOptions {
  /** Whose `fetch` to wrap (default: the page's). */
  target?: { fetch: typeof fetch }
  now?: () => number
  /** What relative URLs resolve against (default: the page's URL). */
  base?: () => string
  limit?: number
}

export function recordFetches(options: RecorderOptions = {}): WireRecorder {
  const target = options.target ?? globalThis
  const now = options.now ?? (() => performance.now())
  const base = options.base ?? (() => location.href)
  const limit = options.limit ?? 50
  const requests: WireRequest[] = []
  const original = target.fetch.bind(target)
  target.fetch = async (input, init) => {
    const request: WireRequest = {
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      url: new URL(input instanceof Request ? input.url : String(input), base()).href,
      start: now(),
    }
    requests.push(request)
    requests.splice(0, Math.max(0, requests.length - limit))
    try {
      const response = await original(input, init)
      request.status = response.status
      return response
    } catch (error) {
      request.status = 0
      throw error
    } finally {
      request.end = now()
    }
  }
  return { requests }
}
