// Cloudflare Workers, every isolate sharing one Durable Object per user (wrangler: bind the class
// as BIRTHDAY_STORE under durable_objects, with a migration that adds it).
import { durableObjectWorker } from 'birthday-editor/server/durable-object'

export { BirthdayStoreObject } from 'birthday-editor/server/durable-object'

export default durableObjectWorker()
