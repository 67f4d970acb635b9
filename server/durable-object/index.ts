/**
 * `birthday-editor/server/durable-object`: the handler's limiter and write lease in a Durable
 * Object per user, shared by every isolate of a Cloudflare Worker. Runtime-neutral code, no import
 * of `cloudflare:workers`.
 */
export { BirthdayStoreObject, type StoreObjectState } from './store-object.ts'
export {
  durableObjectStores,
  durableObjectWorker,
  type DurableObjectStores,
  type StoreNamespace,
} from './stores.ts'
