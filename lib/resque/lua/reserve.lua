--[[
  Finish the previous job (optional) and reserve the next one, atomically, in one round trip.
  A job is always in exactly one place: its queue list, or this worker's `worker:<id>` key.

  Settled by stored bytes (docs/resque-protocol.md#settling-by-stored-bytes): the caller names the
  entry to finish by the SHA-1 of the bytes this script stored, never by a copy of them. A copy
  that crossed into Node as text is not the same bytes when the payload is not valid UTF-8 (the
  decoder replaces the bad bytes), and a compare against it would never match: the finish would
  be a no-op and the next call would hand the same entry back forever.

  Safe to resend after a lost reply (ioredis resends unanswered commands on reconnect): the
  finish only applies while `worker:<id>` still holds the entry being finished, and a reserve
  that finds an entry already there returns it instead of taking another job.

  A queue key that is not a list (someone's HSET on `queue:x`) is skipped, not fatal: LPOP runs
  under redis.pcall (cheaper than a TYPE per queue per call, and it answers the same question)
  and the queue's name is reported back so the worker can log it; later queues still run.

  KEYS[1]  worker:<id>                    in-flight record of this worker
  KEYS[2]  stat:processed
  KEYS[3]  stat:processed:<id>
  KEYS[4]  pause-all-workers              Ruby global pause ("true", trimmed, any case)
  KEYS[5]  pause:all                      resque-pause global pause (any value)
  KEYS[6]  tsq:metrics:processed          KEYS[7] tsq:metrics:duration (job-metrics.ts)
  KEYS[8..] pairs of queue:<q>, pause:queue:<q>, in priority order

  ARGV[1]  SHA-1 (hex) of the in-flight entry to finish ("" = nothing to finish): DEL it, INCR
           processed counters
  ARGV[2]  status key of the finished job ("" if none): set to complete when it exists
  ARGV[3]  "1" to reserve a job after finishing
  ARGV[4]  run_at (ISO 8601 UTC)
  ARGV[5]  now, unix seconds (php status `updated`)
  ARGV[6]  namespace, for the php `job:<id>:status` key of the reserved job
  ARGV[7..10] the finished job's queue, class, duration (µs) and bucket, for the metrics hashes
  ARGV[11..] pairs of queue name, queue name JSON-encoded by the caller, same order as KEYS

  Returns nil when no reserve was asked for, else a table whose first element says what it is:
    {"idle", wrong...}                       nothing to run
    {"paused"}                               a global pause is on
    {"job", queue, raw, flag, digest, wrong...}
  `raw` is the payload exactly as it was queued; `digest` is the SHA-1 of the entry now in
  `worker:<id>` (what the caller passes back to finish, fail or retry it). flag "s" when the
  payload is not a JSON object (stored in the entry as a JSON string so the entry stays valid
  JSON for every reader), "r" when an entry left by a previous call was found: `raw` is then that
  whole entry and `queue` is "" (the caller parses it). `wrong...` are the names of queues whose
  key held another Redis type and were skipped.
]]
local existing = redis.call("GET", KEYS[1])
if ARGV[1] ~= "" and existing and redis.sha1hex(existing) == ARGV[1] then
  redis.call("DEL", KEYS[1])
  existing = false
  redis.call("INCR", KEYS[2])
  redis.call("INCR", KEYS[3])
  record_job_metrics(KEYS[6], false, KEYS[7], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
  if ARGV[2] ~= "" and redis.call("EXISTS", ARGV[2]) == 1 then
    redis.call("SET", ARGV[2], cjson.encode({status = 4, updated = tonumber(ARGV[5])}), "EX", 86400)
  end
end
if ARGV[3] ~= "1" then return nil end
if existing then return {"job", "", existing, "r", redis.sha1hex(existing)} end

local pause = redis.call("MGET", KEYS[4], KEYS[5])
local all = pause[1]
if all and string.lower(string.gsub(all, "^%s*(.-)%s*$", "%1")) == "true" then return {"paused"} end
if pause[2] then return {"paused"} end

local wrong = {}
local n = (#KEYS - 7) / 2
for i = 1, n do
  local qkey = KEYS[7 + 2 * i - 1]
  local pkey = KEYS[7 + 2 * i]
  if redis.call("EXISTS", pkey) == 0 then
    local payload = redis.pcall("LPOP", qkey)
    if type(payload) == "table" then
      -- WRONGTYPE: the only error LPOP can give on an existing key. Nothing was written.
      wrong[#wrong + 1] = ARGV[10 + 2 * i - 1]
    elseif payload then
      local q = ARGV[10 + 2 * i - 1]
      local qjson = ARGV[10 + 2 * i]
      -- cjson refuses nesting deeper than 1000 and malformed text: both become flag "s".
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
        -- A status key of another type or holding no JSON object is left alone: a pcall'd
        -- error after the SET above would otherwise fail the call with the job already taken.
        local got = redis.pcall("GET", skey)
        local sok, st = false, nil
        if type(got) == "string" then sok, st = pcall(cjson.decode, got) end
        if sok and type(st) == "table" then
          st["status"] = 2
          st["updated"] = tonumber(ARGV[5])
          redis.call("SET", skey, cjson.encode(st))
        end
      end
      local reply = {"job", q, payload, flag, redis.sha1hex(entry)}
      for _, w in ipairs(wrong) do reply[#reply + 1] = w end
      return reply
    end
  end
end
local reply = {"idle"}
for _, w in ipairs(wrong) do reply[#reply + 1] = w end
return reply
