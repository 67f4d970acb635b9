// app/api/update-user-metadata/route.ts
import { createBirthdayHandler } from 'birthday-editor/server'

const handler = createBirthdayHandler()

export { handler as GET, handler as POST, handler as OPTIONS }
