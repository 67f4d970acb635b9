// Cloudflare Workers: the settings come from the Worker's bindings (wrangler vars and secrets).
import { createBirthdayHandler } from 'birthday-editor/server'

export default { fetch: createBirthdayHandler() }
