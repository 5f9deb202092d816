-- release_lock.lua: releases a lock only if the owner holds it, and publishes its name on the
-- namespace's lock channel so awaitLockFree callers wake.
-- KEYS: 1
-- KEYS[1] the lock (STRING "expiry|owner")
-- ARGV[1] now (ms)   ARGV[2] owner   ARGV[3] lock channel   ARGV[4] lock name
-- Returns: 1 released, 0 free or held by another owner.
-- Errors: none.
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local exp, owner = string.match(v, '^(%d+)|(.*)$')
if tonumber(exp) <= tonumber(ARGV[1]) or owner ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
