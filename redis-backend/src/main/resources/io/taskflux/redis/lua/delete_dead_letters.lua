-- delete_dead_letters.lua: deletes dead letters of one queue: those with the given ids, or every
-- one of them when no id is given (a purge). Live messages, statuses and results stay.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3..] ids (none: every dead letter of the queue)
-- Returns: how many dead letters were deleted (one past its TTL does not count).
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local ids = {}
if #ARGV > 2 then
  for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
else
  ids = redis.call('ZRANGE', DEAD, 0, -1)
end
local n = 0
for _, id in ipairs(ids) do
  local expiry = redis.call('ZSCORE', DEAD, id)
  if expiry then
    redis.call('ZREM', DEAD, id)
    if tonumber(expiry) > now then n = n + 1 end
  end
  redis.call('DEL', P .. 'x:' .. id)
end
return n
