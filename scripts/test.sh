#!/usr/bin/env bash
# The one command that runs every test, unattended, on a fresh Debian machine with Node 20:
# installs what is missing (redis-server, npm packages), builds the worker bundle, runs the static
# gates (scripts/check.sh), then vitest, and ends with the CPU time the run used, the 15 slowest
# tests and the plain line "N passed, N failed". The slow steps overlap: better-sqlite3 compiles
# beside the gates, and the production build runs beside the gates and then the unit and
# integration files (the e2e files, last, wait for it).
set -uo pipefail
cd "$(dirname "$0")/.."
cpu_at_start=$(head -n 1 /proc/stat 2>/dev/null)
# shellcheck source=scripts/setup-lib.sh
. scripts/setup-lib.sh
export NEXT_TELEMETRY_DISABLED=1

check_node
command -v redis-server >/dev/null || apt_install redis-server
# e2e tests drive Debian's chromium-headless-shell (no Playwright download; tests/helpers/browser.ts
# says why not the desktop chromium); Noto CJK renders zh-CN screenshots.
# tests/e2e/metrics.test.ts runs Debian's prometheus binary on a port of its own (the package's
# service, where systemd starts it, is not used). The *-pg projects run the database tests again
# on Debian's PostgreSQL 15: tests/setup/postgres.ts runs initdb and its own server on a free
# port (the package's cluster, if its service starts, is not used). `npm start` needs none of it.
apt_install chromium-headless-shell fonts-liberation fonts-noto-cjk prometheus postgresql
npm_install defer
build_workers

# The static gates first: a type error, a lint error, a forbidden import, an import cycle or an
# unformatted file fails the run before any test starts (scripts/check.sh; `npm run check`).
log "static checks: types, lint and import boundaries, format, import cycles"
# The e2e tests need a production build (tests/setup/next-build.ts builds when sources are newer);
# on a full run it starts now, beside the gates, and the e2e files wait for it (or fail with its
# output). A run of named files leaves it to vitest's global setup.
# Both run at a lower priority than the compile of better-sqlite3 (npm_install defer): that one
# process is what the tests wait for, and on 2 cores the gates and the build would otherwise take
# turns with it (measured: the compile ended 55 s after the gates and the build had).
build_pid=
if [ $# -eq 0 ]; then
  nice -n 10 npx --no-install tsx -e 'import("./tests/setup/next-build.ts").then((m) => m.ensureNextBuild())' >.next-build.log 2>&1 &
  build_pid=$!
fi
nice -n 10 bash scripts/check.sh
gates_failed=$?
if [ "$gates_failed" -ne 0 ]; then
  [ -n "$build_pid" ] && kill "$build_pid" 2>/dev/null
  echo "0 passed, $gates_failed failed"
  exit 1
fi
if ! wait_npm_scripts; then
  [ -n "$build_pid" ] && kill "$build_pid" 2>/dev/null
  echo "0 passed, 1 failed"
  exit 1
fi

# One line on the machine's cores since cpu_at_start (the first line of /proc/stat: user, nice,
# system, idle, iowait, irq, softirq, steal, in ticks), with the busy time in core-seconds.
cpu_summary() {
  [ -n "$cpu_at_start" ] || return 0
  awk -v a="$cpu_at_start" -v b="$(head -n 1 /proc/stat)" -v hz="$(getconf CLK_TCK)" -v wall="$SECONDS" \
    -v cores="$(nproc)" 'BEGIN {
      split(a, x); split(b, y); busy = 0; all = 0
      for (i = 2; i <= 9; i++) { d = y[i] - x[i]; all += d; if (i != 5 && i != 6 && i != 9) busy += d }
      printf "\ncpu: %d cores %d%% busy over %d s (%d core-seconds, every process on the machine)\n",
        cores, 100 * busy / (all > 0 ? all : 1), wall, busy / hz
    }'
}

report=.vitest-report.json
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
rc=$?
# The build ended before the e2e files started; this only reaps it.
[ -n "$build_pid" ] && wait "$build_pid" 2>/dev/null
# How busy the cores were over the run, from the kernel's own counters: near 100 %, the run is
# bound by its work, and running more files at once cannot make it shorter — only less work can.
# Not bash's `times`: it counts only processes a parent waited for, and a browser's are not all.
cpu_summary
if [ -f "$report" ]; then
  # The 15 slowest tests (where a faster loop would start), then the line CI reads.
  node -e '
    const r = require("./'"$report"'");
    const all = r.testResults.flatMap((f) => f.assertionResults.map((a) => ({ ms: a.duration ?? 0, name: f.name.replace(process.cwd() + "/", "") + " › " + a.title })));
    all.sort((a, b) => b.ms - a.ms);
    console.log("\nslowest tests:");
    for (const a of all.slice(0, 15)) console.log(`${(a.ms / 1000).toFixed(1).padStart(7)} s  ${a.name.slice(0, 150)}`);
    console.log(r.numPassedTests + " passed, " + r.numFailedTests + " failed" + (r.numPendingTests ? ", " + r.numPendingTests + " skipped" : ""));'
else
  echo "0 passed, 1 failed"
  [ $rc -eq 0 ] && rc=1
fi
exit $rc
