// The README's Next.js edge route (server/snippets/nextjs-edge-route.ts), as written but at
// app/api/birthday-edge/route.ts; built by the same next build as the rest (cacheComponents off).
import { createBirthdayHandler } from 'birthday-editor/server'

export const runtime = 'edge'

const handler = createBirthdayHandler()

export { handler as GET, handler as POST, handler as OPTIONS }
