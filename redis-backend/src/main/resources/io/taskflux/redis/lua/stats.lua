-- stats.lua: how many messages a queue holds in each state (dead letters past their TTL are
-- dropped from the index first).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)
-- Returns: {ready, delayed, leased, dead letters}
-- Errors: none.
-- @include queue
redis.call('ZREMRANGEBYSCORE', DEAD, '-inf', ARGV[2])
return {redis.call('ZCARD', READY), redis.call('ZCARD', DELAYED), redis.call('ZCARD', LEASED),
  redis.call('ZCARD', DEAD)}
