-- enqueue.lua: stores a message only if no live message with its id exists, as ready or
-- delayed by its readyAt, writes SUBMITTED and wakes awaitWork callers.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)        ARGV[3] id          ARGV[4] task
-- ARGV[5] priority     ARGV[6] readyAt (ms)    ARGV[7] maxRetries  ARGV[8] retries
-- ARGV[9] message TTL (ms)   ARGV[10] status TTL (ms)   ARGV[11] capacity (0 = unbounded)
-- ARGV[12] payload (the serialized message)
-- Returns: 1 stored (or stored before by this very request, see below), 0 a live message with
-- that id exists (nothing changed).
-- Errors: TFX_CAPACITY when the queue already holds `capacity` live messages.
--
-- A request older than the id's status (written after ARGV[2]) is a replay and changes nothing
-- (see replayed in includes/queue.lua).
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
if live(id, now) then return 0 end
if replayed(id, now) then return 1 end
local cap = tonumber(ARGV[11])
if cap > 0 then
  local n = redis.call('ZCARD', READY) + redis.call('ZCARD', DELAYED) + redis.call('ZCARD', LEASED)
  if n >= cap then
    return redis.error_reply('TFX_CAPACITY queue holds ' .. n .. ' live messages (capacity ' .. cap .. ')')
  end
end
enqueue_one(id, ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8], now,
  tonumber(ARGV[9]), tonumber(ARGV[10]), ARGV[12])
return 1
