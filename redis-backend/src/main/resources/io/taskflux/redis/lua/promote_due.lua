-- promote_due.lua: moves every delayed message whose readyAt has come to ready, in readyAt
-- order, and wakes awaitWork callers.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)
-- Returns: how many were moved.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local moved = 0
repeat
  local n = promote(now, 1000)
  moved = moved + n
until n < 1000
return moved
