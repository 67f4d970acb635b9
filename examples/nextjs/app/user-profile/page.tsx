'use client'

import { useAuth } from '@clerk/nextjs'
import { useEffect, useState, type FormEvent } from 'react'

type Status = 'idle' | 'saving' | 'saved' | 'failed'

/**
 * The docs' page: the birthday comes from the session token's `birthday` claim; a save posts it to the
 * docs' route, then mints a fresh token (`getToken({ skipCache: true })`) so the claim follows at once.
 */
export default function UserProfilePage() {
  const { isLoaded, userId, sessionClaims, getToken } = useAuth()
  const claim = typeof sessionClaims?.birthday === 'string' ? sessionClaims.birthday : ''
  const [birthday, setBirthday] = useState('')
  const [status, setStatus] = useState<Status>('idle')
  const [problem, setProblem] = useState('')

  // Follow the token: show the claim whenever a new token brings another value.
  useEffect(() => setBirthday(claim), [claim])

  async function save(event: FormEvent) {
    event.preventDefault()
    if (birthday === claim) {
      setProblem('Pick a different birthday first.')
      setStatus('failed')
      return
    }
    setStatus('saving')
    setProblem('')
    try {
      const response = await fetch('/api/update-user-metadata', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ birthday }),
      })
      const body = (await response.json()) as { error?: string }
      if (!response.ok) throw new Error(body.error ?? `The save failed (${response.status})`)
      // The new metadata is in the next token only: mint it now instead of waiting up to 60 s.
      await getToken({ skipCache: true })
      setStatus('saved')
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The save failed')
      setStatus('failed')
    }
  }

  if (!isLoaded) return <p>Loading…</p>
  if (!userId) return <p>Sign in to change your birthday.</p>

  return (
    <section style={{ maxWidth: 420 }}>
      <h1>Your birthday</h1>
      <form onSubmit={save}>
        <label htmlFor="birthday">Birthday (YYYY-MM-DD)</label>{' '}
        <input
          id="birthday"
          type="date"
          value={birthday}
          onChange={(event) => setBirthday(event.target.value)}
        />{' '}
        <button type="submit" disabled={status === 'saving'}>
          {status === 'saving' ? 'Saving…' : 'Save birthday'}
        </button>
      </form>
      <p>
        In the session token: <output data-testid="claim">{claim || 'none'}</output>
      </p>
      {status === 'saved' && <p role="status">Birthday saved.</p>}
      {status === 'failed' && <p role="alert">{problem}</p>}
    </section>
  )
}
