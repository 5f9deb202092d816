-- list.lua: a page of a queue's messages in one state: ready in claim order, delayed by
-- readyAt, leased by lease expiry, dead letters by expiry (oldest first under one TTL).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] state (r, d, l or x)   ARGV[4] offset
-- ARGV[5] limit
-- Returns: {{state, field, value, ...}, ...} one hash per message still stored.
-- Errors: none.
-- @include queue
local now, state = tonumber(ARGV[2]), ARGV[3]
local from = tonumber(ARGV[4])
local to = from + tonumber(ARGV[5]) - 1
local ids
if state == 'r' then
  ids = redis.call('ZRANGE', READY, from, to)
  for j = 1, #ids do ids[j] = string.sub(ids[j], 17) end
elseif state == 'd' then
  ids = redis.call('ZRANGE', DELAYED, from, to)
elseif state == 'l' then
  ids = redis.call('ZRANGE', LEASED, from, to)
else
  redis.call('ZREMRANGEBYSCORE', DEAD, '-inf', now)
  ids = redis.call('ZRANGE', DEAD, from, to)
end
local out = {}
for _, id in ipairs(ids) do
  local h
  if state == 'x' then h = redis.call('HGETALL', P .. 'x:' .. id)
  else h = redis.call('HGETALL', mkey(id)) end
  if #h > 0 then
    table.insert(h, 1, state)
    out[#out + 1] = h
  end
end
return out
