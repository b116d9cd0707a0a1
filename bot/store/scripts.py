"""The Lua scripts of the store: each one atomic, its keys under one hash tag (see keys.py).

Kept apart from `store.py` so that the Python calling them reads in one place; `SCRIPTS` names
each for `RedisStore`, and for the test that checks every script's keys share a Cluster slot.
"""

_RECORD = """
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
"""

_TAKE_HELD = """
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items
"""

_HOLD = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

_RATE = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""

# Attentiveness. KEYS[1] is always the due set; every key carries the `{attn}` tag.
_OPEN_WAIT = """
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
"""

_CLOSE_WAIT = """
-- KEYS: due, wait, the chat's last staff speaker. ARGV: wait id, staff user, last ttl ms.
-- Returns the closed wait's fields (flat), or an empty list when none was open.
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
local fields = redis.call('HGETALL', KEYS[2])
if #fields == 0 then return {} end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
return fields
"""

_CLAIM_DUE = """
-- KEYS: due. ARGV: now ms, lease ms, limit. Due ids are pushed a lease ahead in the same step,
-- so another replica polling now sees none of them; one whose claimer died comes back after
-- the lease (nothing is lost).
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
end
return ids
"""

_ADVANCE_WAIT = """
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
"""

SCRIPTS = {
    "record": _RECORD, "take_held": _TAKE_HELD, "hold": _HOLD, "rate": _RATE,
    "open_wait": _OPEN_WAIT, "close_wait": _CLOSE_WAIT, "claim_due": _CLAIM_DUE,
    "advance_wait": _ADVANCE_WAIT,
}  # fmt: skip
