#!/usr/bin/env bash
# JSON request lines into queue mode, beside curl -Z -K and aiohttp (run by hand, not a test).
#
#   bench/requests.sh [N] [J]        N request lines (default 100000), J in flight (64)
#
# Each request is a POST of a 200-byte body to a loopback nginx (../shared/bench's, with a
# /post location that answers "ok"); every peer sends the same N requests with J at once:
#   cofetch   the JSON lines piped into `cofetch -s --mode queue -j J --jsonl` (records
#             to /dev/null)
#   curl -Z   a -K config of the same requests (url, request, data-binary, output, with
#             `next` between them), `curl -Z --parallel-max J -K FILE`
#   cofetch-K the same command line as curl's: one option group per request
#   aiohttp   bench/aiohttp_requests.py: J workers on an asyncio.Queue fed from stdin
# then cofetch's peak RSS with N and with 10 x N lines (the lines generated into the pipe,
# so no file of 10 x N lines is written). Prints wall seconds and peak RSS (/usr/bin/time)
# and the ratios. The machine is shared: run it when it is quiet, and quote the ratios.
#
# Environment: COFETCH (default build-rel/cofetch), PYTHON (default /usr/bin/python3, the
# one Debian's python3-aiohttp is installed for), BENCH_DIR (default /tmp/cf-bench-req),
# PORT (18090). Needs nginx-light and libnginx-mod-http-echo (../shared/bench/setup.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
N=${1:-100000}
J=${2:-64}
COFETCH=${COFETCH:-$root/build-rel/cofetch}
PYTHON=${PYTHON:-/usr/bin/python3}
DIR=${BENCH_DIR:-/tmp/cf-bench-req}
PORT=${PORT:-18090}
[ -x "$COFETCH" ] || { echo "requests.sh: build $COFETCH first (cmake -B build-rel -DCMAKE_BUILD_TYPE=Release)" >&2; exit 2; }
mkdir -p "$DIR/www"

# nginx: the shared peer server's configuration, with a /post that takes any body.
sed -e "s#@DIR@#$DIR#g" -e "s#@PORT@#$PORT#g" \
    -e 's#^    location /delay#    location = /post { client_body_buffer_size 16k; return 200 "ok\\n"; }\n    location /delay#' \
    "$root/../shared/bench/nginx.conf.in" > "$DIR/nginx.conf"
[ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null && sleep 0.3 || true
nginx -c "$DIR/nginx.conf" -p "$DIR"
trap '[ -f "$DIR/nginx.pid" ] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true' EXIT
sleep 0.3
curl -sf -d x "http://127.0.0.1:$PORT/post" >/dev/null || { echo "requests.sh: nginx did not answer a POST" >&2; exit 2; }

body=$(head -c 150 /dev/zero | tr '\0' 'x')  # with the ",i" suffix below: 200 bytes
# lines N: N JSON request lines on stdout; config N: the same requests as a curl -K file.
lines() { awk -v n="$1" -v u="http://127.0.0.1:$PORT/post" -v b="$body" \
    'BEGIN { for (i = 0; i < n; i++) printf "{\"url\":\"%s?i=%d\",\"method\":\"POST\",\"body\":\"%s,%049d\",\"id\":%d}\n", u, i, b, i, i }'; }
config() { awk -v n="$1" -v u="http://127.0.0.1:$PORT/post" -v b="$body" \
    'BEGIN { for (i = 0; i < n; i++) printf "%surl = \"%s?i=%d\"\nrequest = \"POST\"\ndata-binary = \"%s,%049d\"\noutput = \"/dev/null\"\n", i ? "next\n" : "", u, i, b, i }'; }
lines "$N" > "$DIR/lines.jsonl"
config "$N" > "$DIR/curl.cfg"

# measure NAME CMD...: wall seconds and peak RSS (KiB) into $wall and $rss.
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$DIR/time" "$@" > "$DIR/$name.out" 2> "$DIR/$name.err" || {
        echo "requests.sh: $name failed (see $DIR/$name.err)" >&2; tail -3 "$DIR/$name.err" >&2; }
    read -r wall rss < <(tail -1 "$DIR/time")
    printf '%-10s %8.2f s  %7d KiB  %s\n' "$name" "$wall" "$rss" "$(wc -l < "$DIR/$name.out") lines out"
}

echo "== $N POST request lines (200-byte bodies), $J in flight, nginx on 127.0.0.1:$PORT"
measure cofetch sh -c "cat \"$DIR/lines.jsonl\" | \"$COFETCH\" -s --mode queue -j $J --jsonl"
c_wall=$wall c_rss=$rss
grep -c '"ok":true' "$DIR/cofetch.out" | sed 's/^/cofetch ok records: /'
measure curl-Z curl -s -Z --parallel-max "$J" -K "$DIR/curl.cfg"
k_wall=$wall
measure cofetch-K "$COFETCH" -s -Z --parallel-max "$J" -K "$DIR/curl.cfg"
ck_wall=$wall
measure aiohttp sh -c "cat \"$DIR/lines.jsonl\" | \"$PYTHON\" \"$here/aiohttp_requests.py\" $J"
a_wall=$wall
awk -v c="$c_wall" -v k="$k_wall" -v a="$a_wall" -v ck="$ck_wall" 'BEGIN {
    printf "cofetch / curl -Z = %.2f, cofetch / aiohttp = %.2f, cofetch -K / curl -Z -K = %.2f\n",
        c / k, c / a, ck / k }'

echo "== peak RSS of cofetch: $N lines vs $((N * 10)) lines, generated into the pipe"
measure cofetch-N bash -c "$(declare -f lines); body=$body PORT=$PORT; lines $N | \"$COFETCH\" -s --mode queue -j $J --jsonl"
r1=$rss
measure cofetch-10N bash -c "$(declare -f lines); body=$body PORT=$PORT; lines $((N * 10)) | \"$COFETCH\" -s --mode queue -j $J --jsonl"
r10=$rss
awk -v a="$r1" -v b="$r10" 'BEGIN { printf "peak RSS %d KiB vs %d KiB: %+.1f%%\n", a, b, (b - a) * 100 / a }'
