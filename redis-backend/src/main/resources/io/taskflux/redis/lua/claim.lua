-- claim.lua: promotes due delayed messages, then leases up to `max` ready messages (lowest
-- priority first, FIFO among equals), skipping tasks outside the subset, and writes RUNNING
-- (in the message hash; one number is the lease token and the status version).
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
local taken = 0
-- The fields claim needs (ex, t, p, rt, ua, ra, ed), or nil after dealing with a message that
-- cannot be claimed as stored: its key is not a hash or its expiry not a number (dead-lettered,
-- see broken), its key vanished (FAILED, see vanished), or it is past its TTL (purged). pcall: a
-- key that is not a hash must not fail the claim of every other message.
local function fields(id)
  local mk = mkey(id)
  local f = redis.pcall('HMGET', mk, 'ex', 't', 'p', 'rt', 'ua', 'ra', 'ed')
  if f.err or (f[1] and not tonumber(f[1])) then
    broken(id, f.err and 'its key holds a ' .. redis.call('TYPE', mk).ok .. ', not a hash'
      or 'its expiry field is not a number', now, sttl)
    return nil
  elseif not f[1] then
    vanished(id, 'queued', now, sttl)
    return nil
  elseif tonumber(f[1]) <= now then
    drop(id)
    return nil
  end
  return f
end
-- Leases message id (its fields f).
local function lease(id, f)
  local n = next_seq(max - taken)
  local token = string.format('%d', n)
  redis.call('ZADD', LEASED, le, id)
  redis.call('HSET', mkey(id), 'st', 'l', 'tok', token, 'own', owner, 'le', le,
    's', live_status(id, 2, now, now, sttl, nil, n))
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4] = id, token, f[3], f[4]
  out[o + 5], out[o + 6], out[o + 7] = f[5], f[6], f[7]
  taken = taken + 1
end
local scanned = 0
if not filter then
  -- Every task is wanted: pop the head of the ready set (removing as it reads).
  while taken < max and scanned < 1000 do
    local popped = redis.call('ZPOPMIN', READY, max - taken)
    if #popped == 0 then break end
    for j = 1, #popped, 2 do
      scanned = scanned + 1
      local id = string.sub(popped[j], 17)
      local f = fields(id)
      if f then lease(id, f) end
    end
  end
else
  -- A subset: read the head in pages, skip what is not wanted.
  local offset = 0
  while taken < max and scanned < 1000 do
    local members = redis.call('ZRANGE', READY, offset, offset + 99)
    if #members == 0 then break end
    for _, member in ipairs(members) do
      scanned = scanned + 1
      local id = string.sub(member, 17)
      local t = redis.pcall('HGET', mkey(id), 't')
      if type(t) == 'string' and not filter[t] then
        offset = offset + 1
      else
        redis.call('ZREM', READY, member)
        local f = fields(id)
        if f then lease(id, f) end
        if taken >= max then break end
      end
    end
  end
end
if redis.call('ZCARD', READY) == 0 then redis.call('DEL', WAKE) end
return out
