#!/usr/bin/env bash
# bench/soak_resume.sh [CYCLES] [LINES] - SIGKILL and resume, over and over (not run by CI).
#
# Runs `cofetch --jsonl -j 50 --journal J -i LIST >> OUT` against its own loopback server
# (cofetch --serve: /delay?s=0.05 lines), kills it with SIGKILL after a random 0.1-0.6 s, and runs the same
# command again, CYCLES times (default 200) or until a run finishes. Then checks:
#   - no line lost: every line of LIST has an ok record in OUT (the last run completes it);
#   - redone per cycle: records beyond one per line, per kill, against the documented
#     bound (the records of one write to stdout: at most 64 KiB of them);
#   - the server's count of requests: at least the records, and at most the records plus
#     the 50 in flight at each kill (whose records the kill cut off).
# Needs a build in build-rel/ (see bench/run.sh). Prints one summary line; exit 1 on a
# broken rule.
set -uo pipefail
cycles=${1:-200}
lines=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
cofetch=${COFETCH:-$top/build-rel/cofetch}
port=${PORT:-18799}
tmp=$(mktemp -d /tmp/cofetch-soak-XXXXXX)
trap 'kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT

"$cofetch" --serve "$port" >/dev/null 2>&1 &
srv=$!
sleep 0.3
for i in $(seq 1 "$lines"); do echo "http://127.0.0.1:$port/delay?s=0.05&i=$i"; done > "$tmp/list"
curl -s "http://127.0.0.1:$port/count?reset=1" >/dev/null

kills=0 done=0
for c in $(seq 1 "$cycles"); do
    "$cofetch" -s --jsonl -j 50 --journal "$tmp/journal" -i "$tmp/list" >> "$tmp/out" 2>/dev/null &
    pid=$!
    sleep "0.$((RANDOM % 6 + 1))"
    if kill -9 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        kills=$((kills + 1))
    else
        wait "$pid"; done=1; break
    fi
done
[ "$done" = 1 ] || "$cofetch" -s --jsonl -j 50 --journal "$tmp/journal" -i "$tmp/list" >> "$tmp/out"

records=$(grep -c '"ok":true' "$tmp/out")
distinct=$(grep -o '&i=[0-9]*' "$tmp/out" | sort -u | wc -l)
requests=$(curl -s "http://127.0.0.1:$port/count" | sed -n 's/.*"\/delay":\([0-9]*\).*/\1/p')
redone=$((records - lines))
per=$(awk -v r="$redone" -v k="$kills" 'BEGIN { printf "%.1f", k ? r / k : 0 }')
echo "soak: $kills kills, $lines lines: records $records (distinct $distinct), redone $redone ($per per kill), server requests $requests"
rc=0
[ "$distinct" -eq "$lines" ] || { echo "soak: LOST $((lines - distinct)) lines"; rc=1; }
[ "$requests" -ge "$records" ] || { echo "soak: more records than requests"; rc=1; }
[ "$requests" -le $((records + 50 * kills)) ] || { echo "soak: requests without records"; rc=1; }
# One write is at most 64 KiB of records (about 130 of these, ~450 bytes each) per kill.
awk -v r="$redone" -v k="$kills" 'BEGIN { exit !(k == 0 || r / k <= 150) }' ||
    { echo "soak: more redone per kill than one write holds"; rc=1; }
exit $rc
