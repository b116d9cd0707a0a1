-- KEYS: due. ARGV: now ms, lease ms, limit. Due ids are pushed a lease ahead in the same step,
-- so another replica polling now sees none of them; one whose claimer died comes back after
-- the lease (nothing is lost).
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
end
return ids
