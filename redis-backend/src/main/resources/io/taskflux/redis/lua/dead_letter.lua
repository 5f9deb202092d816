-- dead_letter.lua: dead-letters a message without a lease: removes the live message with its id
-- (any state; a lease on it is lost) and keeps the given message as its dead letter for the
-- dead-letter TTL (none when zero), replacing an older one. Statuses are not touched (a live
-- message's status moves from its hash to its status key).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] task   ARGV[5] priority
-- ARGV[6] readyAt (ms)   ARGV[7] maxRetries   ARGV[8] retries   ARGV[9] dead-letter TTL (ms)
-- ARGV[10] payload (the serialized message)
-- Returns: 1 if a live message was removed, else 0.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
local st, k = live(id, now)
if st then
  unplace(id, st, k)
  drop(id)
end
local xk = P .. 'x:' .. id
redis.call('DEL', xk)
local dlttl = tonumber(ARGV[9])
if dlttl > 0 then
  local exp = now + dlttl
  redis.call('HSET', xk, 'p', ARGV[10], 't', ARGV[4], 'pr', ARGV[5], 'ra', ARGV[6], 'mr', ARGV[7],
    'rt', ARGV[8], 'ex', exp)
  redis.call('PEXPIREAT', xk, exp)
  redis.call('ZADD', DEAD, exp, id)
else
  redis.call('ZREM', DEAD, id)
end
if st then return 1 end
return 0
