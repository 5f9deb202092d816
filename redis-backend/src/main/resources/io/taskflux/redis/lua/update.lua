-- update.lua: replaces the content of a live message or dead letter, keeping its state, lease
-- and expiry; a waiting message is re-placed by its new priority and readyAt (a ready one keeps
-- its FIFO position among equal priorities).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] task   ARGV[5] priority
-- ARGV[6] readyAt (ms)   ARGV[7] maxRetries   ARGV[8] retries   ARGV[9] payload
-- Returns: 1 replaced, 0 nothing stored with that id.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
local pr, ra = tonumber(ARGV[5]), tonumber(ARGV[6])
local function rewrite(key)
  redis.call('HSET', key, 'p', ARGV[9], 't', ARGV[4], 'pr', pr, 'ra', ra, 'mr', ARGV[7], 'rt', ARGV[8])
  redis.call('HDEL', key, 'ua', 'ed')
end
local st, k = live(id, now)
if st then
  rewrite(mkey(id))
  if st == 'r' and ra <= now then
    redis.call('ZADD', READY, pr, k)
  elseif st == 'r' or st == 'd' then
    unplace(id, st, k)
    place(id, pr, ra, now)
  end
  return 1
end
local xk = P .. 'x:' .. id
local ex = redis.call('HGET', xk, 'ex')
if ex and tonumber(ex) > now then
  rewrite(xk)
  return 1
end
return 0
