-- queue.lua: helpers shared by every queue script (included at load time, never called alone).
--
-- Every queue script takes the same seven KEYS, all under the queue's {ns:queue} hash tag:
--   KEYS[1] ready    ZSET  member = 16-digit FIFO sequence .. id, score = priority
--   KEYS[2] delayed  ZSET  member = id, score = readyAt (ms)
--   KEYS[3] leased   ZSET  member = id, score = lease expiry (ms)
--   KEYS[4] dead     ZSET  member = id, score = dead-letter expiry (ms)
--   KEYS[5] seq      STRING counter: FIFO positions, lease tokens, status versions
--   KEYS[6] wake     LIST  tokens that wake blocked awaitWork callers (BLPOP)
--   KEYS[7] outbox   HASH  callbacks for other queues, recorded by complete
-- and ARGV[1] = the queue's key prefix "{ns:queue}:", from which the per-message keys
-- (m:<id>, x:<id>, s:<id>, r:<id>, rv:<id>) and channels (st, rs, rv) are built; they share
-- the hash tag, so they live in the same cluster slot as KEYS.
--
-- Message hash m:<id>: p payload, t task, pr priority, st state (r/d/l), k ready member,
-- ra readyAt, rt retries, mr maxRetries, ex expiry, ua updatedAt, ed error, tok/own/le lease.
-- Status value: version|code|at|expiry|error. Times are epoch ms of the backend's clock (ARGV).
-- @include publish
local P = ARGV[1]
local READY, DELAYED, LEASED, DEAD, SEQ, WAKE, OUTBOX =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local WAKE_CAP = 16

local function mkey(id) return P .. 'm:' .. id end

local function wake()
  if redis.call('LLEN', WAKE) < WAKE_CAP then
    redis.call('RPUSH', WAKE, '1')
    redis.call('PEXPIRE', WAKE, 86400000)
  end
end

local function status(id, code, at, now, ttl, err)
  local exp = now + ttl
  local v = redis.call('INCR', SEQ) .. '|' .. code .. '|' .. at .. '|' .. exp .. '|' .. (err or '')
  redis.call('SET', P .. 's:' .. id, v, 'PXAT', exp)
  notify(P .. 'st', #id .. ':' .. id .. v)
end

local function place_ready(id, pr)
  local member = string.format('%016d', redis.call('INCR', SEQ)) .. id
  redis.call('ZADD', READY, pr, member)
  redis.call('HSET', mkey(id), 'st', 'r', 'k', member)
  wake()
end

local function place(id, pr, ra, now)
  if ra <= now then
    place_ready(id, pr)
  else
    redis.call('ZADD', DELAYED, ra, id)
    redis.call('HSET', mkey(id), 'st', 'd')
    wake()
  end
end

local function unplace(id, st, k)
  if st == 'r' then
    redis.call('ZREM', READY, k)
    redis.call('HDEL', mkey(id), 'k')
  elseif st == 'd' then
    redis.call('ZREM', DELAYED, id)
  elseif st == 'l' then
    redis.call('ZREM', LEASED, id)
    redis.call('HDEL', mkey(id), 'tok', 'own', 'le')
  end
end

-- The state and ready member of a live message, or nil; a message past its TTL is purged.
local function live(id, now)
  local f = redis.call('HMGET', mkey(id), 'st', 'k', 'ex')
  if not f[1] then return nil end
  if tonumber(f[3]) > now then return f[1], f[2] end
  unplace(id, f[1], f[2])
  redis.call('DEL', mkey(id))
  return nil
end

local function enqueue_one(id, task, pr, ra, mr, rt, now, mttl, sttl, payload)
  local mk = mkey(id)
  local exp = now + mttl
  redis.call('HSET', mk, 'p', payload, 't', task, 'pr', pr, 'ra', ra, 'rt', rt, 'mr', mr, 'ex', exp)
  redis.call('PEXPIREAT', mk, exp)
  place(id, pr, ra, now)
  status(id, 1, now, now, sttl, nil)
end

local function promote(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    redis.call('ZREM', DELAYED, id)
    local pr = redis.call('HGET', mkey(id), 'pr')
    if pr then place_ready(id, pr) end
  end
  return #due
end

local function holds(id, token, now)
  local f = redis.call('HMGET', mkey(id), 'st', 'tok', 'le')
  return f[1] == 'l' and f[2] == token and tonumber(f[3]) > now
end

-- 2 (REVOKED) when the message carries a live revocation mark, else 0 (LEASE_LOST).
local function lost(id, now)
  local v = redis.call('GET', P .. 'rv:' .. id)
  if v and tonumber(v) > now then return 2 end
  return 0
end

-- Moves a message that is out of every index to the dead-letter queue (or drops it).
local function dead_letter(id, err, now, dlttl)
  local mk = mkey(id)
  if dlttl <= 0 then
    redis.call('DEL', mk)
    return
  end
  local xk = P .. 'x:' .. id
  local exp = now + dlttl
  redis.call('RENAME', mk, xk)
  redis.call('HDEL', xk, 'st', 'k', 'tok', 'own', 'le')
  redis.call('HSET', xk, 'ed', err, 'ua', now, 'ex', exp)
  redis.call('PEXPIREAT', xk, exp)
  redis.call('ZADD', DEAD, exp, id)
end

-- An error record as the client writes them ({type, message, stack} JSON).
local function error_json(type, message)
  return cjson.encode({type = type, message = message, stack = ''})
end

-- A message whose key is not a hash, or whose fields are not numbers where numbers belong
-- (written by hand or by a stranger, never by these scripts): it cannot be run, so it is taken
-- out of every index, kept as a dead letter (its hash, or an empty record when the key held
-- something else) with an UndecodablePayloadException naming the id, and made FAILED. The
-- dead letter and status live for `ttl` ms. Callers have removed it from ready/delayed/leased.
local function broken(id, why, now, ttl)
  local mk, xk = mkey(id), P .. 'x:' .. id
  local err = error_json('io.taskflux.UndecodablePayloadException',
    "Cannot decode the payload of message '" .. id .. "': " .. why)
  local exp = now + ttl
  redis.call('DEL', xk)
  if redis.call('TYPE', mk).ok == 'hash' then
    redis.call('RENAME', mk, xk)
    redis.call('HDEL', xk, 'st', 'k', 'tok', 'own', 'le')
  else
    redis.call('DEL', mk)
  end
  redis.call('HSET', xk, 'ed', err, 'ua', now, 'ex', exp)
  redis.call('PEXPIREAT', xk, exp)
  redis.call('ZADD', DEAD, exp, id)
  status(id, 4, now, now, ttl, err)
end

-- A message whose key vanished while an index still named it (deleted by hand): nothing is
-- left to run or to keep, but a waiter must not wait forever, so a status that is not yet
-- terminal becomes FAILED with an io.taskflux.MessageLost error naming the id.
local function vanished(id, where, now, ttl)
  local cur = redis.call('GET', P .. 's:' .. id)
  if not cur then return end
  local code = string.match(cur, '^%d+|(%d+)|')
  if code == '4' or code == '5' then return end
  status(id, 4, now, now, ttl, error_json('io.taskflux.MessageLost',
    "message '" .. id .. "' was deleted from Redis while " .. where))
end
