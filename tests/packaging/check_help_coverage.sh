#!/usr/bin/env bash
# check_help_coverage.sh [--anywhere] PROGRAM DOC
# Walks PROGRAM --help and every subcommand's --help (CLI11 output) and checks that each command
# and option it shows appears in DOC:
#   default     DOC is a scdoc man page: each subcommand has a "## PATH" subsection holding its
#               options (a subsection that says "Takes the NAME options" also gets the
#               "## NAME options" subsection's); the top level's options may be anywhere.
#   --anywhere  every command name and option appears somewhere in DOC (bash completion).
# Prints each missing item and exits 1 if any is missing.
set -uo pipefail
anywhere=0
if [ "${1:-}" = --anywhere ]; then anywhere=1; shift; fi
prog=$1 doc=$2
[ -x "$prog" ] || { echo "not executable: $prog"; exit 2; }
[ -r "$doc" ] || { echo "cannot read: $doc"; exit 2; }
missing=0 checked=0

# The text of subsection "## TITLE" (case-insensitive) up to the next heading.
section() {
  awk -v t="$(printf '%s' "$1" | tr 'A-Z' 'a-z')" '
    /^#+ / { h = tolower($0); sub(/^#+ /, "", h); on = (h == t); next }
    on { print }' "$doc"
}
# Does TEXT contain WORD as a whole token (options and command names contain - and letters)?
# Bash's own regex, not grep: this runs once per option, hundreds of times per page.
has_word() {
  local re="(^|[^A-Za-z0-9_-])${2//./[.]}([^A-Za-z0-9_-]|\$)"
  [[ $1 =~ $re ]]
}

# Options and subcommands listed by CLI11's --help output.
help_options() { awk '/^[A-Z][A-Za-z ]*:$/ { s = $0; next } s ~ /^(Options|OPTIONS):$/ && /^  +-/ { print $1 }' | tr ',' '\n' | grep -E '^-' | sort -u; }
help_subcommands() { awk '/^[A-Z][A-Za-z ]*:$/ { s = $0; next } s ~ /^(Subcommands|SUBCOMMANDS):$/ && /^  +[a-z]/ { print $1 }'; }

whole=$(cat "$doc")
report() { echo "missing in $doc: $1"; missing=$((missing + 1)); }

walk() {
  local path=("$@") help text label opt sub ref
  help=$("$prog" "${path[@]}" --help 2>&1) || { echo "'$prog ${path[*]} --help' failed"; missing=$((missing + 1)); return; }
  label=${path[*]}
  if [ $anywhere -eq 1 ] || [ ${#path[@]} -eq 0 ]; then
    text=$whole
  else
    text=$(section "$label")
    if [ -z "$text" ]; then report "a '## $label' subsection (the command '${path[*]}')"; return; fi
    ref=$(tr '\n' ' ' <<<"$text" | grep -Eo 'Takes the [A-Za-z]+ options' | awk '{print $3}' | head -1)
    [ -n "$ref" ] && text+=$'\n'$(section "$ref options")
  fi
  if [ ${#path[@]} -gt 0 ] && ! has_word "$whole" "${path[-1]}"; then report "command '${path[*]}'"; fi
  while read -r opt; do
    [ -z "$opt" ] && continue
    # --help belongs to every command: the page says so once, at the top.
    if [ ${#path[@]} -gt 0 ] && { [ "$opt" = --help ] || [ "$opt" = -h ]; }; then continue; fi
    checked=$((checked + 1))
    has_word "$text" "$opt" || report "option $opt of '${prog##*/}${label:+ $label}'"
  done < <(help_options <<<"$help")
  while read -r sub; do
    [ -z "$sub" ] && continue
    checked=$((checked + 1))
    walk "${path[@]}" "$sub"
  done < <(help_subcommands <<<"$help")
}

walk
if [ $checked -lt 3 ]; then echo "only $checked items found in ${prog##*/} --help: is the help format still CLI11's?"; exit 1; fi
if [ $missing -gt 0 ]; then echo "$missing missing of $checked"; exit 1; fi
echo "ok: $checked commands and options of ${prog##*/} are in ${doc##*/}"
