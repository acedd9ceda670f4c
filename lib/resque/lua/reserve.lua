--[[
  Finish the previous job (optional) and reserve the next one, atomically, in one round trip.
  A job is always in exactly one place: its queue list, or this worker's `worker:<id>` key.

  Safe to resend after a lost reply (ioredis resends unanswered commands on reconnect): the
  finish only applies while `worker:<id>` still holds the entry being finished, and a reserve
  that finds an entry already there returns it instead of taking another job.

  KEYS[1]  worker:<id>                    in-flight record of this worker
  KEYS[2]  stat:processed
  KEYS[3]  stat:processed:<id>
  KEYS[4]  pause-all-workers              Ruby global pause ("true", trimmed, any case)
  KEYS[5]  pause:all                      resque-pause global pause (any value)
  KEYS[6..] pairs of queue:<q>, pause:queue:<q>, in priority order

  ARGV[1]  in-flight entry to finish ("" = nothing to finish): DEL it, INCR processed counters
  ARGV[2]  status key of the finished job ("" if none): set to complete when it exists
  ARGV[3]  "1" to reserve a job after finishing
  ARGV[4]  run_at (ISO 8601 UTC)
  ARGV[5]  now, unix seconds (php status `updated`)
  ARGV[6]  namespace, for the php `job:<id>:status` key of the reserved job
  ARGV[7..] pairs of queue name, queue name JSON-encoded by the caller, same order as KEYS

  Returns nil when nothing was reserved, {"", "paused"} when paused, {queue, raw, flag} when a
  job was reserved: flag "s" when the payload is not a JSON object (stored in the entry as a
  JSON string so the entry stays valid JSON for every reader; the entry is returned 4th), "r"
  when an entry left by a previous call was returned as `raw` (the caller parses it), else "".
]]
local existing = redis.call("GET", KEYS[1])
if ARGV[1] ~= "" and existing == ARGV[1] then
  redis.call("DEL", KEYS[1])
  existing = false
  redis.call("INCR", KEYS[2])
  redis.call("INCR", KEYS[3])
  if ARGV[2] ~= "" and redis.call("EXISTS", ARGV[2]) == 1 then
    redis.call("SET", ARGV[2], cjson.encode({status = 4, updated = tonumber(ARGV[5])}), "EX", 86400)
  end
end
if ARGV[3] ~= "1" then return nil end
if existing then return {"", existing, "r"} end

local pause = redis.call("MGET", KEYS[4], KEYS[5])
local all = pause[1]
if all and string.lower(string.gsub(all, "^%s*(.-)%s*$", "%1")) == "true" then return {"", "paused"} end
if pause[2] then return {"", "paused"} end

local n = (#KEYS - 5) / 2
for i = 1, n do
  local qkey = KEYS[5 + 2 * i - 1]
  local pkey = KEYS[5 + 2 * i]
  if redis.call("EXISTS", pkey) == 0 then
    local payload = redis.call("LPOP", qkey)
    if payload then
      local q = ARGV[6 + 2 * i - 1]
      local qjson = ARGV[6 + 2 * i]
      local ok, decoded = pcall(cjson.decode, payload)
      local embedded = payload
      local flag = ""
      if not ok or type(decoded) ~= "table" or string.sub(payload, 1, 1) ~= "{" then
        embedded = cjson.encode(payload)
        decoded = nil
        flag = "s"
      end
      local entry = '{"queue":' .. qjson .. ',"run_at":"' .. ARGV[4] .. '","payload":' .. embedded .. '}'
      redis.call("SET", KEYS[1], entry)
      if decoded and type(decoded["id"]) == "string" then
        local skey = ARGV[6] .. "job:" .. decoded["id"] .. ":status"
        if redis.call("EXISTS", skey) == 1 then
          local st = cjson.decode(redis.call("GET", skey))
          st["status"] = 2
          st["updated"] = tonumber(ARGV[5])
          redis.call("SET", skey, cjson.encode(st))
        end
      end
      if flag == "s" then return {q, payload, flag, entry} end
      return {q, payload, flag}
    end
  end
end
return nil
