-- acquire_lock.lua: takes a named lock for an owner if it is free or expired.
-- KEYS: 1
-- KEYS[1] the lock (STRING "expiry|owner", its own {ns:lock:name} hash tag)
-- ARGV[1] now (ms)   ARGV[2] owner   ARGV[3] TTL (ms)
-- Returns: 1 ACQUIRED, 2 HELD_BY_OWNER, 3 HELD_BY_OTHER.
-- Errors: none.
local now = tonumber(ARGV[1])
local v = redis.call('GET', KEYS[1])
if v then
  local exp, owner = string.match(v, '^(%d+)|(.*)$')
  if tonumber(exp) > now then
    if owner == ARGV[2] then return 2 end
    return 3
  end
end
local exp = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], exp .. '|' .. ARGV[2], 'PXAT', exp)
return 1
