--[[
  Type, size and TTL of several keys in one round trip, for the key browser (the size command
  depends on the type, which a plain pipeline would need a second round trip to learn).
  Read-only.

  KEYS[1..n] keys
  Returns a flat table, three entries per key: type, size (-1 when the type has no cheap
  size), ttl in seconds (-1 no expiry, -2 gone).
]]
local sizeOf = {
  string = "STRLEN", list = "LLEN", set = "SCARD", zset = "ZCARD", hash = "HLEN", stream = "XLEN",
}
local out = {}
for _, key in ipairs(KEYS) do
  local t = redis.call("TYPE", key)["ok"]
  local cmd = sizeOf[t]
  out[#out + 1] = t
  out[#out + 1] = cmd and redis.call(cmd, key) or -1
  out[#out + 1] = redis.call("TTL", key)
end
return out
