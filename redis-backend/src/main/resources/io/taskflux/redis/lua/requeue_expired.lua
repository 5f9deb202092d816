-- requeue_expired.lua: takes back every leased message whose lease expired: one with retries
-- left counts a retry, records the lease-lost error, is ready at once and gets RETRYING; one
-- without is dead-lettered and gets FAILED. Also hands back outbox records older than the
-- grace time, so the caller finishes callback enqueues a crash interrupted. Each expired
-- lease is taken back by exactly one caller, however many run concurrently.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] status TTL (ms)   ARGV[4] dead-letter TTL (ms)
-- ARGV[5] lease-lost error (encoded exception details)   ARGV[6] outbox grace (ms)
-- ARGV[7] most leases to take back in this call
-- Returns: {{requeued ids}, {dead-lettered ids}, {outbox field, record, ...}}
-- One whose key is not a hash or whose counters are not numbers is dead-lettered as undecodable
-- (see broken); one whose key vanished gets FAILED (see vanished).
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local sttl, dlttl, err = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local requeued, dead, box = {}, {}, {}
local expired = redis.call('ZRANGEBYSCORE', LEASED, '-inf', now, 'LIMIT', 0, tonumber(ARGV[7]))
for _, id in ipairs(expired) do
  local mk = mkey(id)
  local f = redis.pcall('HMGET', mk, 'rt', 'mr', 'ex', 'pr')
  redis.call('ZREM', LEASED, id)
  if f.err or (f[3] and not (tonumber(f[1]) and tonumber(f[2]) and tonumber(f[3]))) then
    broken(id, 'its stored fields are invalid', now, sttl)
    dead[#dead + 1] = id
  elseif not f[3] then
    vanished(id, 'leased', now, sttl)
  elseif tonumber(f[3]) <= now then
    drop(id)
  else
    redis.call('HDEL', mk, 'tok', 'own', 'le')
    redis.call('HSET', mk, 'ed', err, 'ua', now)
    if tonumber(f[1]) < tonumber(f[2]) then
      redis.call('HSET', mk, 'rt', tonumber(f[1]) + 1, 'ra', now,
        's', live_status(id, 3, now, now, sttl, err))
      place_ready(id, f[4])
      requeued[#requeued + 1] = id
    else
      dead_letter(id, err, now, dlttl)
      final_status(id, 4, now, now, sttl, err)
      dead[#dead + 1] = id
    end
  end
end
local limit = now - tonumber(ARGV[6])
local all = redis.call('HGETALL', OUTBOX)
for j = 1, #all, 2 do
  if tonumber(string.match(all[j], '^(%d+)|')) <= limit then
    box[#box + 1] = all[j]
    box[#box + 1] = all[j + 1]
  end
end
return {requeued, dead, box}
