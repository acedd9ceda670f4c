--[[
  resque-scheduler's remove_delayed: remove every scheduled copy of one exact item, found through
  its `timestamps:<raw>` reverse index, and clean up timestamps left empty.

  KEYS[1] timestamps:<raw>   KEYS[2] delayed_queue_schedule
  ARGV[1] namespace   ARGV[2] raw item
  Returns the number of copies removed.
]]
local removed = 0
for _, member in ipairs(redis.call("SMEMBERS", KEYS[1])) do
  local list = ARGV[1] .. member
  removed = removed + redis.call("LREM", list, 0, ARGV[2])
  if redis.call("LLEN", list) == 0 then
    redis.call("DEL", list)
    redis.call("ZREM", KEYS[2], string.sub(member, 9))
  end
end
redis.call("DEL", KEYS[1])
return removed
