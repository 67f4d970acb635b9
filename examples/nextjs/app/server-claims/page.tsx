import { auth } from '@clerk/nextjs/server'

export const dynamic = 'force-dynamic'

/** What the server sees: `auth()` reads the session token of this very request (cookie). */
export default async function ServerClaimsPage() {
  const { userId, sessionClaims } = await auth()
  const birthday = typeof sessionClaims?.birthday === 'string' ? sessionClaims.birthday : 'none'
  return (
    <section>
      <h1>Server-side read</h1>
      <p>
        User: <output data-testid="server-user">{userId ?? 'signed out'}</output>
      </p>
      <p>
        Birthday claim: <output data-testid="server-birthday">{birthday}</output>
      </p>
    </section>
  )
}
