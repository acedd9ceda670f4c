#!/usr/bin/env bash
# The static gates, run first by `npm test` (and so by CI), and alone by `npm run check`:
# types over the whole project, lint with the import boundaries, formatting, import cycles.
# They run side by side (each is one process; tsc is the long pole) and each prints its own
# findings; the exit status is the number of gates that failed.
set -uo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A cmds=(
  [types]="npx --no-install tsc --noEmit -p tsconfig.json"
  [lint]="npx --no-install eslint . --max-warnings 0"
  [format]="npx --no-install prettier --check --log-level warn \"**/*.{ts,tsx,mjs,js,css}\""
  [cycles]="npx --no-install madge --circular --no-spinner --extensions ts,tsx --ts-config tsconfig.json app components lib jobs workers bench scripts tests"
)
declare -A pids=()
for gate in types lint format cycles; do
  bash -c "${cmds[$gate]}" >"$out/$gate" 2>&1 &
  pids[$gate]=$!
done

failed=0
for gate in types lint format cycles; do
  if wait "${pids[$gate]}"; then
    printf 'check %-7s ok\n' "$gate"
  else
    failed=$((failed + 1))
    printf 'check %-7s FAILED: %s\n' "$gate" "${cmds[$gate]}"
    sed 's/^/    /' "$out/$gate" | tail -n 60
  fi
done
exit "$failed"
