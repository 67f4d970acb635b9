// app/api/update-user-metadata/route.ts on the Node runtime, every instance sharing one Redis
import { createClient } from 'redis'
import { createBirthdayHandler, type BirthdayHandler } from 'birthday-editor/server'
import { redisStores } from 'birthday-editor/server/redis'

let handler: BirthdayHandler | undefined

// Made at the first request, not at build time: REDIS_URL is read then, like Clerk's keys.
function handle(request: Request): Promise<Response> {
  handler ??= handlerOnRedis()
  return handler(request)
}

function handlerOnRedis(): BirthdayHandler {
  const client = createClient({ url: process.env.REDIS_URL })
  client.on('error', () => undefined) // while Redis is away, saves answer 503; the log says why
  client.connect().catch(() => undefined) // it keeps reconnecting by itself
  const { limiterStore, writeOrderStore } = redisStores(client)
  return createBirthdayHandler({ limiterStore, writeOrderStore })
}

export { handle as GET, handle as POST, handle as OPTIONS }
