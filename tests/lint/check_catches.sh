#!/bin/sh
# The lint checks fail when they should: a copy of the docs naming a missing file, a README
# that forgets a doc, and an app/ file that includes the wire header must each be refused.
#   check_catches.sh LINT_DIR ROOT
set -eu
here=${1:?}; root=${2:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs" "$tmp/app/core"
cp "$root/README.md" "$tmp/"; cp "$root"/docs/*.md "$tmp/docs/"
for d in lockfw/core lockfw/hal drivers reports app/core app/cli app/gui app/fleet packaging tests; do mkdir -p "$tmp/$d"; done
fail=0
# Paths in the copied docs name files that the empty tree does not have.
"$here/check_doc_paths.sh" "$tmp" >/dev/null && { echo "missing files were not caught"; fail=1; }
# Only the README link check: docs without paths, one doc unlisted.
rm -f "$tmp"/docs/*.md; echo "plain words" >"$tmp/docs/unlisted.md"; echo "# readme" >"$tmp/README.md"
"$here/check_doc_paths.sh" "$tmp" | grep -q "does not link docs/unlisted.md" || { echo "an unlisted doc was not caught"; fail=1; }
echo '#include "lockfw/wire.h"' >"$tmp/app/core/x.cpp"
echo '#  include <lockfw/wire_tz.h>' >"$tmp/app/core/y.cpp"
echo 'app/core/y.cpp' >"$tmp/allowed"
out=$("$here/check_app_includes.sh" "$tmp" "$tmp/allowed") && { echo "an app/ include of the wire header was not caught"; fail=1; }
printf '%s\n' "$out" | grep -q '^app/core/x.cpp includes' || { echo "the unlisted file was not named"; fail=1; }
printf '%s\n' "$out" | grep -q '^app/core/y.cpp' && { echo "a listed file was refused"; fail=1; }
echo '#include "lockdiag/drivers/client.h"' >"$tmp/app/core/x.cpp"
"$here/check_app_includes.sh" "$tmp" "$tmp/allowed" >/dev/null || { echo "a clean app/ was refused"; fail=1; }
echo '// fixed' >"$tmp/app/core/y.cpp"
"$here/check_app_includes.sh" "$tmp" "$tmp/allowed" | grep -q 'take it off' || { echo "a stale allowed entry was not caught"; fail=1; }
[ $fail -eq 0 ] && echo "the lint checks catch what they should"
exit $fail
