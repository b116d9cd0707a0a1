-- KEYS: due, then one wait per wait id. ARGV: the wait ids, in KEYS' order.
-- Cancels waits whose chat stopped being a client's: no reminder, no escalation, no answer.
-- Returns how many were still open (a wait answered meanwhile is not counted).
local cancelled = 0
for i, wid in ipairs(ARGV) do
  cancelled = cancelled + redis.call('ZREM', KEYS[1], wid)
  redis.call('DEL', KEYS[i + 1])
end
return cancelled
