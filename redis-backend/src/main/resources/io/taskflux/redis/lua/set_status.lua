-- set_status.lua: writes a status (replacing the previous one) with a TTL and publishes it (on
-- the queue's st channel while watched; a FAILED one also on rs). A non-terminal status of a
-- live message goes into its hash, any other into its status key.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] status code   ARGV[5] at (ms)
-- ARGV[6] TTL (ms)   ARGV[7] error (encoded exception details, empty for none)
-- Returns: 1.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id, code, ttl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[6])
local err = ARGV[7]
if err == '' then err = nil end
if code ~= 4 and code ~= 5 and live(id, now) then
  redis.call('HSET', mkey(id), 's', live_status(id, code, ARGV[5], now, ttl, err))
else
  final_status(id, code, ARGV[5], now, ttl, err)
end
return 1
