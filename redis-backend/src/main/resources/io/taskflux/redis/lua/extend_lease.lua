-- extend_lease.lua: extends a lease to now + extension while it still holds.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] lease token   ARGV[5] extension (ms)
-- Returns: the new expiry (ms), or 0 when the lease was lost.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
if not holds(id, ARGV[4], now) then return 0 end
local le = now + tonumber(ARGV[5])
redis.call('HSET', mkey(id), 'le', le)
redis.call('ZADD', LEASED, le, id)
return le
