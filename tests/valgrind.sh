#!/usr/bin/env bash
# tests/valgrind.sh [BUILD_DIR] - run the runtime, network and CLI unit tests under
# valgrind memcheck, in a build without sanitizers (valgrind and ASan do not mix).
# Coroutine stacks are registered with VALGRIND_STACK_REGISTER (src/core/stack.c), so
# stack switches are not reported. Fails on any memory error or definite leak.
# (test_faults is left out: its per-fault time windows do not hold at valgrind speed.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-valgrind}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCF_SANITIZE=OFF -DCF_WERROR=ON >/dev/null
tests="test_core test_task_pool test_toolbox test_thread test_stacks test_seeds test_lines test_fetch test_fetch_retry test_fetch_tls test_fetch_h2
       test_cli_options test_cli_input test_cli_template test_cli_output test_cli_outdir test_cli_blockwrite
       test_cli_journal test_cli_stats test_cli_reorder test_cli_json_prop test_cli_har"
targets=$(for t in $tests; do [ -f "$root/tests/$t.c" ] && echo "$t"; done)
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $targets >/dev/null

fail=0
for t in $targets; do
    log=$build/valgrind-$t.log
    if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --log-file="$log" "$build/tests/$t" >"$build/valgrind-$t.out" 2>&1; then
        echo "valgrind: $t: clean"
    else
        rc=$?
        echo "valgrind: $t: FAILED (exit $rc)"
        if [ "$rc" -eq 99 ]; then
            cat "$log"
        else
            tail -20 "$build/valgrind-$t.out"
        fi
        fail=1
    fi
done
exit $fail
