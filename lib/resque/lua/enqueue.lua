--[[
  Enqueue payloads onto one queue (push_jobs in _lib.lua: register the queue, RPUSH, wake idle
  workers of this implementation, which block in BLPOP on tsq:wake:<q>).

  KEYS[1] queues   KEYS[2] queue:<q>   KEYS[3] tsq:wake:<q>   (declared for Redis Cluster routing)
  ARGV[1] queue name   ARGV[2] namespace   ARGV[3..] encoded payloads
  Returns the queue length after the push.
]]
return push_jobs(ARGV[2], ARGV[1], { unpack(ARGV, 3) })
