--[[
  Records the shared counters into the hourly history (history.ts explains the design): the
  bucket's first sample is kept (HSETNX), its last sample is overwritten, and fields older than
  the retention are deleted. Counters are read here, in the same script as the write, so two
  samplers can never store an older value after a newer one.

  KEYS[1] stat:processed   KEYS[2] stat:failed   KEYS[3] the history HASH
  KEYS[4] (optional) the LIST of recent samples, newest first
  ARGV[1] now in unix seconds, or "" for the Redis server clock (TIME)
  ARGV[2] retention in hours
  ARGV[3] (with KEYS[4]) how many recent samples to keep
  Fields: "<bucket start, unix seconds>:first" and ":last", value "<processed> <failed>".
  Returns {bucket start, fields deleted}. Work is bounded: the hash holds at most about
  2 × (retention + 2) fields, because every call trims it, and the list ARGV[3] entries.
]]
local now = tonumber(ARGV[1])
if not now then now = tonumber(redis.call("TIME")[1]) end
local retention = tonumber(ARGV[2])
local bucket = now - (now % 3600)
local value = (tonumber(redis.call("GET", KEYS[1])) or 0) .. " " .. (tonumber(redis.call("GET", KEYS[2])) or 0)
redis.call("HSETNX", KEYS[3], bucket .. ":first", value)
redis.call("HSET", KEYS[3], bucket .. ":last", value)
if KEYS[4] then
  -- "<unix s> <processed> <failed>": the overview's realtime chart starts from these (history.ts).
  redis.call("LPUSH", KEYS[4], now .. " " .. value)
  redis.call("LTRIM", KEYS[4], 0, tonumber(ARGV[3]) - 1)
end
local deleted = 0
if redis.call("HLEN", KEYS[3]) > 2 * (retention + 1) then
  local cutoff = bucket - retention * 3600
  for _, field in ipairs(redis.call("HKEYS", KEYS[3])) do
    local at = tonumber(string.match(field, "^(%-?%d+):"))
    if not at or at <= cutoff then
      redis.call("HDEL", KEYS[3], field)
      deleted = deleted + 1
    end
  end
end
return {bucket, deleted}
