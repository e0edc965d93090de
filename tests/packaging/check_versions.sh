#!/usr/bin/env bash
# check_versions.sh SOURCE_DIR BIN_DIR PROJECT_VERSION
# The version has one home (project() in CMakeLists.txt); everything else must repeat it:
# debian/changelog, the AppStream metainfo's newest release, and each program's --version, which
# also names the service protocol versions it speaks.
set -uo pipefail
src=$1 bin=$2 version=$3
fail=0
bad() { echo "FAIL: $*"; fail=1; }

changelog=$(head -1 "$src/debian/changelog" | sed -n 's/^lockdiag (\([^)]*\)).*/\1/p')
[ "$changelog" = "$version" ] || bad "debian/changelog says '$changelog', CMakeLists.txt project() says '$version' (native package: no Debian revision)"
for m in "$src"/packaging/desktop/*.metainfo.xml; do
  release=$(grep -o '<release version="[^"]*"' "$m" | head -1 | sed 's/.*version="//; s/"//')
  [ "$release" = "$version" ] || bad "${m##*/}'s newest <release> is '$release', the project is '$version'"
done

for p in lockdiag lockfw-sim lockdiag-gui; do
  [ -x "$bin/$p" ] || { [ $p = lockdiag-gui ] && continue; bad "$bin/$p missing"; continue; }
  out=$("$bin/$p" --version 2>&1)
  [[ $out =~ ^$p\ ${version//./\\.}\ \(service\ protocol\ ([0-9]+\.[0-9]+)(-([0-9]+\.[0-9]+))?\)$ ]] ||
    { bad "$p --version printed '$out', expected '$p $version (service protocol X.Y[-X.Z])'"; continue; }
  top=${BASH_REMATCH[3]:-${BASH_REMATCH[1]}}
  eval "proto_${p//-/_}=$top"
  echo "ok: $out"
done
# Built from one wire header: the host speaks up to the firmware's version.
[ "${proto_lockdiag:-}" = "${proto_lockfw_sim:-}" ] ||
  bad "lockdiag speaks up to ${proto_lockdiag:-?}, lockfw-sim speaks ${proto_lockfw_sim:-?}"
exit $fail
