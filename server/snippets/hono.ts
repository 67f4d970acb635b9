import { Hono } from 'hono'
import { createBirthdayHandler } from 'birthday-editor/server'

const handler = createBirthdayHandler()
const app = new Hono()

// c.env: the Worker's bindings when Hono runs on Cloudflare; process.env elsewhere.
app.all('/api/update-user-metadata', (c) => handler(c.req.raw, c.env))

export default app
