/**
 * Records every Frontend and Backend API response an emulator gives, as its callers received it, for
 * the conformance test: wrap the emulator's fetch with `wrapFetch` (see `startEmulator`). Preflights,
 * the ClerkJS files and the control surface are not Clerk API responses and are left out.
 */
import type { FetchFunction } from '../../../emulator/node/adapter.ts'

export interface CapturedResponse {
  api: 'fapi' | 'bapi'
  /** The effective method (`_method` applied, as Clerk's Frontend API does). */
  method: string
  /** The path as the spec names it: `/v1/…` for the Frontend API, `/users/…` for the Backend API. */
  specPath: string
  status: number
  body: unknown
  /** The flow step that caused it (see `ResponseRecorder.step`). */
  step: string
}

export class ResponseRecorder {
  readonly captured: CapturedResponse[] = []
  #step = 'start'
  readonly #pending = new Set<Promise<void>>()

  /** Names the flow step that the following responses belong to. */
  step(name: string): void {
    this.#step = name
  }

  wrapFetch = (fetch: FetchFunction): FetchFunction => {
    return async (request) => {
      const response = await fetch(request)
      const url = new URL(request.url)
      const path = url.pathname
      if (
        request.method === 'OPTIONS' ||
        path.startsWith('/npm/') ||
        path.startsWith('/__emulator/') ||
        // The Account Portal's HTML pages: not an API, in no spec.
        path === '/sign-in' ||
        path === '/sign-up'
      )
        return response
      const api = path.startsWith('/api/') ? 'bapi' : 'fapi'
      const override = url.searchParams.get('_method')
      const method =
        api === 'fapi' && request.method === 'POST' && override
          ? override.toUpperCase()
          : request.method
      const specPath = api === 'bapi' ? path.replace(/^\/api\/v1/, '') : path
      const step = this.#step
      const copy = response.clone()
      const pending = copy.text().then((text) => {
        this.captured.push({
          api,
          method,
          specPath,
          status: response.status,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
          step,
        })
      })
      this.#pending.add(pending)
      void pending.finally(() => this.#pending.delete(pending))
      return response
    }
  }

  /** Waits until every response body so far has been read. */
  async settled(): Promise<CapturedResponse[]> {
    await Promise.all(this.#pending)
    return this.captured
  }
}
