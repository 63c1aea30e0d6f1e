#!/usr/bin/env bash
# test_report.sh - --report FILE.html opened in headless Chromium, against the loopback
# server (`cofetch --serve 0`):
#
#   bash tests/test_report.sh COFETCH_BINARY TESTS_REPORT_DIR
#
#   - a --compare run: the page loads with no console message, holds two waterfalls
#     with one bar per fetch, on one time axis, with the speedup, and its screenshot is
#     not blank (tests/report/check_page.py); the checks themselves fail on a page
#     with a script error and on a blank screenshot
#   - --demo --report writes one too (four runs)
#   - --report into a directory that does not exist fails before any fetch, naming it
#
# The 100,000-fetch aggregate and its size are checked in test_cli_htmlreport.c.
# Exits 77 (ctest's SKIP_RETURN_CODE) when chromium or python3 is missing.
set -uo pipefail

bin=${1:?cofetch binary}
dir=${2:?tests/report directory}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
chromium=$(command -v chromium || command -v chromium-browser) ||
    { echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; }

tmp=$(mktemp -d /tmp/cofetch-report-XXXXXX) || exit 1
srv_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# browse PAGE OUT: OUT.dom, OUT.png and OUT.log (Chromium's log: console messages)
browse() {
    local flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
        --disable-component-update --disable-sync --no-first-run --enable-logging=stderr --v=0
        --window-size=1100,1000)
    rm -rf "$tmp/profile"
    timeout 60 "$chromium" "${flags[@]}" --user-data-dir="$tmp/profile" --dump-dom \
        "file://$1" >"$2.dom" 2>"$2.log"
    rm -rf "$tmp/profile"
    timeout 60 "$chromium" "${flags[@]}" --user-data-dir="$tmp/profile" \
        --screenshot="$2.png" "file://$1" >/dev/null 2>>"$2.log"
}

"$bin" --serve 0 >"$tmp/serve.out" 2>&1 &
srv_pid=$!
for _ in $(seq 100); do
    u=$(sed -n 's/^serving on \(http:[^ ]*\).*/\1/p' "$tmp/serve.out")
    [ -n "$u" ] && break
    sleep 0.1
done
[ -n "$u" ] || { echo "FAIL: the server did not start: $(cat "$tmp/serve.out")"; exit 1; }

# ---- --compare: sync above concurrent, one axis ----
"$bin" -s --compare --report "$tmp/cmp.html" "$u/delay?s=0.3" "$u/delay?s=0.5" "$u/bytes?n=10" \
    "$u/status/404" http://127.0.0.1:1/ >/dev/null 2>"$tmp/cmp.err"
[ -s "$tmp/cmp.html" ] || fail "--compare: no report: $(cat "$tmp/cmp.err")"
grep -qE 'src=|href=|<script|@import|url\(' "$tmp/cmp.html" &&
    fail "--compare: the page refers to something outside itself"
browse "$tmp/cmp.html" "$tmp/cmp"
grep -q "CONSOLE" "$tmp/cmp.log" && fail "--compare: console messages: $(grep CONSOLE "$tmp/cmp.log")"
python3 "$dir/check_page.py" "$tmp/cmp.dom" "$tmp/cmp.png" 5 5 || fail "--compare: the page as loaded"
grep -q '<g class="bar failed"><title>http://127.0.0.1:1/' "$tmp/cmp.dom" ||
    fail "--compare: the refused connect is not marked failed"
grep -q 'could not connect' "$tmp/cmp.dom" || fail "--compare: the errors by kind"

# ---- --demo --report ----
# The view by connection: five fetches one at a time share one kept connection; with
# "Connection: close" each has its own.
urls=("$u/bytes?n=1" "$u/bytes?n=2" "$u/bytes?n=3" "$u/bytes?n=4" "$u/bytes?n=5")
"$bin" -s -j 1 --report "$tmp/conn1.html" "${urls[@]}" >/dev/null 2>&1
grep -q '<svg class="connections" [^>]*data-conns="1" data-fetches="5"' "$tmp/conn1.html" ||
    fail "by connection: 5 fetches at -j 1 are not on one connection"
"$bin" -s -j 1 -H 'Connection: close' --report "$tmp/conn5.html" "${urls[@]}" >/dev/null 2>&1
grep -q '<svg class="connections" [^>]*data-conns="5" data-fetches="5"' "$tmp/conn5.html" ||
    fail "by connection: 5 fetches with Connection: close are not on 5 connections"

# A large run: 20,000 fetches are past every cap of the page (2,000 rows drawn, at
# most 20,000 connection spans), so its page is as big as one of 100,000 gets; it is
# under 5 MB and Chromium loads it in well under 10 s (the goal is 2 s: generous here).
seq 1 20000 | sed "s|.*|$u/bytes?n=1|" >"$tmp/big.txt"
"$bin" -s -j 50 --mode queue -i "$tmp/big.txt" --report "$tmp/big.html" >/dev/null 2>&1
size=$(stat -c %s "$tmp/big.html" 2>/dev/null || echo 0)
[ "$size" -gt 0 ] && [ "$size" -lt $((5 * 1024 * 1024)) ] || fail "20,000 fetches: a page of $size bytes"
t0=$(date +%s%N)
browse "$tmp/big.html" "$tmp/big"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "20,000 fetches: $size bytes, loaded and drawn twice in $ms ms"
[ "$ms" -lt 20000 ] || fail "20,000 fetches: the page took $ms ms to load twice"
grep -q 'data-rows="2000" data-fetches="20000"' "$tmp/big.dom" || fail "20,000 fetches: not aggregated"

"$bin" --demo --report "$tmp/demo.html" >"$tmp/demo.out" 2>&1 || fail "--demo --report: $(tail -3 "$tmp/demo.out")"
browse "$tmp/demo.html" "$tmp/demo"
grep -q "CONSOLE" "$tmp/demo.log" && fail "--demo: console messages"
python3 "$dir/check_page.py" "$tmp/demo.dom" "$tmp/demo.png" 3 3 20 6 || fail "--demo: the page as loaded"

# ---- a file that cannot be created: before any fetch, naming the path ----
bad=$tmp/no/such/dir/r.html
"$bin" --report "$bad" "$u/bytes?n=1" >"$tmp/bad.out" 2>"$tmp/bad.err"
[ $? -ne 0 ] || fail "--report $bad: exit code 0"
[ -s "$tmp/bad.out" ] && fail "--report $bad: fetched before failing"
grep -qF -- "--report $bad" "$tmp/bad.err" || fail "--report $bad: stderr does not name it"

# ---- the checks can fail ----
printf '<html><body><script>console.error("x"); nosuchfn();</script></body></html>' >"$tmp/err.html"
browse "$tmp/err.html" "$tmp/err"
grep -q "CONSOLE" "$tmp/err.log" || fail "a page with a script error logged no console message"
python3 "$dir/check_page.py" "$tmp/cmp.dom" "$tmp/err.png" 5 5 >/dev/null &&
    fail "check_page.py took a blank screenshot"
python3 "$dir/check_page.py" "$tmp/cmp.dom" "$tmp/cmp.png" 5 4 >/dev/null &&
    fail "check_page.py took a wrong bar count"

[ $failures -eq 0 ] && echo "report: all checks passed"
exit $((failures > 0))
