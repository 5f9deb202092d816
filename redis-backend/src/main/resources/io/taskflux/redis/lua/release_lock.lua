-- release_lock.lua: releases a lock only if the owner holds it, and publishes its name on the
-- lock's own channel (same hash tag as the lock) so awaitLockFree callers wake.
-- KEYS: 1
-- KEYS[1] the lock (STRING "expiry|owner")
-- ARGV[1] now (ms)   ARGV[2] owner   ARGV[3] the lock's channel   ARGV[4] lock name
-- Returns: 1 released, 0 free or held by another owner.
-- Errors: none.
-- @include publish
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local exp, owner = string.match(v, '^(%d+)|(.*)$')
if tonumber(exp) <= tonumber(ARGV[1]) or owner ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
notify(ARGV[3], ARGV[4])
return 1
