import { Show, SignIn, UserButton, useAuth, useUser } from '@clerk/react'
import { useState } from 'react'
import 'birthday-editor/define'
import type {} from 'birthday-editor/react'

export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '1rem' }}>
      <header style={{ display: 'flex', justifyContent: 'space-between' }}>
        <h1>Clerk + React</h1>
        <Show when="signed-in">
          <UserButton />
        </Show>
      </header>
      <Show when="signed-out">
        <SignIn routing="hash" />
      </Show>
      <Show when="signed-in">
        <Birthday />
      </Show>
    </main>
  )
}

/**
 * The session token's `birthday` claim, a fresh token on demand (`getToken({ skipCache })`), and
 * `<birthday-editor>` to change it. The element finds the `window.Clerk` that `<ClerkProvider>` loads
 * and saves to `/api/update-user-metadata` (vite.config.ts). Its fresh token reaches `useAuth()` by
 * itself: ClerkJS tells its listeners when a fetched token differs from the session's last one.
 */
function Birthday() {
  const { user } = useUser()
  const { sessionClaims, getToken } = useAuth()
  const [refreshed, setRefreshed] = useState(false)
  const [lastSave, setLastSave] = useState<string>()
  const birthday = typeof sessionClaims?.birthday === 'string' ? sessionClaims.birthday : 'none'
  return (
    <section>
      <p>
        Signed in as <output data-testid="email">{user?.primaryEmailAddress?.emailAddress}</output>
      </p>
      <p>
        Birthday claim: <output data-testid="birthday">{birthday}</output>
      </p>
      <button
        type="button"
        onClick={() => void getToken({ skipCache: true }).then(() => setRefreshed(true))}
      >
        Refresh the session token
      </button>
      {refreshed && <p>Token refreshed.</p>}
      <birthday-editor
        onbirthday-editor-saved={(event) =>
          setLastSave(
            `${event.birthday ?? 'removed'}, ${event.verified ? 'verified' : 'unverified'}`,
          )
        }
      />
      {lastSave && (
        <p>
          Last save: <output data-testid="last-save">{lastSave}</output>
        </p>
      )}
    </section>
  )
}
