-- delete_result.lua: deletes a result.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id
-- Returns: 1 if a result (not past its TTL) was stored, else 0.
-- Errors: none.
-- @include queue
local key = P .. 'r:' .. ARGV[3]
local s = redis.call('GET', key)
if not s then return 0 end
redis.call('DEL', key)
if tonumber(string.match(s, '^%d+|(%d+)|')) > tonumber(ARGV[2]) then return 1 end
return 0
