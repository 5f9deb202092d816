-- publish.lua: notify(channel, payload), the one way scripts publish (included at load time).
-- On Redis 7.0+ (which defines redis.REDIS_VERSION_NUM) it is SPUBLISH: sharded pub/sub keeps the
-- message on the shard that owns the channel's slot, where the backend subscribes, instead of
-- broadcasting it over the cluster bus to every node (a hop that costs every node CPU and adds
-- tens of ms now and then). On 6.2 it is PUBLISH. Notifications makes the same choice per node.
-- Every channel shares the hash tag of the keys the script touches, as SPUBLISH in a script needs.
local NOTIFY_COMMAND = redis.REDIS_VERSION_NUM and 'SPUBLISH' or 'PUBLISH'
local function notify(channel, payload) redis.call(NOTIFY_COMMAND, channel, payload) end
