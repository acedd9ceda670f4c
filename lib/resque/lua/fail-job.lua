--[[
  Record the failure of the job this worker is running, atomically with releasing it.
  Processed is counted for failures too (Ruby and php semantics, docs/resque-protocol.md#counters).
  Applies only while `worker:<id>` still holds the entry of that job, so a resent call (lost
  reply) cannot record the failure twice. The entry is named by the SHA-1 of its stored bytes
  (reserve.lua says why a copy of the bytes will not do).

  KEYS[1] worker:<id>   KEYS[2] failed   KEYS[3] stat:failed   KEYS[4] stat:failed:<id>
  KEYS[5] stat:processed   KEYS[6] stat:processed:<id>
  KEYS[7] tsq:metrics:processed   KEYS[8] tsq:metrics:failed   KEYS[9] tsq:metrics:duration
  ARGV[1] failure record (JSON, built around the raw payload)
  ARGV[2] status key ("" if none): set to failed when it exists
  ARGV[3] now (unix seconds)
  ARGV[4] SHA-1 (hex) of the in-flight entry of the failed job, as reserve.lua returned it
  ARGV[5..8] its queue, class, duration (µs) and bucket, for the metrics hashes (job-metrics.ts)
  Returns 1 when recorded, 0 when the entry was no longer there.
]]
local current = redis.call("GET", KEYS[1])
if not current or redis.sha1hex(current) ~= ARGV[4] then return 0 end
-- RPUSH first: a script that errors (a `failed` key of another type) stops at its first write,
-- and Redis does not roll back, so the job must not have been released yet.
redis.call("RPUSH", KEYS[2], ARGV[1])
redis.call("DEL", KEYS[1])
redis.call("INCR", KEYS[3])
redis.call("INCR", KEYS[4])
redis.call("INCR", KEYS[5])
redis.call("INCR", KEYS[6])
record_job_metrics(KEYS[7], KEYS[8], KEYS[9], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
if ARGV[2] ~= "" and redis.call("EXISTS", ARGV[2]) == 1 then
  redis.call("SET", ARGV[2], cjson.encode({status = 3, updated = tonumber(ARGV[3])}), "EX", 86400)
end
return 1
