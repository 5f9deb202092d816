-- enqueue_all.lua: enqueue.lua over a batch of messages of one queue, in one call. In order, each
-- message is stored only if no live message with its id exists, as ready or delayed by its
-- readyAt, with its SUBMITTED status, waking awaitWork callers: what enqueue.lua does for one.
-- The first message the queue has no room for ends the batch: it and every later one are left
-- out (not looked at), as if enqueue.lua had been called for each and the caller stopped at the
-- first error.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] capacity (0 = unbounded)
-- ARGV[4] message count
-- then 9 values per message: id, task, priority, readyAt (ms), maxRetries, retries,
--   message TTL (ms), status TTL (ms), payload (the serialized message)
-- A message older than its id's status is a replay (see replayed in includes/queue.lua): left
-- alone and answered 1.
-- Returns: one code per message looked at, in order: 1 stored, 0 a live message with that id
--   exists (nothing changed for it). When the queue is full the reply ends with -1 (the message
--   that found no room) and then the queue's live count.
-- Errors: none: a full queue is reported in the reply, so the codes of the messages before it,
--   which are stored, reach the caller.
-- @include queue
local now = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local out = {}
local i = 5
-- The live count is taken once and counted up per stored message; it is taken again only when it
-- reaches the capacity, since live() may have purged expired messages meanwhile.
local function live_count()
  return redis.call('ZCARD', READY) + redis.call('ZCARD', DELAYED) + redis.call('ZCARD', LEASED)
end
local n = cap > 0 and live_count() or 0
for m = 1, tonumber(ARGV[4]) do
  local id = ARGV[i]
  if live(id, now) then
    out[m] = 0
  elseif replayed(id, now) then
    out[m] = 1 -- a replay of this very batch after a reconnect: stored the first time
  else
    if cap > 0 and n >= cap then
      n = live_count()
      if n >= cap then
        out[m] = -1
        out[m + 1] = n
        return out
      end
    end
    n = n + 1
    enqueue_one(id, ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4],
      ARGV[i + 5], now, tonumber(ARGV[i + 6]), tonumber(ARGV[i + 7]), ARGV[i + 8])
    out[m] = 1
  end
  i = i + 9
end
return out
