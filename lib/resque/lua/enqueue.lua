--[[
  Enqueue payloads onto one queue: register the queue, RPUSH the payloads (FIFO with LPOP),
  and leave wake-up tokens so idle workers of this implementation, blocked in BLPOP on
  tsq:wake:<q>, start within milliseconds. Tokens are capped: a token only needs to wake an
  idle worker, and a stale one costs a worker one empty reserve attempt.

  KEYS[1] queues   KEYS[2] queue:<q>   KEYS[3] tsq:wake:<q>
  ARGV[1] queue name   ARGV[2..] encoded payloads
  Returns the queue length after the push.
]]
redis.call("SADD", KEYS[1], ARGV[1])
local len
for i = 2, #ARGV, 1000 do
  len = redis.call("RPUSH", KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local tokens = math.min(#ARGV - 1, 64)
if redis.call("LLEN", KEYS[3]) < 64 then
  for i = 1, tokens do redis.call("RPUSH", KEYS[3], "1") end
  redis.call("LTRIM", KEYS[3], 0, 63)
end
return len
