-- fail.lua: ends a message for good while the lease holds: removes it, keeps it as a dead
-- letter with the error for the dead-letter TTL (none when zero) and sets FAILED.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] lease token
-- ARGV[5] status TTL (ms)   ARGV[6] dead-letter TTL (ms, 0 keeps none)   ARGV[7] error
-- Returns: 1 APPLIED, 0 LEASE_LOST, 2 REVOKED.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
if not holds(id, ARGV[4], now) then return lost(id, now) end
unplace(id, 'l', nil)
dead_letter(id, ARGV[7], now, tonumber(ARGV[6]))
final_status(id, 4, now, now, tonumber(ARGV[5]), ARGV[7])
return 1
