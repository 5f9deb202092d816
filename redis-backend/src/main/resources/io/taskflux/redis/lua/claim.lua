-- claim.lua: promotes due delayed messages, then leases up to `max` ready messages (lowest
-- priority first, FIFO among equals), skipping tasks outside the subset, and writes RUNNING.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] max   ARGV[4] owner   ARGV[5] lease (ms)
-- ARGV[6] status TTL (ms)   ARGV[7..] task names to take (none: every task)
-- Returns: a flat list, 7 entries per claimed message in claim order:
--   id, lease token, payload, retries, updatedAt|nil, readyAt, error|nil
-- A message that cannot be claimed as stored (its key is not a hash, its expiry is not a number)
-- is dead-lettered and FAILED instead (see broken); one whose key vanished is made FAILED.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local owner = ARGV[4]
local le = now + tonumber(ARGV[5])
local sttl = tonumber(ARGV[6])
local filter = nil
if #ARGV > 6 then
  filter = {}
  for i = 7, #ARGV do filter[ARGV[i]] = true end
end
promote(now, 1000)
local out = {}
local taken, offset, scanned = 0, 0, 0
while taken < max and scanned < 1000 do
  local want = max - taken
  if filter then want = 100 end
  local members = redis.call('ZRANGE', READY, offset, offset + want - 1)
  if #members == 0 then break end
  for _, member in ipairs(members) do
    scanned = scanned + 1
    local id = string.sub(member, 17)
    local mk = mkey(id)
    -- pcall: a key that is not a hash must not fail the claim of every other message.
    local f = redis.pcall('HMGET', mk, 'ex', 't', 'p', 'rt', 'ua', 'ra', 'ed')
    if f.err or (f[1] and not tonumber(f[1])) then
      redis.call('ZREM', READY, member)
      broken(id, f.err and 'its key holds a ' .. redis.call('TYPE', mk).ok .. ', not a hash'
        or 'its expiry field is not a number', now, sttl)
    elseif not f[1] then
      redis.call('ZREM', READY, member)
      vanished(id, 'queued', now, sttl)
    elseif tonumber(f[1]) <= now then
      redis.call('ZREM', READY, member)
      redis.call('DEL', mk)
    elseif filter and not filter[f[2]] then
      offset = offset + 1
    else
      redis.call('ZREM', READY, member)
      local token = tostring(redis.call('INCR', SEQ))
      redis.call('ZADD', LEASED, le, id)
      redis.call('HSET', mk, 'st', 'l', 'tok', token, 'own', owner, 'le', le)
      redis.call('HDEL', mk, 'k')
      status(id, 2, now, now, sttl, nil)
      local n = #out
      out[n + 1], out[n + 2], out[n + 3], out[n + 4] = id, token, f[3], f[4]
      out[n + 5], out[n + 6], out[n + 7] = f[5], f[6], f[7]
      taken = taken + 1
      if taken >= max then break end
    end
  end
end
if redis.call('ZCARD', READY) == 0 then redis.call('DEL', WAKE) end
return out
