--[[
  Remove one pending job from a queue by its exact stored string (never a re-encoded copy).
  KEYS[1] queue:<q>   ARGV[1] raw payload
  Returns 1 when removed, 0 when it was no longer there (taken by a worker or removed).
]]
return redis.call("LREM", KEYS[1], 1, ARGV[1])
