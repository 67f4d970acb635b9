/**
 * Webhooks as Clerk sends them through Svix: each event `{ data, object: 'event', type, timestamp,
 * instance_id, event_attributes }` is POSTed as JSON to every registered endpoint, signed with the
 * instance's `whsec_…` secret (`svix-id`, `svix-timestamp`, `svix-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`), so `verifyWebhook` from `@clerk/backend/webhooks` accepts it.
 *
 * Delivery starts after the write that caused the event (the handler emits once it has persisted),
 * never blocks the response, and keeps each user's events in order: one queue per user, an event's
 * retries holding back that user's later events. A failed attempt (a non-2xx answer, a network error or
 * no answer within the timeout) is retried on Svix's schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 10 h), which tests shorten. Every attempt is logged; an event can be sent again (replay).
 */

import { fromBase64, randomBase62, randomId, toBase64, utf8 } from './encoding.ts'

/** Svix's retry schedule after the first attempt. */
export const SVIX_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
]
/** Svix gives an endpoint 15 s to answer. */
export const DELIVERY_TIMEOUT_MS = 15_000
/** How many events and attempts the logs keep (oldest dropped first). */
const LOG_LIMIT = 1000

export type WebhookEventType =
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'session.created'
  | 'session.ended'
  | 'session.removed'
  | 'session.revoked'
  | 'email.created'

export interface WebhookEvent {
  /** The Svix message id (`svix-id`), the same for every attempt and replay. */
  id: string
  type: WebhookEventType
  /** What events of one user share: their order is kept. */
  orderKey: string
  body: string
  createdAt: number
}

export interface DeliveryAttempt {
  eventId: string
  type: WebhookEventType
  endpoint: string
  /** 1 for the first attempt. */
  attempt: number
  /** The endpoint's HTTP status, or null when it did not answer (network error, timeout). */
  status: number | null
  ok: boolean
  error: string | null
  at: number
  replay: boolean
}

export interface WebhookOptions {
  /** `whsec_` + base64 of the key; default: generated. */
  secret?: string
  endpoints?: readonly string[]
  /** Delays before each retry; default Svix's (`SVIX_RETRY_SCHEDULE_MS`). `[]`: no retries. */
  retryScheduleMs?: readonly number[]
  /** Default 15 000. */
  timeoutMs?: number
}

