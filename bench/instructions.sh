#!/usr/bin/env bash
# bench/instructions.sh [BUILD_DIR] - instructions per spawn + await and per switch,
# cofetch's bench_core beside neco's bench_neco.c, both built -O2 with the same
# compiler and counted by callgrind as (Ir at 2N - Ir at N) / N, so start-up and
# teardown cancel out. Instruction counts hold still on a shared machine where wall
# times move by tens of percent. Needs valgrind; N (default 100000) from the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
build=${1:-$top/build-bench}
neco=${NECO:-$top/../shared/bench/peers/neco}
n=${N:-100000}
cc=${CC:-cc}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind not installed" >&2; exit 2; }

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCF_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target bench_core >/dev/null

# neco's program does both measurements in one run: two copies, each with one cut out.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
spawn_loop='for (long done = 0; done < n; done += BATCH)'
rounds='long rounds = n / 2, v = 0;'
if ! grep -qF "$spawn_loop" "$neco/bench_neco.c" || ! grep -qF "$rounds" "$neco/bench_neco.c"; then
    echo "instructions.sh: $neco/bench_neco.c changed; update the cuts" >&2
    exit 2
fi
sed 's|long rounds = n / 2, v = 0;|long rounds = 0, v = 0;|' "$neco/bench_neco.c" > "$tmp/spawn.c"
sed 's|done < n; done += BATCH|done < 0; done += BATCH|' "$neco/bench_neco.c" > "$tmp/switch.c"
for part in spawn switch; do
    "$cc" -O2 -I"$neco" -o "$tmp/neco_$part" "$tmp/$part.c" "$neco/neco.c" -lpthread
done

count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*refs: *//p' | tr -d ,
}
core=$build/bench/bench_core
cs=$((($(count "$core" $((2 * n)) spawn) - $(count "$core" "$n" spawn)) / n))
cw=$((($(count "$core" $((2 * n)) switch) - $(count "$core" "$n" switch)) / n))
ns=$((($(count "$tmp/neco_spawn" $((2 * n))) - $(count "$tmp/neco_spawn" "$n")) / n))
nw=$((($(count "$tmp/neco_switch" $((2 * n))) - $(count "$tmp/neco_switch" "$n")) / n))
awk -v cs="$cs" -v ns="$ns" -v cw="$cw" -v nw="$nw" 'BEGIN {
    printf "%-22s %8s %8s %6s\n", "instructions per", "cofetch", "neco", "ratio"
    printf "%-22s %8d %8d %6.2f\n", "spawn + await", cs, ns, cs / ns
    printf "%-22s %8d %8d %6.2f\n", "switch", cw, nw, cw / nw
}'
