import { ClerkProvider, Show, SignInButton, UserButton } from '@clerk/nextjs'
import Link from 'next/link'
import type { ReactNode } from 'react'

export const metadata = { title: 'Birthday — Clerk docs example' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <ClerkProvider>
      <html lang="en">
        <body style={{ fontFamily: 'system-ui, sans-serif', margin: '1rem' }}>
          <header style={{ display: 'flex', gap: '1rem', alignItems: 'center' }}>
            <Link href="/">Home</Link>
            <Link href="/user-profile">Docs page</Link>
            <Link href="/element">Element page</Link>
            <Link href="/server-claims">Server read</Link>
            <span style={{ marginLeft: 'auto' }}>
              <Show when="signed-out">
                <SignInButton mode="redirect" />
              </Show>
              <Show when="signed-in">
                <UserButton />
              </Show>
            </span>
          </header>
          <main>{children}</main>
        </body>
      </html>
    </ClerkProvider>
  )
}
