-- A filtered scan's first pass, inside Redis: only the records of one range that contain the
-- filter's needles travel to the client, which then checks them exactly (decoded JSON). Plain
-- substring search (string.find with plain=true), so a needle is never a pattern.
-- KEYS[1] the failure list
-- ARGV[1], ARGV[2] the range (inclusive, non-negative indexes)
-- then one group per filter field: ARGV ci ("1": search the ASCII-lowercased record), n, n alternatives
-- A record is returned when every group has at least one alternative in it.
-- Returns { index, record, index, record, ... }
local start, stop = tonumber(ARGV[1]), tonumber(ARGV[2])
local groups = {}
local i = 3
while i <= #ARGV do
  local n = tonumber(ARGV[i + 1])
  local alts = {}
  for k = 1, n do alts[k] = ARGV[i + 1 + k] end
  groups[#groups + 1] = { ci = ARGV[i] == "1", alts = alts }
  i = i + 2 + n
end
local out = {}
for j, rec in ipairs(redis.call("LRANGE", KEYS[1], start, stop)) do
  local lowered
  local ok = true
  for _, g in ipairs(groups) do
    local hay = rec
    if g.ci then
      lowered = lowered or string.lower(rec)
      hay = lowered
    end
    local found = false
    for _, a in ipairs(g.alts) do
      if string.find(hay, a, 1, true) then
        found = true
        break
      end
    end
    if not found then
      ok = false
      break
    end
  end
  if ok then
    out[#out + 1] = start + j - 1
    out[#out + 1] = rec
  end
end
return out
