#!/usr/bin/env bash
# check_catches_gap.sh CHECKER PROGRAM PAGE: the coverage checker must notice a page that lost
# one option of one subcommand (events --since), one subsection (## keys export), or the
# top-level --version, each in turn.
set -uo pipefail
checker=$1 prog=$2 page=$3
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
"$checker" "$prog" "$page" >/dev/null || { echo "FAIL: the page itself does not pass"; exit 1; }
fail=0
try() {
  local what=$1 script=$2
  sed "$script" "$page" >"$tmp/page.scd"
  cmp -s "$page" "$tmp/page.scd" && { echo "FAIL: removing $what changed nothing (test out of date)"; fail=1; return; }
  if "$checker" "$prog" "$tmp/page.scd" >"$tmp/out" 2>&1; then
    echo "FAIL: the checker passed a page without $what"; fail=1
  else
    echo "ok: caught the page without $what: $(grep missing "$tmp/out" | head -1)"
  fi
}
try "events --since" '/^## events$/,/^## /{/--since/d}'
try "the keys export subsection" 's/^## keys export$/## keys exp/'
try "--version" '/--version/d'
exit $fail
