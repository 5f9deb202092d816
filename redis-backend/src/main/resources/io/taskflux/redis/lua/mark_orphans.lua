-- mark_orphans.lua: the integrity scan's step for a batch of status ids of one queue: every
-- non-terminal, non-UNKNOWN status whose message is no longer live becomes UNKNOWN.
-- KEYS: 7 (the queue keys, see includes/queue.lua)
-- ARGV[1] key prefix   ARGV[2] now (ms)   ARGV[3] status TTL (ms)   ARGV[4..] message ids
-- Returns: how many statuses were changed.
-- Errors: none.
-- @include queue
local now, sttl = tonumber(ARGV[2]), tonumber(ARGV[3])
local n = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local s = redis.call('GET', P .. 's:' .. id)
  if s then
    local code, exp = string.match(s, '^%d+|(%d+)|%d+|(%d+)|')
    if tonumber(exp) > now and (code == '1' or code == '2' or code == '3') and not live(id, now) then
      final_status(id, 0, now, now, sttl, nil)
      n = n + 1
    end
  end
end
return n
