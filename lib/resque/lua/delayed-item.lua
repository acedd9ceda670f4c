--[[
  Act on one delayed item by its exact stored string: remove it, enqueue it now, or move it to
  another timestamp. Works for items written by php-resque-scheduler (no `timestamps:` set),
  resque-scheduler and node-resque alike.

  KEYS[1] delayed:<ts>   KEYS[2] delayed_queue_schedule   KEYS[3] timestamps:<raw>
  KEYS[4] queues or delayed:<new ts> (depending on the mode)
  ARGV[1] mode: "remove" | "now" | "move"   ARGV[2] ts   ARGV[3] raw item
  ARGV[4] now: queue name; move: new ts   ARGV[5] now: payload to push; move: unused
  ARGV[6] namespace
  Returns 1 when done, 0 when the item was no longer at that timestamp.
]]
if redis.call("LREM", KEYS[1], 1, ARGV[3]) == 0 then return 0 end
redis.call("SREM", KEYS[3], "delayed:" .. ARGV[2])
if redis.call("LLEN", KEYS[1]) == 0 then
  redis.call("DEL", KEYS[1])
  redis.call("ZREM", KEYS[2], ARGV[2])
end
if ARGV[1] == "now" then
  push_jobs(ARGV[6], ARGV[4], { ARGV[5] })
elseif ARGV[1] == "move" then
  redis.call("RPUSH", KEYS[4], ARGV[3])
  redis.call("SADD", KEYS[3], "delayed:" .. ARGV[4])
  redis.call("ZADD", KEYS[2], ARGV[4], ARGV[4])
end
return 1
