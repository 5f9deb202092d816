-- retry.lua: schedules another attempt while the lease holds: counts a retry, records the
-- error, makes the message ready at readyAt (delayed until then), releases the lease and sets
-- RETRYING with the error.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] lease token   ARGV[5] readyAt (ms)
-- ARGV[6] status TTL (ms)   ARGV[7] error (encoded exception details)
-- Returns: 1 APPLIED, 0 LEASE_LOST, 2 REVOKED.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
if not holds(id, ARGV[4], now) then return lost(id, now) end
local mk = mkey(id)
local ra = tonumber(ARGV[5])
unplace(id, 'l', nil)
redis.call('HINCRBY', mk, 'rt', 1)
redis.call('HSET', mk, 'ed', ARGV[7], 'ua', now, 'ra', ra,
  's', live_status(id, 3, now, now, tonumber(ARGV[6]), ARGV[7]))
place(id, redis.call('HGET', mk, 'pr'), ra, now)
return 1
