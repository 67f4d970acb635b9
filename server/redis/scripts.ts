/**
 * The Lua scripts of the Redis store. Each runs atomically on the server, so instances never race
 * between a read and a write. Time is the server's (`TIME`), never an instance's clock: instances
 * whose clocks disagree still share one exact window. Keys of one user share a hash tag
 * (`{birthday:<id>}`), so the scripts also run on Redis Cluster.
 */

/**
 * Admit: the sliding-window log of the limiter (a sorted set of request times) and, for a save,
 * the user's write lease in the same round trip.
 *
 * KEYS: the user's log, the user's lease. ARGV: max, windowMs, a unique member for this request,
 * the lease token ('' = take no lease), the lease's ttl in ms.
 * Returns `{ allowed (1|0), retryAfterMs, lease }` where lease is 1 taken, 0 held by someone else,
 * -1 not asked (or refused by the limiter). A refused request is not recorded.
 */
export const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return { 0, tonumber(oldest[2]) + window - now, -1 }
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
if ARGV[4] == '' then return { 1, 0, -1 } end
if redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', ARGV[5]) then return { 1, 0, 1 } end
return { 1, 0, 0 }
`

/**
 * Take the lease: `SET NX PX`, and when it is held, how long it has left.
 * KEYS: the lease. ARGV: token, ttl in ms. Returns `{ 1, 0 }` taken, `{ 0, pttl }` held.
 */
export const TAKE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return { 1, 0 } end
return { 0, redis.call('PTTL', KEYS[1]) }
`

/**
 * Release the lease only if this token still holds it (compare-and-delete), and tell the waiting
 * instances (`PUBLISH` of the lease key). A lease that expired and was taken by another save is
 * left alone. KEYS: the lease. ARGV: token, channel. Returns 1 released, 0 not the holder.
 */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], KEYS[1])
  return 1
end
return 0
`
