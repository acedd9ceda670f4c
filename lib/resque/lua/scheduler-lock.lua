--[[
  Take or renew the scheduler leader lock (resque-scheduler's master lock semantics: SET NX with
  an expiry; the holder renews it; a dead holder's lock expires and a standby takes it).

  KEYS[1] the lock key   ARGV[1] our id (host:pid)   ARGV[2] lifetime in ms
  ARGV[3] "release" to give the lock up (only when we hold it)
  Returns 1 when we hold the lock after the call, else 0.
]]
local v = redis.call("GET", KEYS[1])
if ARGV[3] == "release" then
  if v == ARGV[1] then redis.call("DEL", KEYS[1]) end
  return 0
end
if not v then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  return 1
end
if v == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
return 0
