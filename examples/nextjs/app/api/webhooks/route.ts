import { verifyWebhook } from '@clerk/nextjs/webhooks'
import type { NextRequest } from 'next/server'

/** The events this server verified, newest last (kept in memory, for the page and the tests). */
const received: { id: string | undefined; type: string; birthday: unknown }[] = []

/**
 * Clerk's documented webhook route: `verifyWebhook(req)` checks the Svix signature with
 * `CLERK_WEBHOOK_SIGNING_SECRET` (the emulator prints it) and answers 400 for anything unverified.
 */
export async function POST(req: NextRequest) {
  try {
    const evt = await verifyWebhook(req)
    const { id } = evt.data as { id?: string }
    const birthday =
      evt.type === 'user.updated' || evt.type === 'user.created'
        ? (evt.data.public_metadata as { birthday?: unknown }).birthday
        : undefined
    console.log(`Received webhook with ID ${id} and event type of ${evt.type}`)
    received.push({ id, type: evt.type, birthday })
    if (received.length > 100) received.shift()
    return new Response('Webhook received', { status: 200 })
  } catch (err) {
    console.error('Error verifying webhook:', err)
    return new Response('Error verifying webhook', { status: 400 })
  }
}

/** The verified events, for a look in the browser (not part of Clerk's route). */
export async function GET() {
  return Response.json({ received })
}
