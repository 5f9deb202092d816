-- delete_status.lua: deletes a status (from the live message's hash and from the status key).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id
-- Returns: 1 if a status (not past its TTL) was stored, else 0.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local mk, sk = mkey(ARGV[3]), skey(ARGV[3])
local n = 0
local h = redis.call('HGET', mk, 's')
if h then
  redis.call('HDEL', mk, 's')
  if status_expiry(h) > now then n = 1 end
end
local s = redis.call('GET', sk)
if s then
  redis.call('DEL', sk)
  if status_expiry(s) > now then n = 1 end
end
return n
