#!/bin/sh
# tests/fuzz/run.sh [SECONDS_EACH] - build and run the libFuzzer harnesses of the command.
#
# Each tests/fuzz/fuzz_NAME.c is compiled with clang -fsanitize=fuzzer,address,undefined
# together with the runtime (src/core), the network layer (src/net) and the command's
# sources (src/cli but main.c), then run for SECONDS_EACH seconds (default 15) on a
# copy of tests/fuzz/corpus/NAME (the seeds stay as they are). Prints one summary line per
# harness; exits non-zero if any harness crashed or failed to build. A crash leaves its
# input in $FUZZ_OUT/crashes/ (FUZZ_OUT defaults to a new directory under /tmp): turn it
# into a unit test in tests/test_cli_*.c, fix, and add it to the corpus.
#
# Environment: CC (default clang, else clang-14), FUZZ_OUT, FUZZ_ONLY=NAME (one harness),
# FUZZ_JOBS (parallel compile jobs, default 2).
set -eu

secs=${1:-15}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CC=${CC:-$(command -v clang || command -v clang-14 || true)}
if [ -z "$CC" ]; then
    echo "run.sh: clang not found (apt-get install clang)" >&2
    exit 2
fi
out=${FUZZ_OUT:-$(mktemp -d /tmp/cofetch-fuzz-XXXXXX)}
mkdir -p "$out/obj" "$out/crashes"

version=$(sed -n 's/^project(cofetch VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
cflags="-g -O1 -std=c17 -D_GNU_SOURCE -DCF_SWITCH_ASM_X86_64=1 -DCF_VERSION=\"$version\"
        -fno-omit-frame-pointer -fno-sanitize-recover=undefined
        -I$root/include -I$root/src -I$root/src/cli -I$root/src/core
        $(pkg-config --cflags libcurl libevent_core libevent_extra jansson)"
cflags=$(echo $cflags) # one line
libs="$(pkg-config --libs libcurl libevent_core libevent_extra jansson) -lm"
case $(uname -m) in
x86_64) switch=$root/src/core/switch_x86_64.S ;;
aarch64) switch=$root/src/core/switch_aarch64.S; cflags=$(echo "$cflags" | sed s/ASM_X86_64/ASM_AARCH64/) ;;
*) switch= ; cflags=$(echo "$cflags" | sed s/ASM_X86_64/UCONTEXT/) ;;
esac

# The runtime and the network layer, once: instrumented for coverage and sanitizers.
lib=$out/libcf.a
if [ ! -f "$lib" ]; then
    objs=
    n=0
    for src in "$root"/src/core/*.c "$root"/src/net/*.c $switch; do
        o=$out/obj/$(echo "$src" | sed "s|$root/||; s|/|_|g").o
        objs="$objs $o"
        # shellcheck disable=SC2086
        $CC $cflags -fsanitize=fuzzer-no-link,address,undefined -I"$root/src/net" -c "$src" \
            -o "$o" 2>>"$out/build_lib.log" &
        n=$((n + 1))
        if [ $((n % ${FUZZ_JOBS:-2})) -eq 0 ]; then wait; fi
    done
    wait
    for o in $objs; do
        if [ ! -f "$o" ]; then
            echo "run.sh: building the library failed (see $out/build_lib.log)" >&2
            exit 2
        fi
    done
    # shellcheck disable=SC2086
    ar rcs "$lib" $objs
fi

# The command's sources (all of src/cli but main.c), once, as an archive: each harness
# links only what it uses.
cli=$out/libcli.a
if [ ! -f "$cli" ]; then
    objs=
    for src in $(find "$root/src/cli" -name '*.c' ! -name main.c | sort); do
        o=$out/obj/$(echo "$src" | sed "s|$root/||; s|/|_|g").o
        objs="$objs $o"
        # shellcheck disable=SC2086
        $CC $cflags -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$o" \
            2>>"$out/build_cli.log" || { echo "run.sh: building src/cli failed (see $out/build_cli.log)" >&2; exit 2; }
    done
    # shellcheck disable=SC2086
    ar rcs "$cli" $objs
fi

status=0
for h in input template writeout options; do
    if [ -n "${FUZZ_ONLY:-}" ] && [ "$FUZZ_ONLY" != "$h" ]; then
        continue
    fi
    bin=$out/fuzz_$h
    # shellcheck disable=SC2086
    if ! $CC $cflags -fsanitize=fuzzer,address,undefined "$here/fuzz_$h.c" "$cli" "$lib" $libs \
        -o "$bin" 2>"$out/build_$h.log"; then
        echo "fuzz_$h: BUILD FAILED (see $out/build_$h.log)"
        status=1
        continue
    fi
    corpus=$out/corpus_$h
    rm -rf "$corpus"
    mkdir -p "$corpus"
    cp "$here/corpus/$h"/* "$corpus"/ 2>/dev/null || true
    maxlen=4096
    [ "$h" = input ] && maxlen=70000
    log=$out/fuzz_$h.log
    if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
        -print_final_stats=1 -artifact_prefix="$out/crashes/${h}-" "$corpus" \
        </dev/null >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        echo "fuzz_$h: ok, ${runs:-?} runs in ${secs}s, corpus $(ls "$corpus" | wc -l) inputs"
    else
        echo "fuzz_$h: CRASH (log $log; input in $out/crashes/)"
        grep -m 3 -E 'ERROR:|runtime error|SUMMARY' "$log" | sed 's/^/    /'
        status=1
    fi
done
[ $status -eq 0 ] && [ -z "${FUZZ_OUT:-}" ] && rm -rf "$out"
exit $status
