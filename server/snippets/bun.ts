// Bun (bun run server.ts) reads .env itself; the handler reads process.env.
import { createBirthdayHandler } from 'birthday-editor/server'

const handler = createBirthdayHandler({ path: '/api/update-user-metadata' })

export default { port: 8787, fetch: (request: Request) => handler(request) }
