-- queue.lua: helpers shared by every queue script (included at load time, never called alone).
--
-- Every queue script takes the same seven KEYS, all under the queue's {ns:queue} hash tag:
--   KEYS[1] ready    ZSET  member = 16-digit FIFO sequence .. id, score = priority
--   KEYS[2] delayed  ZSET  member = id, score = readyAt (ms)
--   KEYS[3] leased   ZSET  member = id, score = lease expiry (ms)
--   KEYS[4] dead     ZSET  member = id, score = dead-letter expiry (ms)
--   KEYS[5] seq      STRING counter: FIFO positions, lease tokens, status versions (a script
--                    takes the numbers it needs in one INCRBY; one number may serve as a
--                    message's FIFO position or lease token and its status version at once)
--   KEYS[6] wake     LIST  tokens that wake blocked awaitWork callers (BLPOP)
--   KEYS[7] outbox   HASH  callbacks for other queues, recorded by complete
-- and ARGV[1] = the queue's key prefix "{ns:queue}:", from which the per-message keys
-- (m:<id>, x:<id>, s:<id>, r:<id>, rv:<id>), the status-watch marker w and the channels (st,
-- rs, rv) are built; they share the hash tag, so they live in the same cluster slot as KEYS.
--
-- Message hash m:<id>: p payload, t task,
-- pr priority, st state (r/d/l), k FIFO sequence (ready member = 16-digit k .. id),
-- ra readyAt, rt retries, mr maxRetries, ex expiry, ua updatedAt, ed error, tok/own/le lease,
-- s status. While a message is live its status lives in its hash (field s, no key or TTL of its
-- own); the status key s:<id> (with the status TTL) holds terminal statuses, statuses of
-- messages that left without one (remove, dead letter, expiry) and those set on no live message.
-- A reader takes the newer (higher version) of the two.
-- Status value: version|code|at|expiry|error. Times are epoch ms of the backend's clock (ARGV).
-- @include publish
local P = ARGV[1]
local READY, DELAYED, LEASED, DEAD, SEQ, WAKE, OUTBOX =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local WAKE_CAP = 16

local function mkey(id) return P .. 'm:' .. id end
local function skey(id) return P .. 's:' .. id end

-- Sequence numbers from SEQ, taken `want` at a time with one INCRBY (unused ones are skipped).
local seq_at, seq_end = 1, 0
local function next_seq(want)
  if seq_at > seq_end then
    if not want or want < 1 then want = 1 end
    seq_end = redis.call('INCRBY', SEQ, want)
    seq_at = seq_end - want + 1
  end
  seq_at = seq_at + 1
  return seq_at - 1
end

local function wake()
  if redis.call('LLEN', WAKE) < WAKE_CAP then
    redis.call('RPUSH', WAKE, '1')
    redis.call('PEXPIRE', WAKE, 86400000)
  end
end

-- Whether anybody watches the queue's statuses: watchers keep the marker key w alive (with a
-- TTL they refresh) while they listen; without it no status is published on st. Read once per
-- script call.
local watched_flag = nil
local function watched()
  if watched_flag == nil then watched_flag = redis.call('EXISTS', P .. 'w') == 1 end
  return watched_flag
end

