--[[
  Reschedule a failed attempt through the delayed queue instead of recording a failure, atomically
  with releasing the worker's in-flight entry (only while that entry is still the job's, named
  by the SHA-1 of its stored bytes as in reserve.lua).

  KEYS[1] worker:<id>   KEYS[2] stat:processed   KEYS[3] stat:processed:<id>
  KEYS[4] delayed:<ts>   KEYS[5] timestamps:<item>   KEYS[6] delayed_queue_schedule
  KEYS[7] tsq:stat:retried   KEYS[8] tsq:scheduler:wake   KEYS[9] tsq:retry:<sha1 of item>
  KEYS[10] tsq:metrics:processed   KEYS[11] tsq:metrics:duration
  ARGV[1] SHA-1 (hex) of the in-flight entry   ARGV[2] delayed item   ARGV[3] ts   ARGV[4] RetryNote JSON   ARGV[5] its TTL (s)
  ARGV[6..9] the attempt's queue, class, duration (µs) and bucket, for the metrics hashes (job-metrics.ts)
  Returns 1 when rescheduled, 0 when the entry was no longer there.
]]
local current = redis.call("GET", KEYS[1])
if not current or redis.sha1hex(current) ~= ARGV[1] then return 0 end
-- The delayed item first: if it errors (a key of another type), the job is still in flight.
redis.call("RPUSH", KEYS[4], ARGV[2])
redis.call("DEL", KEYS[1])
redis.call("INCR", KEYS[2])
redis.call("INCR", KEYS[3])
redis.call("SADD", KEYS[5], "delayed:" .. ARGV[3])
redis.call("ZADD", KEYS[6], ARGV[3], ARGV[3])
redis.call("INCR", KEYS[7])
record_job_metrics(KEYS[10], false, KEYS[11], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
redis.call("RPUSH", KEYS[8], "1")
redis.call("LTRIM", KEYS[8], -1, -1)
redis.call("SET", KEYS[9], ARGV[4], "EX", ARGV[5])
return 1
