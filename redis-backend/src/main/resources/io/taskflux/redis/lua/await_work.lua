-- await_work.lua: the probe of awaitWork: is anything claimable now, when does the next delayed
-- message become due or the next lease expire, and are wake tokens already waiting?
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix
-- Returns: {ready count, earliest delayed readyAt (ms) or nil, earliest lease expiry or nil,
--   wake tokens waiting (LLEN of the wake list)}
-- Errors: none.
-- @include queue
local d = redis.call('ZRANGE', DELAYED, 0, 0, 'WITHSCORES')
local l = redis.call('ZRANGE', LEASED, 0, 0, 'WITHSCORES')
return {redis.call('ZCARD', READY), d[2] or false, l[2] or false, redis.call('LLEN', WAKE)}
