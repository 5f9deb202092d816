-- revoke.lua: revokes a message so it never starts (again). A live message (unless it is
-- leased and skip-if-running is asked) leaves its state, becomes a dead letter with the reason,
-- is marked revoked for the revocation TTL (published on the rv channel) and gets FAILED.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] id   ARGV[4] skip if running (1/0)
-- ARGV[5] status TTL (ms)   ARGV[6] dead-letter TTL (ms)   ARGV[7] revocation TTL (ms)
-- ARGV[8] reason (encoded exception details)
-- Returns: 1 REVOKED, 2 REVOKED_RUNNING, 3 SKIPPED_RUNNING, 4 ALREADY_FINISHED, 5 NOT_FOUND.
-- Errors: none.
-- @include queue
local now = tonumber(ARGV[2])
local id = ARGV[3]
local st, k = live(id, now)
if not st then
  local s = redis.call('GET', P .. 's:' .. id)
  if s then
    local code, exp = string.match(s, '^%d+|(%d+)|%d+|(%d+)|')
    if tonumber(exp) > now and (code == '4' or code == '5') then return 4 end
  end
  return 5
end
if st == 'l' and ARGV[4] == '1' then return 3 end
unplace(id, st, k)
dead_letter(id, ARGV[8], now, tonumber(ARGV[6]))
local rexp = now + tonumber(ARGV[7])
redis.call('SET', P .. 'rv:' .. id, rexp, 'PXAT', rexp)
notify(P .. 'rv', #id .. ':' .. id)
final_status(id, 4, now, now, tonumber(ARGV[5]), ARGV[8])
if st == 'l' then return 2 end
return 1
