--[[
  Shared functions, prepended to every script when it is loaded (connection.ts), so every path
  that puts jobs on a queue — enqueue, retry from failed, delayed promotion, recurring firing —
  registers the queue and wakes idle workers the same way.
]]

-- Wake-up tokens: one per pushed job, at most 64 waiting per queue (a token only has to wake an
-- idle worker; a stale one costs a worker one empty reserve). A queue seen for the first time
-- also gets a token on `tsq:wake:*`, which workers on `*` or globs wait on to learn new queues.
local function wake_workers(ns, q, n, is_new)
  local wake = ns .. "tsq:wake:" .. q
  local room = 64 - redis.call("LLEN", wake)
  for _ = 1, math.min(n, room) do redis.call("RPUSH", wake, "1") end
  if is_new then
    local any = ns .. "tsq:wake:*"
    if redis.call("LLEN", any) < 64 then redis.call("RPUSH", any, "1") end
  end
end

-- SADD queues + RPUSH (FIFO with LPOP) + wake-up tokens. Returns the queue's new length.
local function push_jobs(ns, q, payloads)
  local is_new = redis.call("SADD", ns .. "queues", q) == 1
  local len = 0
  for i = 1, #payloads, 1000 do
    len = redis.call("RPUSH", ns .. "queue:" .. q, unpack(payloads, i, math.min(i + 999, #payloads)))
  end
  wake_workers(ns, q, #payloads, is_new)
  return len
end

-- Per queue / per class counters and the per-class duration histogram of a settled job
-- (job-metrics.ts; docs/resque-protocol.md#metrics). `failed_key` is false for a success or retry.
-- Three calls per job on the hot path: jobs processed per class and their count are the sum of the
-- class's bucket fields (the reader adds them up), and the sum is whole microseconds (HINCRBY is
-- exact and cheaper than HINCRBYFLOAT).
local function record_job_metrics(processed_key, failed_key, duration_key, q, cls, micros, le)
  redis.call("HINCRBY", processed_key, "queue:" .. q, 1)
  if failed_key then
    redis.call("HINCRBY", failed_key, "queue:" .. q, 1)
    redis.call("HINCRBY", failed_key, "class:" .. cls, 1)
  end
  redis.call("HINCRBY", duration_key, le .. "|" .. cls, 1)
  redis.call("HINCRBY", duration_key, "sum_us|" .. cls, micros)
end
