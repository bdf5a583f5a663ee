// The Lua scripts of the Redis regional tier (redis-tier.ts). Each runs atomically in Redis, so
// the byte counter, the recency order and the per-distribution index never disagree with the
// entries, whichever node runs them. Every key a script touches starts with the tier's prefix
// (ARGV[1]); nothing else in the Redis (the cluster's control plane) is read, counted or evicted.
//
// Keys, for prefix P:
//   P:e:<id>      the entry's bytes (remote-tier.ts entryBytes), with a PX expiry
//   P:meta        hash id → "<size>\0<dist>\0<key path>"
//   P:lru         sorted set id → use tick (lowest = least recently used)
//   P:exp         sorted set id → expiry (ms, Redis's clock), swept on put
//   P:i:<dist>    sorted set of "<key path>\0<id>", all score 0: lexicographic ranges find an
//                 invalidation path's entries (exact: "<path>\0…"; "prefix*": "prefix…")
//   P:bytes       bytes of all entries;  P:tick  the use counter
//
// Keys are built inside the scripts (not passed as KEYS), which a single Redis allows and Redis
// Cluster does not: the tier runs against one Redis (or a primary with replicas).

/** Removes one entry and everything that refers to it; 1 when it was counted. */
const REMOVE = String.raw`
local P = ARGV[1]
local function remove(id)
  redis.call('DEL', P .. ':e:' .. id)
  redis.call('ZREM', P .. ':lru', id)
  redis.call('ZREM', P .. ':exp', id)
  local meta = redis.call('HGET', P .. ':meta', id)
  if not meta then return 0 end
  redis.call('HDEL', P .. ':meta', id)
  local a = string.find(meta, '\0', 1, true)
  local b = string.find(meta, '\0', a + 1, true)
  local dist = string.sub(meta, a + 1, b - 1)
  local path = string.sub(meta, b + 1)
  redis.call('ZREM', P .. ':i:' .. dist, path .. '\0' .. id)
  redis.call('DECRBY', P .. ':bytes', tonumber(string.sub(meta, 1, a - 1)))
  return 1
end
`;

/** ARGV: prefix, id. The entry's bytes (marked as used), or nil; an entry whose key expired is cleaned up. */
export const GET = String.raw`${REMOVE}
local id = ARGV[2]
local v = redis.call('GET', P .. ':e:' .. id)
if not v then
  remove(id)
  return false
end
redis.call('ZADD', P .. ':lru', 'XX', redis.call('INCR', P .. ':tick'), id)
return v
`;

/**
 * ARGV: prefix, id, dist, key path, bytes, expiry (ms from now), budget (bytes). Sweeps entries
 * past their expiry, replaces the id's entry, then evicts least recently used entries until the
 * new one fits the budget. 1 when stored, 0 when larger than the whole budget.
 */
export const PUT = String.raw`${REMOVE}
local id, dist, path, value = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local px, budget = tonumber(ARGV[6]), tonumber(ARGV[7])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, old in ipairs(redis.call('ZRANGEBYSCORE', P .. ':exp', '-inf', now, 'LIMIT', 0, 100)) do remove(old) end
remove(id)
local size = string.len(value)
if size > budget then return 0 end
local used = tonumber(redis.call('GET', P .. ':bytes') or 0)
while used + size > budget do
  local oldest = redis.call('ZRANGE', P .. ':lru', 0, 0)
  if #oldest == 0 then
    -- Nothing left to evict: the counter is out of step (a key deleted by hand); start it again.
    redis.call('SET', P .. ':bytes', 0)
    break
  end
  remove(oldest[1])
  used = tonumber(redis.call('GET', P .. ':bytes') or 0)
end
redis.call('SET', P .. ':e:' .. id, value, 'PX', px)
redis.call('HSET', P .. ':meta', id, size .. '\0' .. dist .. '\0' .. path)
redis.call('ZADD', P .. ':lru', redis.call('INCR', P .. ':tick'), id)
redis.call('ZADD', P .. ':exp', now + px, id)
redis.call('ZADD', P .. ':i:' .. dist, 0, path .. '\0' .. id)
redis.call('INCRBY', P .. ':bytes', size)
return 1
`;

/** ARGV: prefix, dist, invalidation paths... How many entries went (docs/edge.md §15 matching). */
export const PURGE = String.raw`${REMOVE}
local index = P .. ':i:' .. ARGV[2]
local n = 0
for i = 3, #ARGV do
  local p = ARGV[i]
  local lo, hi
  if string.sub(p, -1) == '*' then
    local prefix = string.sub(p, 1, -2)
    lo, hi = '[' .. prefix, '[' .. prefix .. '\255'
  else
    lo, hi = '[' .. p .. '\0', '[' .. p .. '\0\255'
  end
  for _, m in ipairs(redis.call('ZRANGEBYLEX', index, lo, hi)) do
    n = n + remove(string.sub(m, string.find(m, '\0', 1, true) + 1))
  end
end
return n
`;

/** ARGV: prefix. Removes every entry of the tier (and only the tier's keys). */
export const CLEAR = String.raw`${REMOVE}
for _, id in ipairs(redis.call('HKEYS', P .. ':meta')) do remove(id) end
for _, id in ipairs(redis.call('ZRANGE', P .. ':lru', 0, -1)) do remove(id) end
redis.call('DEL', P .. ':bytes', P .. ':tick', P .. ':exp', P .. ':lru', P .. ':meta')
return 1
`;

/** ARGV: prefix. { entries, bytes }. */
export const USAGE = String.raw`
local P = ARGV[1]
return { redis.call('HLEN', P .. ':meta'), tonumber(redis.call('GET', P .. ':bytes') or 0) }
`;
