-- get_status.lua: reads the status of a message: the newer (higher version) of the one in its
-- live hash and the one in its status key, if not past its TTL.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id
-- Returns: the status value (version|code|at|expiry|error), or nil when there is none; a value
--   that is not a status (written by hand) is returned as it is, for the client to report.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local best, best_version = false, -1
local found = {redis.call('HGET', mkey(ARGV[3]), 's'), redis.call('GET', skey(ARGV[3]))}
for i = 1, 2 do
  local v = found[i]
  if v then
    local version = tonumber(string.match(v, '^(%d+)|'))
    local exp = tonumber(string.match(v, '^%d+|%d+|%d+|(%d+)|'))
    if not version or not exp then return v end
    if exp > now and version > best_version then
      best, best_version = v, version
    end
  end
end
return best
