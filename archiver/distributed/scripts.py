"""Lua scripts that make each step of the Redis hand-offs atomic (run with EVALSHA by redis-py).

Deadlines use the Redis server's clock (TIME), so workers on machines with skewed clocks agree.
"""

# KEYS: requests, leases. ARGV: lease seconds. Pops the best request and leases it in one step.
POP_AND_LEASE = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0)
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], redis.call('TIME')[1] + tonumber(ARGV[1]), top[1])
return top[1]
"""

# KEYS: leases, lease_urls. ARGV: url, request. A retry or re-queue of the same URL supersedes
# the older lease, so that one result releases it.
CLAIM_URL = """
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old and old ~= ARGV[2] then redis.call('ZREM', KEYS[1], old) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
"""

# KEYS: leases, lease_urls. ARGV: urls. Releases the leases of these URLs.
RELEASE_URLS = """
for i = 1, #ARGV do
  local d = redis.call('HGET', KEYS[2], ARGV[i])
  if d then redis.call('ZREM', KEYS[1], d); redis.call('HDEL', KEYS[2], ARGV[i]) end
end
"""

# KEYS: dupefilter, requests, results, leases, lease_urls.
# ARGV: result, number of URLs n, n URLs to release, then fingerprint/request pairs to enqueue.
# The result, the requests its page leads to and the release of its lease happen together:
# a worker killed before this keeps its lease (the page comes back), after it has lost nothing.
HAND_OVER = """
local n = tonumber(ARGV[2])
for i = 3, 2 + n do
  local d = redis.call('HGET', KEYS[5], ARGV[i])
  if d then redis.call('ZREM', KEYS[4], d); redis.call('HDEL', KEYS[5], ARGV[i]) end
end
for i = 3 + n, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then redis.call('ZADD', KEYS[2], 0, ARGV[i + 1]) end
end
redis.call('LPUSH', KEYS[3], ARGV[1])
return 1
"""

# KEYS: leases, requests, attempts, lost. ARGV: max attempts. Gives expired leases back to the
# queue (a killed or stuck worker's requests); a request that keeps expiring goes to `lost`.
REQUEUE_EXPIRED = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', redis.call('TIME')[1], 'LIMIT', 0, 1000)
for _, d in ipairs(expired) do
  redis.call('ZREM', KEYS[1], d)
  if redis.call('HINCRBY', KEYS[3], d, 1) <= tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[2], 0, d)
  else
    redis.call('RPUSH', KEYS[4], d)
  end
end
return #expired
"""
