-- KEYS: the author's held nudges. Returns them, oldest first, and forgets them.
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items
