import { describe, expect, it } from 'vitest'
import { lastSave, layoutTimeline, ticks, whatItIs, type WireRequest } from './wire-timeline.ts'

const PAGE = 'http://localhost:5173'
const ENDPOINT = `${PAGE}/api/update-user-metadata`
const MINT = `${PAGE}/__clerk/v1/client/sessions/sess_1/tokens?debug=skip_cache&_clerk_js_version=6`

const request = (method: string, url: string, start: number, end?: number, status?: number) =>
  ({
    method,
    url,
    start,
    ...(end === undefined ? {} : { end }),
    ...(status === undefined ? {} : { status }),
  }) satisfies WireRequest

describe('whatItIs', () => {
  it.each([
    ['POST', ENDPOINT, 'save'],
    ['GET', ENDPOINT, 'read'],
    ['POST', 'http://localhost:4000/api/update-user-metadata', '/api/update-user-metadata'],
    ['POST', MINT, 'token mint'],
    ['POST', 'https://clerk.example.dev/v1/client/sessions/sess_1/tokens', 'token mint'],
    ['GET', `${PAGE}/__clerk/v1/me?_clerk_js_version=6`, 'user reload'],
    ['POST', `${PAGE}/__clerk/v1/client/sessions/sess_1/touch`, 'session touch'],
    ['GET', `${PAGE}/__clerk/v1/client`, 'client'],
    ['POST', `${PAGE}/__clerk/v1/environment?_method=PATCH`, 'environment'],
    ['POST', `${PAGE}/__clerk/v1/client/sign_ins`, '/__clerk/v1/client/sign_ins'],
  ])('%s %s is "%s"', (method, url, what) => {
    expect(whatItIs({ method, url }, ENDPOINT)).toBe(what)
  })

  it('the cross-origin page: the handler on another origin is its endpoint', () => {
    const endpoint = 'http://localhost:4000/api/update-user-metadata'
    expect(whatItIs({ method: 'POST', url: endpoint }, endpoint)).toBe('save')
    expect(whatItIs({ method: 'POST', url: ENDPOINT }, endpoint)).toBe('/api/update-user-metadata')
  })
})

describe('lastSave', () => {
  const earlier = [request('POST', ENDPOINT, 10, 60, 200), request('POST', MINT, 62, 80, 200)]

  it('starts at the first POST to the handler since the previous outcome, with all after it', () => {
    const touch = request('POST', `${PAGE}/__clerk/v1/client/sessions/sess_1/touch`, 150, 170, 200)
    const refused = request('POST', ENDPOINT, 200, 220, 401)
    const mint = request('POST', MINT, 221, 240, 200)
    const retried = request('POST', ENDPOINT, 241, 300, 200)
    const all = [...earlier, touch, retried, refused, mint]
    expect(lastSave(all, ENDPOINT, 100)).toEqual([refused, mint, retried])
  })

  it('a failed POST with no response counts, and so does one still pending', () => {
    const failed = request('POST', ENDPOINT, 200, 201, 0)
    expect(lastSave([...earlier, failed], ENDPOINT, 100)).toEqual([failed])
    const pending = request('POST', ENDPOINT, 300)
    expect(lastSave([...earlier, failed, pending], ENDPOINT, 250)).toEqual([pending])
  })

  it('is empty when the save sent nothing (offline), rather than showing an older save', () => {
    expect(lastSave(earlier, ENDPOINT, 100)).toEqual([])
    expect(lastSave([], ENDPOINT, 0)).toEqual([])
  })
})

describe('layoutTimeline', () => {
  it('puts each bar at its start and as wide as its duration, on one axis from the first start', () => {
    const post = request('POST', ENDPOINT, 1000, 1075, 200)
    const mint = request('POST', MINT, 1080, 1100, 200)
    const timeline = layoutTimeline([mint, post], ENDPOINT, 5000)
    expect(timeline.span).toBe(100)
    expect(timeline.ticks).toEqual([0, 20, 40, 60, 80, 100])
    expect(timeline.bars).toEqual([
      {
        request: post,
        label: 'POST save',
        outcome: '200',
        failed: false,
        at: 0,
        duration: 75,
        offset: 0,
        width: 0.75,
      },
      {
        request: mint,
        label: 'POST token mint',
        outcome: '200',
        failed: false,
        at: 80,
        duration: 20,
        offset: 0.8,
        width: 0.2,
      },
    ])
  })

  it('marks error statuses and missing responses as failed; a pending request runs to now', () => {
    const refused = request('POST', ENDPOINT, 0, 40, 503)
    const dropped = request('POST', ENDPOINT, 50, 60, 0)
    const pending = request('GET', `${PAGE}/__clerk/v1/me`, 70)
    const timeline = layoutTimeline([refused, dropped, pending], ENDPOINT, 200)
    expect(timeline.span).toBe(200)
    expect(
      timeline.bars.map(({ label, outcome, failed, offset, width }) => ({
        label,
        outcome,
        failed,
        offset,
        width,
      })),
    ).toEqual([
      { label: 'POST save', outcome: '503', failed: true, offset: 0, width: 0.2 },
      { label: 'POST save', outcome: 'no response', failed: true, offset: 0.25, width: 0.05 },
      { label: 'GET user reload', outcome: 'pending', failed: false, offset: 0.35, width: 0.65 },
    ])
  })

  it('an instant request still has an axis (1 ms), and no requests give no bars', () => {
    const instant = request('POST', ENDPOINT, 5, 5, 200)
    expect(layoutTimeline([instant], ENDPOINT, 5)).toMatchObject({
      span: 1,
      bars: [{ offset: 0, width: 0 }],
    })
    expect(layoutTimeline([], ENDPOINT, 5)).toEqual({
      span: 1,
      ticks: [0, 0.2, 0.4, 0.6, 0.8, 1],
      bars: [],
    })
  })
})

describe('ticks', () => {
  it.each([
    [100, [0, 20, 40, 60, 80, 100]],
    [97, [0, 20, 40, 60, 80]],
    [350, [0, 100, 200, 300]],
    [1234, [0, 500, 1000]],
    [12, [0, 5, 10]],
  ])('over %s ms: %j', (span, marks) => {
    expect(ticks(span)).toEqual(marks)
  })
})
