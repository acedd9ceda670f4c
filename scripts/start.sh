#!/usr/bin/env bash
# The one command that starts everything, in the foreground, on a fresh Debian machine with
# Node 20: installs what is missing (npm packages; Debian's redis-server when nothing answers
# at REDIS_URL), builds, then runs Redis (when needed), the web app on http://localhost:3000 and
# the worker supervisor (with the scheduler). Ctrl-C stops them all: workers finish their
# current jobs first, Redis stops last.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup-lib.sh
. scripts/setup-lib.sh
export NEXT_TELEMETRY_DISABLED=1
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
# The demo's jobs mostly wait on SMTP and Redis: ten slots per worker process (README: Concurrency).
export WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-10}"
PORT="${PORT:-3000}"

check_node
npm_install

REDIS_PID=""
REDIS_AT="$REDIS_URL"
if [ -n "${REDIS_SENTINELS:-}" ]; then
  # Sentinel manages the primary: nothing to start here; the CLI bundle reads the same variables
  # as every process (lib/redis.ts) and says in one line what is wrong (no sentinel, wrong name).
  build_workers
  node dist/workers/cli.mjs ping || die "Redis through REDIS_SENTINELS is not usable (the line above says why)"
  REDIS_AT="Sentinel master ${REDIS_SENTINEL_NAME:-mymaster} via $REDIS_SENTINELS"
elif [ -n "${REDIS_CLUSTER:-}" ]; then
  # A Redis Cluster: nothing to start here either; `ping` also refuses a namespace without a hash tag.
  build_workers
  node dist/workers/cli.mjs ping || die "Redis through REDIS_CLUSTER is not usable (the line above says why)"
  REDIS_AT="Redis Cluster via $REDIS_CLUSTER"
elif ! node scripts/redis-ping.mjs "$REDIS_URL"; then
  read -r rhost rport < <(node -e 'const u=new URL(process.argv[1]); console.log((u.hostname||"127.0.0.1")+" "+(u.port||6379))' "$REDIS_URL")
  case "$rhost" in
    127.*|localhost|::1|\[::1\]) ;;
    *) die "nothing answers at REDIS_URL=$REDIS_URL, and it is not this machine: start that Redis or change REDIS_URL" ;;
  esac
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p data/redis
  log "starting redis-server on $rhost:$rport (data in data/redis, append-only file on)"
  setsid redis-server --port "$rport" --bind 127.0.0.1 --dir "$PWD/data/redis" --appendonly yes --save "" \
    --logfile "$PWD/data/redis/redis.log" &
  REDIS_PID=$!
  for _ in $(seq 1 100); do node scripts/redis-ping.mjs "$REDIS_URL" && break; sleep 0.2; done
  node scripts/redis-ping.mjs "$REDIS_URL" || die "redis-server did not start; see data/redis/redis.log"
fi

build_workers
node dist/workers/cli.mjs setup || die "database setup failed"
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib proxy.ts instrumentation.ts next.config.js postcss.config.mjs package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
  log "building the web app (next build)"
  npx next build >/dev/null || { npx next build; die "next build failed"; }
fi

WEB_PID=""; SUP_PID=""
stopping=0
stop_all() {
  [ $stopping = 1 ] && return
  stopping=1
  log "stopping: workers finish their current jobs"
  [ -n "$SUP_PID" ] && kill -QUIT "$SUP_PID" 2>/dev/null || true
  [ -n "$WEB_PID" ] && kill -TERM "$WEB_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$SUP_PID" 2>/dev/null || break
    sleep 0.1
  done
  # Still busy after 30 s: stop now (jobs in flight become dirty-exit failures, retryable).
  kill -0 "$SUP_PID" 2>/dev/null && kill -TERM "$SUP_PID" 2>/dev/null || true
  wait "$SUP_PID" "$WEB_PID" 2>/dev/null || true
  if [ -n "$REDIS_PID" ]; then kill -TERM "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  log "stopped"
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

# The preload gives the app each connection's own address (per-address sign-in limits) and drops
# client X-Forwarded-* headers unless TRUST_PROXY=1: see scripts/peer-address.mjs.
setsid node --import ./scripts/peer-address.mjs node_modules/next/dist/bin/next start -p "$PORT" &
WEB_PID=$!
setsid node dist/workers/cli.mjs work &
SUP_PID=$!
log "web app on http://localhost:$PORT · workers on QUEUE=${QUEUE:-*} × $WORKER_CONCURRENCY slots · Redis at $(node -e 'const u=new URL(process.argv[1]); if (u.password) u.password="***"; console.log(u.toString())' "$REDIS_AT" 2>/dev/null || echo "$REDIS_AT") · Ctrl-C stops everything"

# If any service exits on its own, stop the others and report it.
set +e
wait -n "$WEB_PID" "$SUP_PID"
rc=$?
[ $stopping = 0 ] && log "a service exited (code $rc); stopping the rest"
exit $rc
