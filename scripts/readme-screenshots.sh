#!/usr/bin/env bash
# Copies the README's screenshots from the last e2e run into docs/screenshots/. The e2e file
# that draws them saves every screenshot under tests/.artifacts/screenshots/ (gitignored):
#   npx vitest run tests/e2e/layout.test.ts && bash scripts/readme-screenshots.sh
# Look at the PNGs before committing them.
set -euo pipefail
cd "$(dirname "$0")/.."
src=tests/.artifacts/screenshots
copy() {
  if [[ ! -f $src/$1 ]]; then
    echo "missing $src/$1: run npx vitest run tests/e2e/layout.test.ts first" >&2
    exit 1
  fi
  cp "$src/$1" "docs/screenshots/$2"
  echo "docs/screenshots/$2 <- $src/$1"
}
copy layout-overview-1280-en-US-light.png overview.png
copy layout-failed-390-en-US-light.png phone-en.png
copy layout-failed-390-zh-CN-light.png phone-zh-CN.png
