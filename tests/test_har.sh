#!/usr/bin/env bash
# test_har.sh - --har FILE against the loopback server (`cofetch --serve 0`):
#
#   bash tests/test_har.sh COFETCH_BINARY TESTS_HAR_DIR
#
#   - a batch of successes, HTTP errors, a refused connect, a bad line and a redirect is
#     one entry per fetch, valid against the HAR 1.2 schema in tests/har/, timings adding
#     up to each entry's time, headers, status, sizes and content type as sent
#   - --compare is two pages, one entry per fetch of each
#   - a run interrupted by SIGINT, and one killed by SIGKILL, leave a file that parses
#   - --har into a directory that does not exist, or under a regular file, fails before
#     any fetch and names the path
#   - the checker itself rejects a truncated file and an entry without its time
#
# Exits 77 (ctest's SKIP_RETURN_CODE) when python3 or python3-jsonschema is missing.
set -uo pipefail

bin=${1:?cofetch binary}
dir=${2:?tests/har directory}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
schema=$dir/har-1.2.schema.json
check="python3 $dir/check_har.py $schema"

command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
python3 -c 'import jsonschema' 2>/dev/null ||
    { echo "SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)"; exit 77; }

tmp=$(mktemp -d /tmp/cofetch-har-XXXXXX) || exit 1
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

"$bin" --serve 0 >"$tmp/serve.out" 2>&1 &
srv_pid=$!
for _ in $(seq 100); do
    u=$(sed -n 's/^serving on \(http:[^ ]*\).*/\1/p' "$tmp/serve.out")
    [ -n "$u" ] && break
    sleep 0.1
done
[ -n "$u" ] || { echo "FAIL: the server did not start: $(cat "$tmp/serve.out")"; exit 1; }

# ---- one batch: one entry per fetch, every field as fetched ----
"$bin" -s -L --har "$tmp/a.har" -H 'X-Har-Test: yes' "$u/bytes?n=100" "$u/status/404" \
    "$u/redirect?n=2" "$u/delay?s=0.2" http://127.0.0.1:1/ 'not a url' "$u/echo?n=100&x=a%20b&flag#frag" \
    >"$tmp/a.out" 2>"$tmp/a.err"
[ "$(wc -l <"$tmp/a.out")" -eq 7 ] || fail "batch: stdout has $(wc -l <"$tmp/a.out") lines, want 7"
$check "$tmp/a.har" 7 || fail "batch: $tmp/a.har is not a HAR 1.2 log of 7 entries"
python3 - "$tmp/a.har" "$u" <<'EOF' || fail "batch: the entries do not say what was fetched"
import json, sys
log = json.load(open(sys.argv[1]))["log"]
u = sys.argv[2]
by = {e["request"]["url"]: e for e in log["entries"]}
def want(cond, what):
    if not cond:
        print("  " + what)
        sys.exit(1)
want(len(log["pages"]) == 1 and log["pages"][0]["pageTimings"]["onLoad"] > 0, "one page, with its onLoad")
ok = by[u + "/bytes?n=100"]
query = by[u + "/echo?n=100&x=a%20b&flag#frag"]["request"]["queryString"]
want(query == [{"name": "n", "value": "100"}, {"name": "x", "value": "a%20b"},
               {"name": "flag", "value": ""}], "the query string")
