#!/bin/sh
# Every file a doc names exists, and README.md links every doc.
#   check_doc_paths.sh ROOT
# A path-like word (dir/name.ext) in README.md or docs/*.md must name a file or directory of ROOT:
# relative to ROOT, to docs/, or as the tail of a file under ROOT (docs say `core/storage.cpp`
# inside a section about lockfw/). Not checked: build outputs (build/...), install paths
# (PREFIX/...), placeholders (path/to/..., a/b with "..."), and the system headers listed below.
set -eu
root=${1:?usage: check_doc_paths.sh ROOT}
cd "$root"
system_headers='valgrind/callgrind.h'
files=$(find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||')
status=0
for doc in README.md docs/*.md; do
  grep -noE '(^|[^A-Za-z0-9_./~$*<{-])[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)+\.[A-Za-z0-9]{1,6}\b' "$doc" |
    sed -E 's/^([0-9]+):[^A-Za-z0-9_]?/\1 /' | while read -r line path; do
      case $path in build/* | PREFIX/* | path/to/* | *...*) continue ;; esac
      case " $system_headers " in *" $path "*) continue ;; esac
      [ -e "$path" ] && continue
      [ -e "docs/$path" ] && continue
      printf '%s\n' "$files" | grep -qF -x -e "$path" && continue
      printf '%s\n' "$files" | grep -qE "/$(printf '%s' "$path" | sed 's/[.[\*^$]/\\&/g')\$" && continue
      echo "$doc:$line: names $path, which does not exist"
      echo x >>"${TMPDIR:-/tmp}/check_doc_paths.$$"
    done
done
if [ -e "${TMPDIR:-/tmp}/check_doc_paths.$$" ]; then rm -f "${TMPDIR:-/tmp}/check_doc_paths.$$"; status=1; fi
for doc in docs/*.md; do
  grep -qF "($doc)" README.md || { echo "README.md: the docs row does not link $doc"; status=1; }
done
for dir in lockfw/core lockfw/hal drivers reports app/core app/cli app/gui app/fleet packaging tests docs; do
  [ -d "$dir" ] || continue
  grep -qF "| \`$dir/\`" README.md || grep -qF "\`$dir/\`," README.md || { echo "README.md: the layout table does not list $dir/"; status=1; }
done
[ $status -eq 0 ] && echo "docs name only files that exist; README lists every doc"
exit $status
