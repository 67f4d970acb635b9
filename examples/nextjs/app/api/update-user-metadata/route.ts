import { auth, clerkClient } from '@clerk/nextjs/server'
import { NextResponse } from 'next/server'

/**
 * The docs' route: stores `birthday` in the signed-in user's public metadata. `auth()` accepts the
 * session cookie (the docs' page) and an `Authorization: Bearer` session token (`<birthday-editor>`).
 */
export async function POST(request: Request) {
  const { userId } = await auth()
  if (!userId) {
    return NextResponse.json({ error: 'Unauthorized' }, { status: 401 })
  }
  let birthday: unknown
  try {
    ;({ birthday } = (await request.json()) as { birthday?: unknown })
  } catch {
    return NextResponse.json({ error: 'The body must be JSON' }, { status: 400 })
  }
  const client = await clerkClient()
  await client.users.updateUserMetadata(userId, { publicMetadata: { birthday } })
  return NextResponse.json({ success: true }, { status: 200 })
}