want(ok["response"]["status"] == 200 and ok["response"]["statusText"] == "OK", "200 OK")
want(ok["response"]["content"]["size"] == 100 and ok["response"]["bodySize"] == 100, "100 bytes")
want(ok["response"]["content"]["mimeType"] == "application/octet-stream", "the content type")
want(ok["response"]["httpVersion"] == "HTTP/1.1" and ok["request"]["httpVersion"] == "HTTP/1.1", "HTTP/1.1")
want(ok["response"]["headersSize"] > 0, "the response's header size")
want({"name": "X-Har-Test", "value": "yes"} in ok["request"]["headers"], "the request header")
names = [h["name"].lower() for h in ok["response"]["headers"]]
want("content-length" in names and "content-type" in names, "the response headers")
want(ok["request"]["method"] == "GET", "GET")
want(by[u + "/status/404"]["response"]["status"] == 404, "the 404")
want(by[u + "/redirect?n=2"]["response"]["status"] == 200, "the redirect followed")
slow = by[u + "/delay?s=0.2"]
want(200 <= slow["time"] < 5000 and slow["timings"]["wait"] >= 150, "0.2 s of waiting for the first byte")
want(slow["timings"]["ssl"] == -1, "no TLS on http://")
refused = by["http://127.0.0.1:1/"]
want(refused["response"]["status"] == 0 and "connect" in refused["_error"], "the refused connect")
want("not a URL" in by["not a url"]["_error"], "the bad line")
EOF

# ---- --compare: two pages ----
"$bin" -s --compare --har "$tmp/c.har" "$u/delay?s=0.1" "$u/delay?s=0.2" "$u/bytes?n=5" \
    >/dev/null 2>"$tmp/c.err"
$check "$tmp/c.har" 6 || fail "--compare: $tmp/c.har is not a HAR 1.2 log of 6 entries"
python3 - "$tmp/c.har" <<'EOF' || fail "--compare: not one page per run"
import json, sys
log = json.load(open(sys.argv[1]))["log"]
titles = [p["title"] for p in log["pages"]]
refs = [e["pageref"] for e in log["entries"]]
if titles[0] != "--sync" or len(titles) != 2 or refs.count("page_1") != 3 or refs.count("page_2") != 3:
    print("  pages", titles, "refs", refs)
    sys.exit(1)
EOF

# ---- interrupted runs: SIGINT writes every record; SIGKILL leaves what was written ----
for i in $(seq 1 40); do echo "$u/delay?s=$(awk "BEGIN{print $i * 0.1}")"; done >"$tmp/list"
"$bin" -s --har "$tmp/int.har" -i "$tmp/list" >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
code=$?
[ $code -eq 130 ] || fail "SIGINT: exit code $code, want 130"
$check "$tmp/int.har" 40 || fail "SIGINT: $tmp/int.har is not a HAR log of all 40 records"

"$bin" -s --har "$tmp/kill.har" -i "$tmp/list" >/dev/null 2>&1 &
pid=$!
sleep 2.5
kill -KILL $pid
wait $pid 2>/dev/null
$check "$tmp/kill.har" '>=5' || fail "SIGKILL: $tmp/kill.har does not parse or lost what was written"

# ---- a file that cannot be created: before any fetch, naming the path ----
touch "$tmp/plain"
for bad in "$tmp/no/such/dir/x.har" "$tmp/plain/x.har"; do
    "$bin" --har "$bad" "$u/bytes?n=1" >"$tmp/bad.out" 2>"$tmp/bad.err"
    code=$?
    [ $code -ne 0 ] || fail "--har $bad: exit code 0"
    [ -s "$tmp/bad.out" ] && fail "--har $bad: fetched before failing: $(cat "$tmp/bad.out")"
    grep -qF -- "--har $bad" "$tmp/bad.err" || fail "--har $bad: stderr does not name it: $(cat "$tmp/bad.err")"
done

# ---- the checker can fail ----
head -c -3 "$tmp/a.har" >"$tmp/cut.har"
$check "$tmp/cut.har" >/dev/null && fail "check_har.py accepted a truncated file"
sed 's/"time":[0-9.]*,//' "$tmp/a.har" >"$tmp/notime.har"
$check "$tmp/notime.har" >/dev/null && fail "check_har.py accepted entries without a time"
sed 's/"receive":[0-9.]*/"receive":99999/' "$tmp/a.har" >"$tmp/sum.har"
$check "$tmp/sum.har" >/dev/null && fail "check_har.py accepted timings that do not add up"

[ $failures -eq 0 ] && echo "har: all checks passed"
exit $((failures > 0))
