#!/usr/bin/env bash
# Runs inside install_test.sh's throwaway root, as root. Every step says what it checks.
set -euo pipefail
step() { printf '  install-test: %s\n' "$*"; }
fail() { printf '  install-test FAILED: %s\n' "$*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# What the packages may touch besides their own files: dpkg's and apt's state, caches and logs,
# and the caches that triggers (man-db, icons, desktop entries, ldconfig) rebuild.
snapshot() {
  find /usr /etc /opt /var/lib /srv -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/cache \
    -o -path /var/log \) -prune -o -print 2>/dev/null |
    grep -Ev '^(/etc/ld\.so\.cache|/usr/share/icons/hicolor/icon-theme\.cache|/usr/share/applications/mimeinfo\.cache)$' |
    LC_ALL=C sort
}

dpkg-query -W lockdiag >/dev/null 2>&1 && fail "lockdiag is already installed on this machine: the test wants a root without it"
useradd --create-home --shell /bin/bash tech
before=$(snapshot)

step "apt-get install ./lockdiag_*.deb ./lockdiag-gui_*.deb (no network: dependencies must be installed)"
apt-get install -y -q --no-install-recommends /tmp/debs/lockdiag_*.deb /tmp/debs/lockdiag-gui_*.deb \
  >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; fail "apt-get install"; }
for f in /usr/bin/lockdiag /usr/bin/lockfw-sim /usr/bin/lockdiag-gui; do [ -x $f ] || fail "$f not installed"; done
grep -q 'TAG+="uaccess"' /lib/udev/rules.d/70-lockdiag.rules || fail "no uaccess udev rule at /lib/udev/rules.d/70-lockdiag.rules"
for p in lockdiag lockdiag-gui lockfw-sim; do man -w "$p" >/dev/null 2>&1 || fail "man $p: no page"; done
[ -f /usr/share/bash-completion/completions/lockdiag ] || fail "no bash completion"
[ -f /usr/share/icons/hicolor/scalable/apps/io.lockdiag.LockdiagGui.svg ] || fail "no SVG icon"
[ -f /usr/share/icons/hicolor/48x48/apps/io.lockdiag.LockdiagGui.png ] || fail "no 48x48 icon"

as_tech() {
  runuser -u tech -- env -i PATH=/usr/bin:/bin HOME=/home/tech USER=tech LANG=C.UTF-8 \
    XDG_RUNTIME_DIR=/tmp/xdg-tech "$@"
}
mkdir -m 700 /tmp/xdg-tech && chown tech: /tmp/xdg-tech

step "lockdiag --version as the user tech"
v=$(as_tech /usr/bin/lockdiag --version) || fail "lockdiag --version"
step "  $v"
[[ $v == "lockdiag "*"(service protocol "* ]] || fail "lockdiag --version printed '$v'"

step "lockdiag demo as tech (virtual lock, handoff audit, signed report, PDF)"
as_tech bash -c 'cd && /usr/bin/lockdiag --json demo --dir /home/tech/demo' >/tmp/demo.json 2>/tmp/demo.err ||
  { cat /tmp/demo.err; fail "lockdiag demo"; }
pdf=$(sed -n 's/.*"report_pdf": *"\([^"]*\)".*/\1/p' /tmp/demo.json)
[[ $pdf == /home/tech/demo/* ]] && [ -s "$pdf" ] || { cat /tmp/demo.json /tmp/demo.err; fail "the demo wrote no PDF report"; }
grep -q '"signature": *"valid' /tmp/demo.json || { cat /tmp/demo.json; fail "the demo's report signature is not valid"; }

step "lockdiag devices finds a virtual lock started from /usr/bin/lockfw-sim"
as_tech /usr/bin/lockfw-sim --socket /tmp/xdg-tech/lock.sock --state /home/tech/lock.state --scenario occupied-rental \
  >/tmp/sim.log 2>&1 &
sim=$!
for _ in $(seq 100); do [ -S /tmp/xdg-tech/lock.sock ] && break; sleep 0.1; done
[ -S /tmp/xdg-tech/lock.sock ] || { cat /tmp/sim.log; fail "lockfw-sim opened no socket"; }
found=$(as_tech /usr/bin/lockdiag devices --json) || true
grep -q 'sim:/tmp/xdg-tech/lock.sock' <<<"$found" || { echo "$found"; fail "lockdiag devices did not list sim:/tmp/xdg-tech/lock.sock"; }

step "lockdiag-gui screenshot under Xvfb, as tech, connected to that lock"
as_tech xvfb-run -a -s '-screen 0 1280x800x24' /usr/bin/lockdiag-gui --device sim:/tmp/xdg-tech/lock.sock \
  --screenshot /tmp/xdg-tech/gui.png --width 1280 --height 800 >/tmp/gui.log 2>&1 || { cat /tmp/gui.log; fail "lockdiag-gui"; }
size=$(stat -c %s /tmp/xdg-tech/gui.png 2>/dev/null || echo 0)
[ "$size" -gt 10000 ] || fail "the screenshot is missing or blank ($size bytes)"
[ "$(head -c 8 /tmp/xdg-tech/gui.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"
kill "$sim"; wait "$sim" 2>/dev/null || true

step "apt-get purge lockdiag lockdiag-gui"
apt-get purge -y -q lockdiag lockdiag-gui >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; fail "apt-get purge"; }
dpkg-query -W -f='${db:Status-Abbrev}' lockdiag lockdiag-gui 2>/dev/null | grep -q 'i' && fail "still installed after purge"
after=$(snapshot)
left=$(LC_ALL=C comm -13 <(echo "$before") <(echo "$after"))
gone=$(LC_ALL=C comm -23 <(echo "$before") <(echo "$after"))
[ -z "$left" ] || fail "left behind after purge:"$'\n'"$left"
[ -z "$gone" ] || fail "removed by install + purge though not the packages' own:"$'\n'"$gone"
step "ok: installed, used as tech, purged; nothing left behind"
