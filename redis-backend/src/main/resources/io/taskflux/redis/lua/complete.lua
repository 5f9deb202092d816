-- complete.lua: settles a batch of successful attempts of one queue. For each request, in one
-- atomic step and only while its lease holds: stores the result (the first result is kept),
-- sets SUCCEEDED, removes the message, enqueues each same-queue callback if absent (SUBMITTED)
-- and records each other-queue callback in the outbox (the client enqueues it there next).
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] request count
-- then per request: id, lease token, result TTL, status TTL, message TTL, result bytes,
--   callback count, then per callback either
--   'l', id, task, priority, readyAt, maxRetries, retries, payload   (same queue), or
--   'o', outbox field, outbox record                                (another queue)
-- Returns: one code per request: 1 APPLIED, 0 LEASE_LOST, 2 REVOKED.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local out = {}
local i = 4
for r = 1, tonumber(ARGV[3]) do
  local id, token = ARGV[i], ARGV[i + 1]
  local rttl, sttl, mttl = tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  local result, ncb = ARGV[i + 5], tonumber(ARGV[i + 6])
  i = i + 7
  local ok = holds(id, token, now)
  if ok then
    local rk = P .. 'r:' .. id
    local cur = redis.call('GET', rk)
    -- A value that is not a result (written by hand) counts as absent.
    local cexp = cur and tonumber(string.match(cur, '^%d+|(%d+)|'))
    if not cexp or cexp <= now then
      local exp = now + rttl
      local v = now .. '|' .. exp .. '|' .. result
      redis.call('SET', rk, v, 'PXAT', exp)
      notify(P .. 'rs', #id .. ':' .. id .. v)
    end
    redis.call('ZREM', LEASED, id)
    redis.call('DEL', mkey(id))
    status(id, 5, now, now, sttl, nil)
    out[r] = 1
  else
    out[r] = lost(id, now)
  end
  for c = 1, ncb do
    if ARGV[i] == 'l' then
      if ok and not live(ARGV[i + 1], now) then
        enqueue_one(ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]),
          ARGV[i + 5], ARGV[i + 6], now, mttl, sttl, ARGV[i + 7])
      end
      i = i + 8
    else
      if ok then redis.call('HSET', OUTBOX, ARGV[i + 1], ARGV[i + 2]) end
      i = i + 3
    end
  end
end
return out
