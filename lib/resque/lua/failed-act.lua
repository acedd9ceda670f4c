--[[
  Remove, retry-and-remove, or retry-and-keep failure records addressed by (index, sha1 of the
  stored bytes), docs/resque-protocol.md#retrying-and-removing-failures. Each record is verified
  here, in the same atomic step that changes it, so a record that moved or changed since the
  caller read it is never touched: the caller gets a 0 for it and may locate it again. Marked
  records are overwritten with a sentinel and removed by one LREM at the end, so no index
  shifts while the items of one call are processed, whatever their order (the caller sends
  successive calls from the highest indexes down, so calls do not shift each other either).
  Payloads are pushed as the caller computed them from the verified bytes, in ARGV order.

  KEYS[1] the failure list (`failed` or `<queue>_failed`)
  KEYS[2] queues
  KEYS[3..] retry modes only, two per item in ARGV order: queue:<q>, tsq:wake:<q>
  ARGV[1] mode: "remove" | "retry" (requeue, then remove) | "retry-keep" (requeue, LSET the
          record with retried_at, Ruby's requeue)
  ARGV[2] sentinel: a value no record has, unique per call
  ARGV[3..] five per item: index, sha1hex of the record, queue name, payload to RPUSH,
          replacement record (retry-keep)
  Returns one status per item: 1 done, 0 the record at that index is not the expected one.
]]
local mode = ARGV[1]
local sentinel = ARGV[2]
local out = {}
local marked = 0
local n = (#ARGV - 2) / 5
for i = 1, n do
  local base = 2 + (i - 1) * 5
  local index = tonumber(ARGV[base + 1])
  local current = redis.call("LINDEX", KEYS[1], index)
  if current and redis.sha1hex(current) == ARGV[base + 2] then
    if mode ~= "remove" then
      -- KEYS[2] is <ns>queues: the namespace is its prefix (push_jobs is in _lib.lua).
      push_jobs(string.sub(KEYS[2], 1, -7), ARGV[base + 3], { ARGV[base + 4] })
    end
    if mode == "retry-keep" then
      redis.call("LSET", KEYS[1], index, ARGV[base + 5])
    else
      redis.call("LSET", KEYS[1], index, sentinel)
      marked = marked + 1
    end
    out[i] = 1
  else
    out[i] = 0
  end
end
if marked > 0 then redis.call("LREM", KEYS[1], marked, sentinel) end
return out
