--[[
  Move a batch of due items from the head of one `delayed:<ts>` list to their queues — the
  resque-scheduler batch algorithm, as one script instead of WATCH/MULTI: the items are checked
  to still be the head of the list, so an item is never in both places nor in neither, and a
  scheduler racing with another (ours, Ruby's, node's) moves each item once.

  KEYS[1] delayed:<ts>   KEYS[2] delayed_queue_schedule   KEYS[3] queues
  KEYS[4] failed   KEYS[5] stat:failed
  ARGV[1] namespace   ARGV[2] ts (zset member)   ARGV[3] number of items n
  ARGV[4..] n triples: raw item, target queue ("" = cannot be queued), payload or failure record
  Returns the number moved, or -1 when the head of the list no longer matches (caller re-reads).
]]
local n = tonumber(ARGV[3])
local head = redis.call("LRANGE", KEYS[1], 0, n - 1)
if #head ~= n then return -1 end
for i = 1, n do
  if head[i] ~= ARGV[4 + (i - 1) * 3] then return -1 end
end
local member = "delayed:" .. ARGV[2]
for i = 1, n do
  local base = 4 + (i - 1) * 3
  local raw, q, body = ARGV[base], ARGV[base + 1], ARGV[base + 2]
  redis.call("SREM", ARGV[1] .. "timestamps:" .. raw, member)
  if q ~= "" then
    push_jobs(ARGV[1], q, { body })
  else
    redis.call("RPUSH", KEYS[4], body)
    redis.call("INCR", KEYS[5])
  end
end
redis.call("LTRIM", KEYS[1], n, -1)
if redis.call("LLEN", KEYS[1]) == 0 then
  redis.call("DEL", KEYS[1])
  redis.call("ZREM", KEYS[2], ARGV[2])
end
return n
