-- One delivery of one message, every clause it breaks, atomically; all keys carry the author's
-- hash tag. KEYS[1]: the delivery's claim; then per clause: the author's warnings under it, its
-- nudge window, and one claim per rule that fired. ARGV: now ms, count window ms, claim ttl ms,
-- nudge window ms, the warning's member, the delivery claim's ttl ms, then per clause the
-- number of its rules. Returns {-1} for a re-delivery, else {new, count, may_nudge} per clause.
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[6]) then return {-1} end
local now = tonumber(ARGV[1])
local out = {}
local k = 2
for g = 7, #ARGV do
  local rules = tonumber(ARGV[g])
  local warn, window = KEYS[k], KEYS[k + 1]
  local fresh = 0
  for i = k + 2, k + 1 + rules do
    if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[3]) then fresh = 1 end
  end
  k = k + 2 + rules
  local new, count, nudge = 0, 0, 0
  if fresh == 1 then
    redis.call('ZREMRANGEBYSCORE', warn, '-inf', now - tonumber(ARGV[2]))
    local added = redis.call('ZADD', warn, now, ARGV[5])
    redis.call('PEXPIRE', warn, ARGV[2])
    count = redis.call('ZCARD', warn)
    if added == 1 then
      new = 1
      nudge = 1
      if tonumber(ARGV[4]) > 0 and not redis.call('SET', window, '1', 'NX', 'PX', ARGV[4]) then
        nudge = 0
      end
    end
  end
  out[#out + 1] = new
  out[#out + 1] = count
  out[#out + 1] = nudge
end
return out
