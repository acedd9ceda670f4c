--[[
  Ruby-style heartbeat (docs/resque-protocol.md#heartbeats-and-pings) for several workers at once, stamped with the
  Redis server clock so hosts with skewed clocks agree, plus self re-registration of any worker
  that a foreign pruner removed from `workers` while it was still alive.

  KEYS[1] workers   KEYS[2] workers:heartbeat
  ARGV[1] namespace   ARGV[2..] worker ids
  Returns {isoNow, re-registered ids...}.
]]
local t = redis.call("TIME")
local secs = tonumber(t[1])
-- civil-from-days (H. Hinnant): Redis Lua has no os.date.
local days = math.floor(secs / 86400)
local rem = secs - days * 86400
local z = days + 719468
local era = math.floor(z / 146097)
local doe = z - era * 146097
local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
local y = yoe + era * 400
local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
local mp = math.floor((5 * doy + 2) / 153)
local d = doy - math.floor((153 * mp + 2) / 5) + 1
local m = mp < 10 and mp + 3 or mp - 9
if m <= 2 then y = y + 1 end
local iso = string.format("%04d-%02d-%02dT%02d:%02d:%02d+00:00", y, m, d,
  math.floor(rem / 3600), math.floor((rem % 3600) / 60), rem % 60)
local out = {iso}
for i = 2, #ARGV do
  local id = ARGV[i]
  redis.call("HSET", KEYS[2], id, iso)
  if redis.call("SADD", KEYS[1], id) == 1 then
    out[#out + 1] = id
    redis.call("SET", ARGV[1] .. "worker:" .. id .. ":started", iso, "NX")
  end
end
return out
