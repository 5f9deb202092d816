-- find.lua: reads a message: the live one if any, else its dead letter.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id
-- Returns: {'m', field, value, ...} for a live message, {'x', field, value, ...} for a dead
-- letter, {} when neither is stored (or both are past their TTL).
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
if live(id, now) then
  local out = redis.call('HGETALL', mkey(id))
  table.insert(out, 1, 'm')
  return out
end
local x = redis.call('HGETALL', P .. 'x:' .. id)
if #x == 0 then return {} end
for i = 1, #x, 2 do
  if x[i] == 'ex' and tonumber(x[i + 1]) <= now then return {} end
end
table.insert(x, 1, 'x')
return x
