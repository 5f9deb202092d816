-- set_status.lua: writes a status (replacing the previous one) with a TTL and publishes it on
-- the queue's st channel.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] status code   ARGV[5] at (ms)
-- ARGV[6] TTL (ms)   ARGV[7] error (encoded exception details, empty for none)
-- Returns: 1.
-- Errors: none.
-- @include queue
local err = ARGV[7]
if err == '' then err = nil end
status(ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[2]), tonumber(ARGV[6]), err)
return 1