/** A new signing secret: `whsec_` and 24 random bytes in base64, as Svix makes them. */
export function generateWebhookSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`
}

export function isWebhookSecret(secret: string): boolean {
  return /^whsec_[A-Za-z0-9+/]{16,}={0,2}$/.test(secret)
}

/** The `svix-signature` value for a message: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export async function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase64(secret.slice('whsec_'.length)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = await crypto.subtle.sign('HMAC', key, utf8(`${id}.${timestampSeconds}.${body}`))
  return `v1,${toBase64(new Uint8Array(mac))}`
}

export class Webhooks {
  readonly secret: string
  readonly instanceId: string
  readonly #initialEndpoints: readonly string[]
  readonly endpoints: Set<string>
  readonly #retryScheduleMs: readonly number[]
  readonly #timeoutMs: number
  readonly #now: () => number
  readonly events: WebhookEvent[] = []
  readonly deliveries: DeliveryAttempt[] = []
  /** Per order key, the tail of its queue. */
  readonly #queues = new Map<string, Promise<void>>()
  /** Bumped by `reset()`: queued work of an older generation is dropped. */
  #generation = 0

  constructor(options: WebhookOptions, now: () => number) {
    this.secret = options.secret ?? generateWebhookSecret()
    if (!isWebhookSecret(this.secret)) {
      throw new Error('the webhook signing secret must be whsec_ followed by base64')
    }
    this.instanceId = `ins_${randomBase62(27)}`
    for (const endpoint of options.endpoints ?? []) checkEndpoint(endpoint)
    this.#initialEndpoints = [...(options.endpoints ?? [])]
    this.endpoints = new Set(this.#initialEndpoints)
    this.#retryScheduleMs = options.retryScheduleMs ?? SVIX_RETRY_SCHEDULE_MS
    this.#timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS
    this.#now = now
  }

  /**
   * Queues an event for every endpoint (none registered: it is still logged, for replay once one is).
   * `orderKey` is the user the event is about.
   */
  emit(
    type: WebhookEventType,
    data: unknown,
    orderKey: string,
    request: Request | null = null,
  ): WebhookEvent {
    const timestamp = this.#now()
    const body = JSON.stringify({
      data,
      event_attributes: {
        http_request: {
          client_ip: request?.headers.get('X-Forwarded-For')?.split(',')[0]?.trim() ?? '',
          user_agent: request?.headers.get('User-Agent') ?? '',
        },
      },
      instance_id: this.instanceId,
      object: 'event',
      timestamp,
      type,
    })
    const event: WebhookEvent = { id: randomId('msg'), type, orderKey, body, createdAt: timestamp }
    pushBounded(this.events, event)
    this.#enqueue(event, [...this.endpoints], false)
    return event
  }

  /** Sends a logged event again to every current endpoint; null when the log has no such event. */
  replay(eventId: string): WebhookEvent | null {
    const event = this.events.find((candidate) => candidate.id === eventId)
    if (!event) return null
    this.#enqueue(event, [...this.endpoints], true)
    return event
  }

  addEndpoint(url: string): void {
    checkEndpoint(url)
    this.endpoints.add(url)
  }

  /** Resolves when every queued delivery (retries included) has finished. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values())
  }

  /** Back to the endpoints given at start, with empty logs; pending deliveries are dropped. */
  reset(): void {
    this.#generation += 1
    this.endpoints.clear()
    for (const endpoint of this.#initialEndpoints) this.endpoints.add(endpoint)
    this.events.length = 0
    this.deliveries.length = 0
  }

  #enqueue(event: WebhookEvent, endpoints: string[], replay: boolean): void {
    if (endpoints.length === 0) return
    const generation = this.#generation
    const previous = this.#queues.get(event.orderKey) ?? Promise.resolve()
    // A macrotask first: the response that caused the event goes out before its delivery starts.
    const next = previous
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
      .then(() =>
        Promise.all(
          endpoints.map((endpoint) => this.#deliver(event, endpoint, replay, generation)),
        ),
      )
      .then(() => undefined)
    this.#queues.set(event.orderKey, next)
    void next.finally(() => {
      if (this.#queues.get(event.orderKey) === next) this.#queues.delete(event.orderKey)
    })
  }

  async #deliver(
    event: WebhookEvent,
    endpoint: string,
    replay: boolean,
    generation: number,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      if (generation !== this.#generation) return
      const result = await this.#attempt(event, endpoint)
      if (generation !== this.#generation) return
      pushBounded(this.deliveries, {
        eventId: event.id,
        type: event.type,
        endpoint,
        attempt,
        ...result,
        at: this.#now(),
        replay,
      })
      const delay = this.#retryScheduleMs[attempt - 1]
      if (result.ok || delay === undefined) return
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }

  async #attempt(
    event: WebhookEvent,
    endpoint: string,
  ): Promise<{ status: number | null; ok: boolean; error: string | null }> {
    const timestamp = Math.floor(this.#now() / 1000)
    const signature = await signWebhook(this.secret, event.id, timestamp, event.body)
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'svix-id': event.id,
          'svix-timestamp': String(timestamp),
          'svix-signature': signature,
          'User-Agent': 'Svix-Webhooks/1.0 (clerk emulator)',
        },
        body: event.body,
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'manual',
      })
      await response.body?.cancel()
      const ok = response.status >= 200 && response.status < 300
      return { status: response.status, ok, error: ok ? null : `HTTP ${response.status}` }
    } catch (error) {
      const name = (error as Error).name
      const message =
        name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : String(error)
      return { status: null, ok: false, error: message }
    }
  }
}

function checkEndpoint(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`webhook endpoint is not a URL: ${url}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`webhook endpoint must be http or https: ${url}`)
  }
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item)
  if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT)
}
