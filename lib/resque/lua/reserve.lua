--[[
  Finish the jobs that ended and reserve jobs for a process's free slots, atomically, in one
  round trip. Every slot is its own Resque worker (docs/resque-protocol.md#concurrency-slots): a
  job is always in exactly one place — its queue list, or one slot's `worker:<id>` key.

  Settled by stored bytes (docs/resque-protocol.md#settling-by-stored-bytes): the caller names each
  entry to finish by the SHA-1 of the bytes this script stored, never by a copy of them. A copy
  that crossed into Node as text is not the same bytes when the payload is not valid UTF-8 (the
  decoder replaces the bad bytes), and a compare against it would never match: the finish would
  be a no-op and the next call would hand the same entry back forever.

  Safe to resend after a lost reply (ioredis resends unanswered commands on reconnect): a finish
  only applies while its `worker:<id>` still holds the entry being finished, and a slot whose
  `worker:<id>` already holds an entry gets that entry back (flag "r") instead of another job.

  A queue key that is not a list (someone's HSET on `queue:x`) is skipped, not fatal: LPOP runs
  under redis.pcall (cheaper than a TYPE per queue per call, and it answers the same question)
  and the queue's name is reported back so the worker can log it; later queues still run.

  Per-class limits (a class's `static concurrency`): a popped job whose class has no room left in
  this process goes back to the head of its queue and the next SCAN_LIMITED jobs are searched for
  one that may run, which is taken out with LREM (its first occurrence is the one found: every
  earlier entry was refused, so none holds the same bytes).

  KEYS[1]  stat:processed
  KEYS[2]  pause-all-workers              Ruby global pause ("true", trimmed, any case)
  KEYS[3]  pause:all                      resque-pause global pause (any value)
  KEYS[4]  tsq:metrics:processed          KEYS[5] tsq:metrics:duration (job-metrics.ts)
  then F pairs  worker:<id>, stat:processed:<id>      slots whose job ended (to finish)
  then R keys   worker:<id>                           free slots (to reserve into)
  then Q pairs  queue:<q>, pause:queue:<q>            in priority order

  ARGV[1] F   ARGV[2] R   ARGV[3] Q   ARGV[4] L (limited class names)
  ARGV[5]  run_at (ISO 8601 UTC)
  ARGV[6]  now, unix seconds (php status `updated`)
  ARGV[7]  namespace, for the php `job:<id>:status` keys
  then F × 6    SHA-1 (hex) of the entry to finish, its status key ("" if none), and its queue,
                class, duration (µs) and bucket for the metrics hashes
  then R        node-resque worker name of each reserving slot (`worker` field of the entry:
                node-resque's allWorkingOn() keys its answer by it)
  then L × 3    class name, limit group, room left in this process
  then Q × 2    queue name, queue name JSON-encoded by the caller

  Returns {kind, nWrong, wrong..., then per reserved job: slot, queue, raw, flag, digest}
    kind "none" (R = 0), "idle" (nothing to run), "paused" (a global pause is on), "jobs"
    slot    1-based position among the R reserving slots
    raw     the payload exactly as it was queued ("r": the whole entry found, queue "")
    flag    "s" when the payload is not a JSON object (stored in the entry as a JSON string so
            the entry stays valid JSON for every reader), "r" for an entry left by a previous call
    digest  SHA-1 of the entry now in that slot's `worker:<id>`
]]
local SCAN_LIMITED = 100
local F, R, Q, L = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local run_at, now, ns = ARGV[5], tonumber(ARGV[6]), ARGV[7]
local a = 7
-- Keys this call emptied: a slot finished here and reserved again needs no second GET.
local emptied = {}
for i = 1, F do
  local wkey, pkey = KEYS[5 + 2 * i - 1], KEYS[5 + 2 * i]
  local existing = redis.call("GET", wkey)
  if existing and redis.sha1hex(existing) == ARGV[a + 1] then
    redis.call("DEL", wkey)
    emptied[wkey] = true
    redis.call("INCR", KEYS[1])
    redis.call("INCR", pkey)
    record_job_metrics(KEYS[4], false, KEYS[5], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6])
    local skey = ARGV[a + 2]
    if skey ~= "" and redis.call("EXISTS", skey) == 1 then
      redis.call("SET", skey, cjson.encode({status = 4, updated = now}), "EX", 86400)
    end
  end
  a = a + 6
end
if R == 0 then return {"none", 0} end
local rk = 5 + 2 * F
local names_at = a
a = a + R
local group_of, room = {}, {}
for i = 1, L do
  group_of[ARGV[a + 1]] = ARGV[a + 2]
  room[ARGV[a + 2]] = tonumber(ARGV[a + 3])
  a = a + 3
end
local qk, qa = rk + R, a

local out = {}
local found = 0
local free = {}
for s = 1, R do
  local existing = false
  if not emptied[KEYS[rk + s]] then existing = redis.call("GET", KEYS[rk + s]) end
  if existing then
    found = found + 1
    for _, v in ipairs({tostring(s), "", existing, "r", redis.sha1hex(existing)}) do out[#out + 1] = v end
  else
    free[#free + 1] = s
  end
end

local wrong = {}
local function reply(kind)
  local r = {kind, tostring(#wrong)}
  for _, w in ipairs(wrong) do r[#r + 1] = w end
  for _, v in ipairs(out) do r[#r + 1] = v end
  return r
end

if #free > 0 then
  local pause = redis.call("MGET", KEYS[2], KEYS[3])
  local all = pause[1]
  if (all and string.lower(string.gsub(all, "^%s*(.-)%s*$", "%1")) == "true") or pause[2] then
    return reply(found > 0 and "jobs" or "paused")
  end
end

local function decode(payload)
  local ok, decoded = pcall(cjson.decode, payload)
  if ok and type(decoded) == "table" and string.sub(payload, 1, 1) == "{" then return decoded end
  return nil
end
local function refused(decoded)
  if L == 0 or not decoded then return false end
  local g = group_of[decoded["class"]]
  return g ~= nil and room[g] <= 0
end

-- Takes the first job of a queue that may run here; false when none, a table on WRONGTYPE.
local function take(qkey)
  local payload = redis.pcall("LPOP", qkey)
  if type(payload) ~= "string" then return payload, nil end
  local decoded = decode(payload)
  if not refused(decoded) then return payload, decoded end
  redis.call("LPUSH", qkey, payload)
  local items = redis.call("LRANGE", qkey, 1, SCAN_LIMITED)
  for _, p in ipairs(items) do
    local d = decode(p)
    if not refused(d) then
      redis.call("LREM", qkey, 1, p)
      return p, d
    end
  end
  return false, nil
end

-- done[i]: queue i has nothing for this call (paused, empty, refused or of the wrong type);
-- a queue's pause key is read once per call, not once per slot.
local done, checked = {}, {}
local fi = 1
while fi <= #free do
  local s = free[fi]
  local got, decoded, q, qjson = false, nil, nil, nil
  for i = 1, Q do
    if not done[i] then
      local qkey, pkey = KEYS[qk + 2 * i - 1], KEYS[qk + 2 * i]
      if not checked[i] then
        checked[i] = true
        done[i] = redis.call("EXISTS", pkey) == 1
      end
      if not done[i] then
        local payload, d = take(qkey)
        if type(payload) == "table" then
          -- WRONGTYPE: the only error LPOP can give on an existing key. Nothing was written.
          wrong[#wrong + 1] = ARGV[qa + 2 * i - 1]
          done[i] = true
        elseif payload then
          got, decoded, q, qjson = payload, d, ARGV[qa + 2 * i - 1], ARGV[qa + 2 * i]
          break
        else
          done[i] = true
        end
      end
    end
  end
  if not got then break end
  local embedded, flag = got, ""
  -- cjson refuses nesting deeper than 1000 and malformed text: both become flag "s".
  if not decoded then
    embedded = cjson.encode(got)
    flag = "s"
  end
  local entry = '{"queue":' .. qjson .. ',"run_at":"' .. run_at .. '","payload":' .. embedded ..
    ',"worker":' .. cjson.encode(ARGV[names_at + s]) .. '}'
  redis.call("SET", KEYS[rk + s], entry)
  if decoded then
    local g = group_of[decoded["class"]]
    if g ~= nil then room[g] = room[g] - 1 end
    if type(decoded["id"]) == "string" then
      local skey = ns .. "job:" .. decoded["id"] .. ":status"
      -- A status key of another type or holding no JSON object is left alone: a pcall'd
      -- error after the SET above would otherwise fail the call with the job already taken.
      local st_raw = redis.pcall("GET", skey)
      local sok, st = false, nil
      if type(st_raw) == "string" then sok, st = pcall(cjson.decode, st_raw) end
      if sok and type(st) == "table" then
        st["status"] = 2
        st["updated"] = now
        redis.call("SET", skey, cjson.encode(st))
      end
    end
  end
  found = found + 1
  for _, v in ipairs({tostring(s), q, got, flag, redis.sha1hex(entry)}) do out[#out + 1] = v end
  fi = fi + 1
end
return reply(found > 0 and "jobs" or "idle")
