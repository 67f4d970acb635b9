// app/api/update-user-metadata/route.ts, on the edge runtime
import { createBirthdayHandler } from 'birthday-editor/server'

export const runtime = 'edge'

const handler = createBirthdayHandler()

export { handler as GET, handler as POST, handler as OPTIONS }
