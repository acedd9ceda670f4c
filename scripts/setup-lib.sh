# Shared install steps for scripts/start.sh and scripts/test.sh: install only what is missing.
# shellcheck shell=bash

log() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

check_node() {
  command -v node >/dev/null || die "Node.js 20 is required (node was not found on PATH)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a===20&&b>=19?0:1)' \
    || die "Node.js >=20.19 <21 is required; this is $(node --version)"
}

APT_UPDATED=0
apt_install() {
  # $@: Debian packages; installs those not yet installed.
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then SUDO=sudo; else die "need root to install ${missing[*]} (apt-get install -y ${missing[*]})"; fi
  fi
  log "installing Debian packages: ${missing[*]}"
  if [ $APT_UPDATED = 0 ]; then ${SUDO:-} apt-get -o DPkg::Lock::Timeout=300 update -qq || die "apt-get update failed"; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

npm_install() {
  # npm ci when node_modules is missing or older than the lock file. With "defer", the packages'
  # install scripts run in the background (npm rebuild): compiling better-sqlite3 is a minute of
  # one core that the caller overlaps with work that does not load it, then calls
  # wait_npm_scripts before anything opens a database.
  NPM_SCRIPTS_PID=
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (npm ci; compiling better-sqlite3 takes a minute or more the first time)"
    if [ "${1:-}" = defer ]; then
      npm ci --no-audit --no-fund --loglevel=error --ignore-scripts || die "npm ci failed"
    else
      npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
    fi
  fi
  # Also after an earlier deferred run was interrupted before the addon was linked.
  if [ ! -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
    if [ "${1:-}" = defer ]; then
      npm rebuild --loglevel=error >.npm-rebuild.log 2>&1 &
      NPM_SCRIPTS_PID=$!
    else
      npm rebuild --loglevel=error || die "npm rebuild (the packages' install scripts) failed"
    fi
  fi
}

wait_npm_scripts() {
  # Returns non-zero, with the output, when the deferred install scripts failed.
  [ -z "${NPM_SCRIPTS_PID:-}" ] && return 0
  if ! wait "$NPM_SCRIPTS_PID"; then
    cat .npm-rebuild.log
    return 1
  fi
}

build_workers() {
  node scripts/build-workers.mjs --if-stale || die "building the worker bundle failed"
}