-- Publishes a status value v of message id: on st when watched; a FAILED one (code 4) also on
-- rs, prefixed '!', where result waiters hear it (they wait for a result or a failure).
local function publish_status(id, code, v)
  if watched() then notify(P .. 'st', #id .. ':' .. id .. v) end
  if tonumber(code) == 4 then notify(P .. 'rs', #id .. ':' .. id .. '!' .. v) end
end

local function status_value(ver, code, at, exp, err)
  return string.format('%d', ver) .. '|' .. code .. '|' .. at .. '|' .. exp .. '|' .. (err or '')
end

-- The status expiry of a status value.
local function status_expiry(v)
  return tonumber(string.match(v, '^%d+|%d+|%d+|(%d+)|'))
end

-- A status of a live message: published, and returned for the caller to store in the hash
-- (field s) in the same HSET as the move it describes. ver: a sequence number, or nil for a new one.
local function live_status(id, code, at, now, ttl, err, ver)
  local v = status_value(ver or next_seq(1), code, at, now + ttl, err)
  publish_status(id, code, v)
  return v
end

-- A status written to the status key (terminal, or no live message), with the status TTL.
local function final_status(id, code, at, now, ttl, err, ver)
  local exp = now + ttl
  local v = status_value(ver or next_seq(1), code, at, exp, err)
  redis.call('SET', skey(id), v, 'PXAT', exp)
  publish_status(id, code, v)
end

-- Before a message's hash goes without a status change (remove, dead letter, expiry): its status
-- moves to the status key, keeping its expiry.
local function keep_status(id)
  local v = redis.call('HGET', mkey(id), 's')
  if v then redis.call('SET', skey(id), v, 'PXAT', status_expiry(v)) end
end

-- The ready-set member of message id at FIFO sequence k.
local function member_of(k, id)
  if type(k) == 'string' and #k > 16 then return k end -- a whole member, as older versions kept
  return string.format('%016d', tonumber(k)) .. id
end

local function place_ready(id, pr, ver)
  local k = ver or next_seq(1)
  redis.call('ZADD', READY, pr, member_of(k, id))
  redis.call('HSET', mkey(id), 'st', 'r', 'k', k)
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
  elseif st == 'd' then
    redis.call('ZREM', DELAYED, id)
  elseif st == 'l' then
    redis.call('ZREM', LEASED, id)
    redis.call('HDEL', mkey(id), 'tok', 'own', 'le')
  end
end

-- Removes a message's hash after keeping its status (a message past its TTL, a removal).
local function drop(id)
  keep_status(id)
  redis.call('DEL', mkey(id))
end

-- The state and ready member of a live message, or nil; a message past its TTL is purged.
local function live(id, now)
  local f = redis.call('HMGET', mkey(id), 'st', 'k', 'ex')
  if not f[1] then return nil end
  local member = f[2] and member_of(f[2], id)
  if tonumber(f[3]) > now then return f[1], member end
  unplace(id, f[1], member)
  drop(id)
  return nil
end

-- True when an enqueue of id at `now` is a replay: the id's status key holds a status written
-- after `now`. Lettuce delivers commands at least once (a command whose reply a dropped connection
-- lost is sent again after the reconnect), and a submission stored just before Redis went down may
-- meanwhile have been claimed, run and completed; storing it again would run acknowledged work a
-- second time. Its first execution stored it, so the caller answers "stored".
local function replayed(id, now)
  local current = redis.call('GET', skey(id))
  if not current then return false end
  local at = tonumber(string.match(current, '^[^|]*|[^|]*|([^|]*)|'))
  return at ~= nil and at > now
end

-- Stores a new message with its SUBMITTED status in one HSET (one sequence number is both its
-- FIFO position and its status version) and drops the status key an earlier message with the
-- same id may have left.
local function enqueue_one(id, task, pr, ra, mr, rt, now, mttl, sttl, payload)
  local mk = mkey(id)
  local exp = now + mttl
  local n = next_seq(1)
  local s = live_status(id, 1, now, now, sttl, nil, n)
  if ra <= now then
    redis.call('HSET', mk, 'p', payload, 't', task, 'pr', pr, 'ra', ra, 'rt', rt, 'mr', mr,
      'ex', exp, 's', s, 'st', 'r', 'k', n)
    redis.call('ZADD', READY, pr, member_of(n, id))
  else
    redis.call('HSET', mk, 'p', payload, 't', task, 'pr', pr, 'ra', ra, 'rt', rt, 'mr', mr,
      'ex', exp, 's', s, 'st', 'd')
    redis.call('ZADD', DELAYED, ra, id)
  end
  redis.call('PEXPIREAT', mk, exp)
  redis.call('DEL', skey(id))
  wake()
end

local function promote(now, limit)
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    redis.call('ZREM', DELAYED, id)
    local pr = redis.call('HGET', mkey(id), 'pr')
    if pr then place_ready(id, pr, next_seq(#due)) end
  end
  return #due
end

local function holds(id, token, now)
  local f = redis.call('HMGET', mkey(id), 'st', 'tok', 'le')
  return f[1] == 'l' and f[2] == token and tonumber(f[3]) > now
end

-- Stores result value v (expiring at exp) unless a result not past its TTL is stored; true if
-- written. SET NX first: one command when there is none, the usual case.
local function set_result_if_absent(rk, v, exp, now)
  if redis.call('SET', rk, v, 'PXAT', exp, 'NX') then return true end
  local cur = redis.call('GET', rk)
  -- A value that is not a result (written by hand) counts as absent.
  local cexp = cur and tonumber(string.match(cur, '^%d+|(%d+)|'))
  if cexp and cexp > now then return false end
  redis.call('SET', rk, v, 'PXAT', exp)
  return true
end

-- 2 (REVOKED) when the message carries a live revocation mark, else 0 (LEASE_LOST).
local function lost(id, now)
  local v = redis.call('GET', P .. 'rv:' .. id)
  if v and tonumber(v) > now then return 2 end
  return 0
end

-- Moves a message that is out of every index to the dead-letter queue (or drops it). Its
-- status is the caller's to write.
local function dead_letter(id, err, now, dlttl)
  local mk = mkey(id)
  if dlttl <= 0 then
    redis.call('DEL', mk)
    return
  end
  local xk = P .. 'x:' .. id
  local exp = now + dlttl
  redis.call('RENAME', mk, xk)
  redis.call('HDEL', xk, 'st', 'k', 'tok', 'own', 'le', 's')
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
    redis.call('HDEL', xk, 'st', 'k', 'tok', 'own', 'le', 's')
  else
    redis.call('DEL', mk)
  end
  redis.call('HSET', xk, 'ed', err, 'ua', now, 'ex', exp)
  redis.call('PEXPIREAT', xk, exp)
  redis.call('ZADD', DEAD, exp, id)
  final_status(id, 4, now, now, ttl, err)
end

-- A message whose key vanished while an index still named it (deleted by hand): nothing is
-- left to run or to keep, but a waiter must not wait forever, so a status that is not yet
-- terminal becomes FAILED with an io.taskflux.MessageLost error naming the id.
local function vanished(id, where, now, ttl)
  -- A live message's status lived in its hash, gone with it; a terminal one in the status key.
  local cur = redis.call('GET', skey(id))
  local code = cur and string.match(cur, '^%d+|(%d+)|')
  if code == '4' or code == '5' then return end
  final_status(id, 4, now, now, ttl, error_json('io.taskflux.MessageLost',
    "message '" .. id .. "' was deleted from Redis while " .. where))
end
