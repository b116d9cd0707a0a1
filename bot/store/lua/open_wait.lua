-- KEYS: due, wait. ARGV: wait id, due ms, ttl ms, then field/value pairs. An open wait is kept
-- as it is (the first question sets the clock); returns 1 when a wait was opened.
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[2], 'stage', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
-- the due set outlives its longest wait: extend its TTL, never shorten it
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
