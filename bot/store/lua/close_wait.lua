-- KEYS: due, wait, the chat's last staff speaker. ARGV: wait id, staff user, last ttl ms.
-- Returns the closed wait's fields (flat), or an empty list when none was open.
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 then return {} end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return fields
