-- find_dead_letter.lua: reads only the dead letter of a message, whether or not a live message
-- with the same id exists.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id
-- Returns: {'x', field, value, ...}, or {} when there is none (or it is past its TTL).
-- Errors: none.
-- @include queue
local x = redis.call('HGETALL', P .. 'x:' .. ARGV[3])
if #x == 0 then return {} end
for i = 1, #x, 2 do
  if x[i] == 'ex' and tonumber(x[i + 1]) <= tonumber(ARGV[2]) then return {} end
end
table.insert(x, 1, 'x')
return x
