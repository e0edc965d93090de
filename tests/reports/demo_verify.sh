#!/usr/bin/env bash
# `lockdiag demo` ends with "Try: lockdiag report verify ..."; that command must work exactly
# as printed, from a fresh shell that shares nothing with the demo but the files. The demo's
# report must also verify with stock ssh-keygen and name the demo company.
# Usage: demo_verify.sh BIN_DIR
set -euo pipefail
BIN=$1
T=$(mktemp -d "/tmp/lockdiag demo.XXXXXX")   # a space in the path: the printed command must quote it
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$(env HOME="$T/home" XDG_DATA_HOME= XDG_CONFIG_HOME= PATH="$BIN:$PATH" lockdiag demo --dir "$T/demo" 2>"$T/err") \
  || { cat "$T/err" >&2; fail "demo failed"; }
grep -q "Signature:      valid (Sam Okafor, certified by Harbour Lock & Key)" <<<"$out" || fail "demo verdict: $out"
cmd=$(grep '^Try: ' <<<"$out" | sed 's/^Try: //')
[ -n "$cmd" ] || fail "no Try: line"
mkdir -p "$T/other"
res=$(cd / && env -i ${LSAN_OPTIONS:+LSAN_OPTIONS="$LSAN_OPTIONS"} HOME="$T/other" PATH="$BIN:/usr/bin:/bin" bash -c "$cmd") || fail "printed command failed: $cmd"
grep -q "certified by Harbour Lock & Key until" <<<"$res" || fail "verify output: $res"
# The same report with OpenSSH alone.
report=$(ls "$T/demo/reports/"*.report.json)
head -n 1 "$report" > "$T/r.msg"
tail -n +2 "$report" > "$T/r.sig"
TIME=$(grep -o '"signed_at":"[^"]*"' "$T/r.msg" | cut -d'"' -f4 | tr -dc 0-9)Z
ssh-keygen -Y verify -f "$T/demo/company/company.allowed_signers" -I sam.okafor -n lockdiag-report@lockdiag.example \
  -s "$T/r.sig" -r "$T/demo/company/company.krl" -Overify-time="$TIME" < "$T/r.msg" || fail "ssh-keygen refused the demo report"
echo "demo verify: ok"
