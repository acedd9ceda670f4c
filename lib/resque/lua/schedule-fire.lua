--[[
  Fire one recurring schedule for one slot, at most once (docs/resque-protocol.md#recurring-schedules). Everything is
  re-checked here, in the same atomic step that enqueues, so two schedulers racing on the same
  tick, or a command ioredis resends after a reconnect, can never enqueue the slot twice:
  * the entry must still hold the exact config the caller read (an entry edited, disabled or
    deleted since then is left for the next tick);
  * no last slot yet (new entry, re-enabled entry): record this slot and do not fire, so creating
    an entry never fires at once;
  * last slot >= this slot: already fired (or initialised) by someone else;
  * otherwise enqueue with push_jobs (_lib.lua) like every other enqueue path, move the
    last slot, and write resque-scheduler's last_enqueued_at for the dashboard.
  Several missed slots therefore fire once: the caller passes only the latest slot.

  KEYS[1] tsq:schedule:last (HASH name -> slot ms)   KEYS[2] queues   KEYS[3] queue:<q>
  KEYS[4] tsq:wake:<q>   KEYS[5] delayed:last_enqueued_at   KEYS[6] the hash the entry lives in
  (persistent_schedules or the legacy schedules)
  ARGV[1] schedule name   ARGV[2] slot (epoch ms, integer)   ARGV[3] queue name
  ARGV[4] encoded payload   ARGV[5] firing time as Ruby Time#to_s   ARGV[6] the raw config read
  Returns 1 fired, 0 initialised without firing, -1 slot already fired, -2 entry changed since read.
]]
if redis.call("HGET", KEYS[6], ARGV[1]) ~= ARGV[6] then return -2 end
local slot = tonumber(ARGV[2])
local last = redis.call("HGET", KEYS[1], ARGV[1])
if not last then
  redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
  return 0
end
if tonumber(last) >= slot then return -1 end
-- KEYS[2] is <ns>queues: the namespace is its prefix (push_jobs is in _lib.lua).
push_jobs(string.sub(KEYS[2], 1, -7), ARGV[3], { ARGV[4] })
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("HSET", KEYS[5], ARGV[1], ARGV[5])
return 1
