'use client'

import { useAuth } from '@clerk/nextjs'
import { useEffect, useState } from 'react'
import type {} from 'birthday-editor/react'

/**
 * `<birthday-editor>` against the package's own handler, mounted by the README's Next.js route at
 * `/api/birthday` with no `ALLOWED_ORIGINS`: the page is on the route's own origin.
 */
export default function HandlerPage() {
  const { isLoaded } = useAuth()
  const [defined, setDefined] = useState(false)

  useEffect(() => {
    void import('birthday-editor/define').then(() => setDefined(true))
  }, [])

  if (!isLoaded || !defined) return <p>Loading…</p>
  return (
    <section>
      <h1>Your birthday, with the element and the package's handler</h1>
      <birthday-editor endpoint="/api/birthday" refresh="token" />
    </section>
  )
}
