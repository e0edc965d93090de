#!/bin/sh
# app/ speaks the drivers' typed vocabulary: no file under app/ includes the wire header.
#   check_app_includes.sh ROOT [ALLOWED]
# ALLOWED lists the files (relative to ROOT, one a line, # comments) that still include it: the
# debt issue 13 item 2 removes. A file not on that list that includes the header fails, and so
# does a listed file that no longer includes it (take it off the list: the list only shrinks).
set -eu
root=${1:?usage: check_app_includes.sh ROOT [ALLOWED]}
allowed=${2:-/dev/null}
cd "$root"
hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"]lockfw/wire(_[a-z]+)?\.h[">]' app | sort || true)
listed=$(grep -v '^#' "$allowed" | sed '/^[[:space:]]*$/d' | sort || true)
status=0
for f in $hits; do
  printf '%s\n' "$listed" | grep -qxF "$f" || { echo "$f includes lockfw/wire.h: use the drivers' types (lockdiag/drivers/types.h)"; status=1; }
done
for f in $listed; do
  printf '%s\n' "$hits" | grep -qxF "$f" || { echo "$f no longer includes lockfw/wire.h: take it off $allowed"; status=1; }
done
[ $status -eq 0 ] && echo "app/ includes lockfw/wire.h only in the $(printf '%s\n' "$listed" | grep -c . || true) files still listed"
exit $status
