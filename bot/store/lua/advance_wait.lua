-- KEYS: due, wait. ARGV: wait id, stage done, next due ms (-1: no further step), ttl ms.
-- Marks a stage done once; a wait closed meanwhile just leaves the due set.
local stage = redis.call('HGET', KEYS[2], 'stage')
if not stage then redis.call('ZREM', KEYS[1], ARGV[1]) return 0 end
if tonumber(stage) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], 'stage', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if tonumber(ARGV[3]) < 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
  end
end
return 1
