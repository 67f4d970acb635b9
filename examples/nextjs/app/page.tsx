import Link from 'next/link'

export default function Home() {
  return (
    <>
      <h1>Force a session token refresh</h1>
      <p>
        The app of Clerk&apos;s docs page: <Link href="/user-profile">its page</Link> saves a
        birthday through <code>/api/update-user-metadata</code> and refreshes the session token;{' '}
        <Link href="/element">the element page</Link> does the same with{' '}
        <code>&lt;birthday-editor&gt;</code>.
      </p>
    </>
  )
}
