/**
 * `birthday-editor/server/redis`: the handler's limiter and write lease in Redis, shared by every
 * instance (Node pods, serverless functions) that uses the same Redis. Pass a connected client of
 * `redis` (node-redis, an optional peer dependency). Runtime-neutral: no Node import.
 */
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  redisStores,
  type RedisStoreClient,
  type RedisStores,
  type RedisStoresOptions,
} from './store.ts'
export type { RedisSubscriber } from './release-signals.ts'
