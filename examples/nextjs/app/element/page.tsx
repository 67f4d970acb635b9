'use client'

import { useAuth } from '@clerk/nextjs'
import { useEffect, useState } from 'react'
import type {} from 'birthday-editor/react'

/**
 * `<birthday-editor>` against the docs' route: it posts `{ birthday }` with the session token as Bearer
 * (which `auth()` accepts), ignores the `{ success: true }` body, refreshes the token and checks the
 * claim. It uses the page's ClerkJS (`window.Clerk`), so it is rendered once Clerk has loaded.
 */
export default function ElementPage() {
  const { isLoaded } = useAuth()
  const [defined, setDefined] = useState(false)

  useEffect(() => {
    void import('birthday-editor/define').then(() => setDefined(true))
  }, [])

  if (!isLoaded || !defined) return <p>Loading…</p>
  return (
    <section>
      <h1>Your birthday, with the element</h1>
      <birthday-editor endpoint="/api/update-user-metadata" refresh="token" />
    </section>
  )
}
