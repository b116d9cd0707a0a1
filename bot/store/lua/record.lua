-- One delivery of one message, every clause it breaks, atomically; all keys carry the author's
-- hash tag. KEYS[1]: the delivery's claim; then per clause: the author's warnings under it, its
-- nudge window, and one claim per rule that fired. ARGV: now ms, count window ms, claim ttl ms,
-- nudge window ms, the warning's member, the delivery claim's ttl ms, the attempt, then per
-- clause the number of its rules. Returns {-1} for a re-delivery, else {new, count, may_nudge}
-- per clause.
-- The attempt names one accepted delivery: recording it again (a reply lost with the connection,
-- then a retry or a flush of the buffer) gives back what the first run gave, so its nudge still
-- goes; another delivery of the same event has another attempt and is a re-delivery.
-- Every key is checked before the first write: a script that failed half-way would leave its
-- claims behind, and the retry would drop the message as a re-delivery, never counted.
local k = 2
local function refuse(key) return redis.error_reply('WRONGTYPE kodeks record: ' .. key) end
local function plain(key)
  local kind = redis.call('TYPE', key).ok
  return kind == 'none' or kind == 'string'
end
if not plain(KEYS[1]) then return refuse(KEYS[1]) end
for g = 8, #ARGV do
  local kind = redis.call('TYPE', KEYS[k]).ok
  if kind ~= 'none' and kind ~= 'zset' then return refuse(KEYS[k]) end
  for i = k + 1, k + 1 + tonumber(ARGV[g]) do
    if not plain(KEYS[i]) then return refuse(KEYS[i]) end
  end
  k = k + 2 + tonumber(ARGV[g])
end
local mine = ARGV[7] .. '|'
if not redis.call('SET', KEYS[1], mine, 'NX', 'PX', ARGV[6]) then
  local held = redis.call('GET', KEYS[1])
  if not held or string.sub(held, 1, #mine) ~= mine then return {-1} end
  local again = {}
  for n in string.gmatch(string.sub(held, #mine + 1), '[^,]+') do again[#again + 1] = tonumber(n) end
  return again
end
local now = tonumber(ARGV[1])
local out = {}
k = 2
for g = 8, #ARGV do
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
redis.call('SET', KEYS[1], mine .. table.concat(out, ','), 'PX', ARGV[6])
return out
