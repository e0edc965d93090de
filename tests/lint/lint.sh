# ./dev lint [--all] [--base REV]: the conventions of docs/architecture.md, checked.
# Sourced by ./dev (needs log and cmd_build from it).
#   format      clang-format-19 over the project's C/C++ sources. Until the tree has been formatted
#               once (the marker file .clang-format-enforced exists) it reports how many lines
#               differ and does not fail; with the marker, any difference fails.
#   clang-tidy  clang-tidy-19 with .clang-tidy over build/default/compile_commands.json: the
#               sources changed since REV (default: the merge base with main), 2 in parallel,
#               within LOCKDIAG_LINT_SECONDS (default 150; what is left unchecked is named);
#               --all: every project source, no time limit. Any finding fails.
#   duplicates  repeated code added since REV, when `duplicates` is on PATH (a report, never fails).

lint_sources() {
  git ls-files '*.cpp' '*.h' '*.c' | grep -v '^third_party/'
}

lint_format() {
  local n
  n=$(lint_sources | xargs -P 2 -n 20 clang-format-19 --dry-run 2>&1 | grep -c ': warning: code should be clang-formatted' || true)
  if [ -e .clang-format-enforced ]; then
    if [ "$n" -ne 0 ]; then
      lint_sources | xargs -P 2 -n 20 clang-format-19 --dry-run 2>&1 | grep ': warning:' | head -40
      log "format: $n places differ from .clang-format (fix: clang-format-19 -i FILE)"
      return 1
    fi
    log "format: clean"
  else
    log "format: $n places differ from .clang-format (report only until .clang-format-enforced exists)"
  fi
}

lint_tidy() {
  local all=$1 base=$2 db=build/default/compile_commands.json files
  [ -e "$db" ] || cmd_build default
  local listed
  listed=$(python3 -c 'import json,sys,os
root=os.getcwd()
for e in json.load(open(sys.argv[1])):
  f=os.path.relpath(os.path.join(e["directory"], e["file"]), root)
  if not f.startswith(("third_party/", "build/", "..")): print(f)' "$db" | sort -u)
  if [ "$all" = 1 ]; then
    files=$listed
  else
    files=$(comm -12 <(printf '%s\n' "$listed") <(git diff --name-only "$base" -- '*.cpp' '*.c' | sort -u))
  fi
  if [ -z "$files" ]; then
    log "clang-tidy: no source changed since $(git rev-parse --short "$base")"
    return 0
  fi
  local seconds=${LOCKDIAG_LINT_SECONDS:-150} out
  [ "$all" = 1 ] && seconds=0
  out=$(mktemp -d)
  log "clang-tidy: $(printf '%s\n' "$files" | wc -l) files ($([ "$all" = 1 ] && echo all || echo "changed since $(git rev-parse --short "$base")"))"
  # Each file's result goes to its own log, so a file the time limit cut off is named.
  printf '%s\n' "$files" | timeout "${seconds}" xargs -P 2 -I{} sh -c \
    'clang-tidy-19 -p build/default --quiet --extra-arg=-Wno-deprecated-declarations "$1" >"$2/$(echo "$1" | tr / _).log" 2>&1; echo $? >>"$2/$(echo "$1" | tr / _).log"' _ {} "$out" || true
  local failed=0 f l
  while read -r f; do
    l="$out/$(echo "$f" | tr / _).log"
    if [ ! -s "$l" ] || [ "$(tail -1 "$l")" = 124 ]; then
      log "clang-tidy: $f not checked within ${seconds}s (LOCKDIAG_LINT_SECONDS)"
    elif [ "$(tail -1 "$l")" != 0 ]; then
      grep -E 'error:|warning:' "$l" | grep -v 'warnings generated' | head -20
      failed=1
    fi
  done <<<"$files"
  rm -rf "$out"
  [ $failed = 0 ] && log "clang-tidy: clean" || log "clang-tidy: findings above (fix them, or NOLINT(check) with the reason)"
  return $failed
}

cmd_lint() {
  local all=0 base=""
  while [ $# -gt 0 ]; do
    case $1 in
      --all) all=1 ;;
      --base) shift; base=$1 ;;
      *) echo "usage: ./dev lint [--all] [--base REV]" >&2; return 2 ;;
    esac
    shift
  done
  [ -n "$base" ] || base=$(git merge-base HEAD "${LOCKDIAG_LINT_BASE:-main}" 2>/dev/null || git rev-parse HEAD)
  local failed=0
  lint_format || failed=1
  lint_tidy "$all" "$base" || failed=1
  if command -v duplicates >/dev/null; then
    log "duplicates added since $(git rev-parse --short "$base") (a report)"
    duplicates --change --base "$base" --seconds 60 || true
  fi
  return $failed
}
