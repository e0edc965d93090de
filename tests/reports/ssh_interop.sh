#!/usr/bin/env bash
# Interoperability with stock OpenSSH, both ways (docs/trust.md, docs/report-format.md):
#  - a certificate `ssh-keygen -s` issues works in lockdiag (install-cert, sign, verify);
#  - a report lockdiag signs verifies with `ssh-keygen -Y verify` run as docs/report-format.md says;
#  - a KRL `ssh-keygen -k` makes is honoured by lockdiag, and lockdiag's KRL by ssh-keygen;
#  - a certificate `lockdiag company certify` issues is read by `ssh-keygen -L`.
# Usage: ssh_interop.sh LOCKDIAG SAMPLE_REPORT
set -euo pipefail
LOCKDIAG=$1
SAMPLE=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config
mkdir -p "$HOME"
fail() { echo "FAIL: $*" >&2; exit 1; }
NS=lockdiag-report@lockdiag.example
NAME="Zoë Łukasiewicz"   # the sample report's technician
COMPANY="Brama & Klucz Locksmiths Sp. z o.o."

# 1. A CA made and used by stock ssh-keygen.
ssh-keygen -q -t ed25519 -N '' -C ca -f "$T/ca"
"$LOCKDIAG" keys export -o "$T/tech.pub" 2>/dev/null
ssh-keygen -q -s "$T/ca" -I "$NAME" -n zoe -z 17 -V -1d:+30d "$T/tech.pub"
"$LOCKDIAG" keys install-cert "$T/tech-cert.pub" >/dev/null || fail "install-cert refused ssh-keygen's certificate"
printf '* cert-authority,namespaces="%s" %s %s\n' "$NS" "$(cut -d' ' -f1,2 "$T/ca.pub")" "$COMPANY" > "$T/co.allowed_signers"
"$LOCKDIAG" report sign "$SAMPLE" -o "$T/r.json" >/dev/null 2>&1
out=$("$LOCKDIAG" report verify "$T/r.json" --company "$T/co.allowed_signers") || fail "lockdiag did not verify: $out"
grep -q "certified by $COMPANY" <<<"$out" || fail "summary lacks the company: $out"

# 2. The documented stock OpenSSH check (docs/report-format.md, "Verify with OpenSSH only").
head -n 1 "$T/r.json" > "$T/r.msg"
tail -n +2 "$T/r.json" > "$T/r.sig"
P=$(grep -o '"principal":"[^"]*"' "$T/r.msg" | cut -d'"' -f4)
TIME=$(grep -o '"signed_at":"[^"]*"' "$T/r.msg" | cut -d'"' -f4 | tr -dc 0-9)Z
ssh-keygen -Y verify -f "$T/co.allowed_signers" -I "$P" -n "$NS" -s "$T/r.sig" -Overify-time="$TIME" < "$T/r.msg" \
  || fail "ssh-keygen -Y verify refused a lockdiag signature"
# ... and it refuses a tampered report.
sed 's/"count":2/"count":3/' "$T/r.msg" > "$T/bad.msg"
cmp -s "$T/r.msg" "$T/bad.msg" && fail "tamper step changed nothing"
if ssh-keygen -Y verify -f "$T/co.allowed_signers" -I "$P" -n "$NS" -s "$T/r.sig" -Overify-time="$TIME" < "$T/bad.msg" 2>/dev/null; then
  fail "ssh-keygen accepted a tampered report"
fi

# 3. A KRL from ssh-keygen -k revoking serial 17: lockdiag honours it (--krl, and beside --company).
# ssh-keygen picks list, range or bitmap sections by density: serials near 17 but not 17 must
# leave it valid (an off-by-one in the bitmap would revoke it), a mixed set holding 17 revokes it.
printf 'serial: 3\nserial: 5\nserial: 9-11\nserial: 14\nserial: 16\nserial: 18\nserial: 20-30\nserial: 100-200\nid: Somebody\n' > "$T/near"
ssh-keygen -q -k -f "$T/near.krl" -s "$T/ca.pub" "$T/near"
"$LOCKDIAG" report verify "$T/r.json" --company "$T/co.allowed_signers" --krl "$T/near.krl" >/dev/null \
  || fail "a KRL of neighbouring serials revoked serial 17"
printf 'serial: 3\nserial: 5\nserial: 9-11\nserial: 14\nserial: 16-18\nserial: 20-30\nserial: 100-200\n' > "$T/spec"
ssh-keygen -q -k -f "$T/revoked.krl" -s "$T/ca.pub" "$T/spec"
set +e
out=$("$LOCKDIAG" report verify "$T/r.json" --company "$T/co.allowed_signers" --krl "$T/revoked.krl" 2>&1); rc=$?
set -e
[ $rc -eq 6 ] && grep -q "has been revoked" <<<"$out" || fail "lockdiag ignored ssh-keygen's KRL (rc $rc): $out"
if ssh-keygen -Y verify -f "$T/co.allowed_signers" -I "$P" -n "$NS" -s "$T/r.sig" -r "$T/revoked.krl" \
    -Overify-time="$TIME" < "$T/r.msg" 2>/dev/null; then
  fail "ssh-keygen accepted a revoked certificate (KRL)"
fi
cp "$T/revoked.krl" "$T/co.krl"
if "$LOCKDIAG" report verify "$T/r.json" --company "$T/co.allowed_signers" >/dev/null 2>&1; then
  fail "the KRL beside the company file was not honoured"
fi
rm "$T/co.krl"

# 4. lockdiag's company: ssh-keygen reads its certificate, and honours its KRL.
"$LOCKDIAG" company init --name "$COMPANY" --dir "$T/co" >/dev/null
"$LOCKDIAG" company certify "$T/tech.pub" --name "$NAME" --principal zoe --dir "$T/co" -o "$T/lk-cert.pub" 2>/dev/null
ssh-keygen -L -f "$T/lk-cert.pub" | grep -q "Key ID: \"$NAME\"" || fail "ssh-keygen cannot read lockdiag's certificate"
"$LOCKDIAG" company revoke 1 --dir "$T/co" >/dev/null
cp "$T/lk-cert.pub" "$T/probe-cert.pub"
set +e
ssh-keygen -Q -l -f "$T/co/company.krl" >/dev/null 2>&1 || fail "ssh-keygen cannot read lockdiag's KRL"
ssh-keygen -Q -f "$T/co/company.krl" "$T/probe-cert.pub" >/dev/null 2>&1; rc=$?
set -e
[ $rc -ne 0 ] || fail "ssh-keygen did not see serial 1 revoked in lockdiag's KRL"
echo "ssh interop: ok"
