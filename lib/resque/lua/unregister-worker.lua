--[[
  Unregister a worker (Ruby's sequence, docs/resque-protocol.md#registering-and-unregistering) and
  settle its in-flight job: fail it as a dirty exit, or push it back to the head of its queue when
  its class is safe to re-run. The in-flight record is compared with the value the caller read
  (by the SHA-1 of its stored bytes, so a record that is not valid UTF-8 still matches), so two
  pruners racing over the same dead worker settle its job once.

  KEYS[1] workers  KEYS[2] worker:<id>  KEYS[3] worker:<id>:started  KEYS[4] workers:heartbeat
  KEYS[5] stat:processed:<id>  KEYS[6] stat:failed:<id>  KEYS[7] failed  KEYS[8] stat:failed
  KEYS[9] queue:<q> (requeue target, or any key when not requeueing)  KEYS[10] queues
  KEYS[11] worker:ping:<host:pid>
  ARGV[1] worker id   ARGV[2] SHA-1 (hex) of the in-flight value the caller read ("" = none expected)
  ARGV[3] "fail" | "requeue" | "none"   ARGV[4] failure record or raw payload to requeue
  ARGV[5] queue name (for SADD queues on requeue)
  ARGV[6] "keep" to leave node-resque's ping key alone (unregistering one of our own workers: a
          node-resque worker in the same process shares the `host:pid` name)
  Returns {settled, removed}: settled = 1 when the job was failed/requeued, -1 when the
  in-flight record changed since it was read (nothing done), 0 when there was none.
]]
local current = redis.pcall("GET", KEYS[2])
-- A worker:<id> of another Redis type (WRONGTYPE) holds no job anyone can read: it is deleted
-- with the worker, as the caller (which read it as "none") expects.
if type(current) == "table" then current = false end
if (current and redis.sha1hex(current) or "") ~= ARGV[2] then return {-1, 0} end
local settled = 0
if current and ARGV[3] == "fail" then
  redis.call("RPUSH", KEYS[7], ARGV[4])
  redis.call("INCR", KEYS[8])
  settled = 1
elseif current and ARGV[3] == "requeue" then
  redis.call("LPUSH", KEYS[9], ARGV[4])
  redis.call("SADD", KEYS[10], ARGV[5])
  settled = 1
end
local removed = redis.call("SREM", KEYS[1], ARGV[1])
redis.call("DEL", KEYS[2], KEYS[3], KEYS[5], KEYS[6])
if ARGV[6] ~= "keep" then redis.call("DEL", KEYS[11]) end
redis.call("HDEL", KEYS[4], ARGV[1])
return {settled, removed}
