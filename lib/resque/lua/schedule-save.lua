--[[
  Store one recurring schedule config in resque-scheduler's layout (docs/resque-protocol.md#recurring-schedules) and
  signal the change the way RS's set_schedule does (SADD schedules_changed), checking the
  precondition in the same atomic step:
  * "create": refuse when the name exists;
  * "upsert": last writer wins (RS's set_schedule);
  * "replace": compare-and-set, only when the stored config is still ARGV[4] byte for byte
    (enable/disable edit the stored string in place).
  An entry that did not exist before, or ARGV[5] = "1" (re-enabling), drops its last fired slot,
  so the scheduler's next tick records the current slot without firing: a new or re-enabled entry
  starts with its next slot instead of catching up. An edit keeps the slot, so a changed cron
  takes effect on the next tick without a burst.

  KEYS[1] persistent_schedules   KEYS[2] schedules_changed   KEYS[3] tsq:schedule:last
  ARGV[1] name   ARGV[2] config JSON   ARGV[3] "create" | "upsert" | "replace"
  ARGV[4] expected stored config ("replace" only)   ARGV[5] "1" to drop the last fired slot
  Returns 1 stored, 0 refused (exists for "create"; changed or missing for "replace").
]]
local current = redis.call("HGET", KEYS[1], ARGV[1])
local mode = ARGV[3]
if mode == "create" and current then return 0 end
if mode == "replace" and current ~= ARGV[4] then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("SADD", KEYS[2], ARGV[1])
if (not current) or ARGV[5] == "1" then redis.call("HDEL", KEYS[3], ARGV[1]) end
return 1
