// The README's Next.js route (server/snippets/nextjs-route.ts), as written but at app/api/birthday/route.ts;
// no ALLOWED_ORIGINS is set: the page calling it is on its own origin.
import { createBirthdayHandler } from 'birthday-editor/server'

const handler = createBirthdayHandler()

export { handler as GET, handler as POST, handler as OPTIONS }
