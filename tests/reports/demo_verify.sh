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
# The virtual lock attested on arrival and on leaving, under the TEST-ONLY CA, named as such.
grep -q "^  Lock:           lock attested by TEST-ONLY manufacturer CA (not a real lock): serial " <<<"$out" || fail "demo lock line: $out"
grep -qx "lock attested by TEST-ONLY manufacturer CA (not a real lock): serial [^ ]*" <<<"$res" || fail "printed command's attestation line: $res"
report=$(ls "$T/demo/reports/"*.report.json)
# The TEST-ONLY CA is never trusted silently: without the demo's --manufacturer it fails (exit 6)...
company=$(ls "$T/demo/company/company.allowed_signers")
set +e
bad=$(cd / && env -i HOME="$T/other" PATH="$BIN:/usr/bin:/bin" lockdiag report verify "$report" --company "$company" 2>&1); rc=$?
set -e
[ $rc -eq 6 ] || fail "verify without the TEST-ONLY CA exited $rc: $bad"
grep -q "what the lock signed does not match the report" <<<"$bad" || fail "no attestation failure: $bad"
# ...and the demo's own config dir (manufacturers/) is what trusts it.
cfg=$(cd / && env -i HOME="$T/other" XDG_CONFIG_HOME="$T/demo/config" PATH="$BIN:/usr/bin:/bin" lockdiag report verify "$report" --company "$company") \
  || fail "verify with the demo's config dir failed"
grep -q "^lock attested by TEST-ONLY manufacturer CA (not a real lock)" <<<"$cfg" || fail "config dir verdict: $cfg"
# The PDF says it in one line.
if command -v pdftotext >/dev/null; then
  pdftotext "${report%.json}.pdf" - | tr '\n' ' ' | grep -q "TEST-ONLY manufacturer CA" || fail "the PDF has no attestation line"
fi
# The same report with OpenSSH alone.
head -n 1 "$report" > "$T/r.msg"
tail -n +2 "$report" > "$T/r.sig"
TIME=$(grep -o '"signed_at":"[^"]*"' "$T/r.msg" | cut -d'"' -f4 | tr -dc 0-9)Z
ssh-keygen -Y verify -f "$T/demo/company/company.allowed_signers" -I sam.okafor -n lockdiag-report@lockdiag.example \
  -s "$T/r.sig" -r "$T/demo/company/company.krl" -Overify-time="$TIME" < "$T/r.msg" || fail "ssh-keygen refused the demo report"
echo "demo verify: ok"
