-- set_result.lua: stores a result with a TTL (with if-absent, an existing one is kept) and
-- publishes it on the queue's rs channel.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] TTL (ms)   ARGV[5] if absent (1/0)
-- ARGV[6] value bytes
-- Returns: 1 written, 0 kept the existing one.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
local rk = P .. 'r:' .. id
if ARGV[5] == '1' then
  local cur = redis.call('GET', rk)
  -- A value that is not a result (written by hand) counts as absent.
  local cexp = cur and tonumber(string.match(cur, '^%d+|(%d+)|'))
  if cexp and cexp > now then return 0 end
end
local exp = now + tonumber(ARGV[4])
local v = now .. '|' .. exp .. '|' .. ARGV[6]
redis.call('SET', rk, v, 'PXAT', exp)
notify(P .. 'rs', #id .. ':' .. id .. v)
return 1
