# Sourced by ./dev: cmd_package builds the .debs; --check checks them (docs/packaging.md).

# package_build SRC_PARENT OUT: export HEAD into SRC_PARENT/lockdiag-VERSION and build the binary
# packages there with dpkg-buildpackage (no tests: ./dev test runs them); the results go to OUT.
package_build() {
  local parent=$1 out=$2 version
  version=$(sed -n '1s/^lockdiag (\([^)]*\)).*/\1/p' debian/changelog)
  rm -rf "$parent" "$out" && mkdir -p "$parent/lockdiag-$version" "$out"
  git archive --format=tar HEAD | tar -x -C "$parent/lockdiag-$version"
  log "dpkg-buildpackage in $parent/lockdiag-$version"
  (cd "$parent/lockdiag-$version" &&
    DEB_BUILD_OPTIONS="nocheck parallel=${LOCKDIAG_PACKAGE_JOBS:-2}" \
      dpkg-buildpackage -b -us -uc -Pnocheck >../build.log 2>&1) ||
    { tail -40 "$parent/build.log"; log "dpkg-buildpackage failed: $parent/build.log"; return 1; }
  mv "$parent"/*.deb "$parent"/*.buildinfo "$parent"/*.changes "$out/"
}

# package_compare A B: every .deb byte-identical; on a difference, say where it is.
package_compare() {
  local a=$1 b=$2 f ok=0
  for f in "$a"/*.deb; do
    if ! cmp -s "$f" "$b/${f##*/}"; then
      ok=1
      log "NOT reproducible: ${f##*/} differs between $a and $b"
      diff <(dpkg-deb -c "$f") <(dpkg-deb -c "$b/${f##*/}") | head -20 || true
      log "diffoscope $f $b/${f##*/} shows the bytes (apt-get install diffoscope)"
    fi
  done
  [ "$(ls "$a"/*.deb | wc -l)" -eq "$(ls "$b"/*.deb | wc -l)" ] || { log "NOT reproducible: different .deb sets"; ok=1; }
  return $ok
}

cmd_package() {
  local check=0
  case "${1:-}" in --check) check=1 ;; "") ;; *) echo "usage: ./dev package [--check]" >&2; return 2 ;; esac
  cmd_deps
  git diff-index --quiet HEAD -- || log "note: uncommitted changes are not in the package (it is built from HEAD)"
  # Reproducible: the timestamps in the packages are the last commit's, not the clock's.
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
  export SOURCE_DATE_EPOCH
  # ccache, when installed, makes the second build of --check (and rebuilds) cheap: with
  # -ffile-prefix-map the compiler sees the same relative paths in both folders, so the second
  # build checks linking and packaging for path independence but reuses the objects.
  # CCACHE_DISABLE=1 ./dev package --check compiles both builds in full.
  if command -v ccache >/dev/null; then
    export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache} CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
    # A cache of its own under build/, named here: debhelper gives each build a HOME of its own
    # inside the build folder, so ccache's default ($HOME/.cache/ccache) would be a different,
    # empty cache for each build and the second build would compile everything again.
    export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/package-ccache}
  fi
  local start=$SECONDS
  package_build build/package-build/a build/packages
  ls -l build/packages/*.deb
  [ $check -eq 1 ] || return 0

  local failed=0
  log "lintian (errors and warnings fail; overrides in debian/*.lintian-overrides say why)"
  lintian --fail-on error,warning --no-tag-display-limit build/packages/*.changes || failed=1
  log "appstreamcli validate --no-net; desktop-file-validate"
  appstreamcli validate --no-net packaging/desktop/*.metainfo.xml || failed=1
  desktop-file-validate packaging/desktop/*.desktop || failed=1
  # The same commit built again in a folder of another name and length must give the same bytes.
  log "reproducible: a second build in another folder"
  package_build build/package-build/second-folder build/package-build/second-out &&
    package_compare build/packages build/package-build/second-out && log "reproducible: identical .debs" || failed=1
  log "install test (packaging/check/install_test.sh)"
  packaging/check/install_test.sh build/packages || failed=1
  log "package check: $((SECONDS - start)) s, $([ $failed -eq 0 ] && echo passed || echo FAILED)"
  return $failed
}
