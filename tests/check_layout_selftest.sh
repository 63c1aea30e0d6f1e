#!/usr/bin/env bash
# tests/check_layout_selftest.sh ROOT - check_layout.sh must pass on a copy of the tree
# and fail on each of a few breaches made in copies of it (a check that cannot fail
# checks nothing).
set -uo pipefail
root=$(cd "${1:?usage: check_layout_selftest.sh ROOT}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/cofetch-layout-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fresh() {
    rm -rf "$tmp/t"
    mkdir -p "$tmp/t"
    cp -r "$root/src" "$root/include" "$tmp/t/"
}
# Insert a line after the first line matching re that follows the line matching start.
insert_after() { # file start re text
    awk -v start="$2" -v re="$3" -v text="$4" '
        { print }
        $0 ~ start { armed = 1 }
        armed && !done && $0 ~ re { print text; done = 1 }' "$1" > "$1.new" && mv "$1.new" "$1"
}
# expect CHECK pass WHAT, or expect CHECK fail WHAT MESSAGE: the breach must be named.
expect() {
    if bash "$here/check_layout.sh" "$tmp/t" "$1" > "$tmp/out" 2>&1; then got=pass; else got=fail; fi
    if [ "$got" != "$2" ] || { [ "$2" = fail ] && ! grep -qF -- "$4" "$tmp/out"; }; then
        echo "selftest: $3: check $1 should $2${4:+ with \"$4\"}, it did not:"
        sed 's/^/    /' "$tmp/out"
        fails=$((fails + 1))
    else
        echo "selftest: $3: $1 ${2}s"
    fi
}

fresh
expect all pass "the tree as it is"

fresh
insert_after "$tmp/t/src/cli/base/strbuf.c" '^#include' '^#include' '#include "run/run.h"'
expect includes fail "base includes the run wing" 'strbuf.c: the base wing includes "run/run.h"'

fresh
insert_after "$tmp/t/src/core/loop.c" '^#include' '^#include' '#include "cofetch/fetch.h"'
expect includes fail "core includes the network layer" 'loop.c: core includes "cofetch/fetch.h"'

fresh
insert_after "$tmp/t/src/cli/base/strbuf.h" '^int sb_add\(' '^int sb_add\(' 'int sb_nowhere(void);'
expect headers fail "a header declares a function its .c lacks" "declares sb_nowhere(), which strbuf.c does not define"

fresh
insert_after "$tmp/t/src/cli/run/mode_ordered.c" '^static int slot_task\(' '\(void\)result;' \
    '    fprintf(stderr, "on a small stack\n");'
expect stacks fail "stdio in the slot task" "slot_task runs on a small stack and calls fprintf()"

fresh
insert_after "$tmp/t/src/cli/run/mode_ordered.c" '^static int slot_task\(' '\(void\)result;' \
    '    step_end_on_loop(&st);'
expect stacks fail "an _on_loop function called directly" "calls step_end_on_loop() directly"

fresh
insert_after "$tmp/t/src/net/fetch.c" '^int cf_fetch\(' '^\{' '    cf_on_loop_stack(NULL, NULL);'
expect stacks fail "cf_on_loop_stack outside the runtime" "fetch.c: calls cf_on_loop_stack directly"

[ "$fails" -eq 0 ] || exit 1
