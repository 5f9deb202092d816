-- remove.lua: removes a live message whatever its state (a lease on it is lost), without
-- dead-lettering it or touching its status or result (the status moves from the message hash
-- to its status key).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id
-- Returns: 1 removed, 0 no live message.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
local st, k = live(id, now)
if not st then return 0 end
unplace(id, st, k)
drop(id)
return 1
