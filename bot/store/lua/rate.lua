-- KEYS: the author's /check count this minute. ARGV: the window ms. Returns the count.
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
