#!/usr/bin/env bash
# test_curl_diff.sh - cofetch beside the real curl on the same loopback URLs.
#
#   bash tests/test_curl_diff.sh COFETCH_BINARY [CURL_BINARY]
#
# Each row of CASES below runs once with curl (default /usr/bin/curl, 7.88 on Debian
# bookworm) and once with cofetch, against the project's loopback server (`cofetch
# --serve 0`) and, for HTTPS, `openssl s_server -WWW` with a throwaway self-signed
# certificate. Per row it compares:
#   - the -w output of every variable both have (times, speeds and local_port left out:
#     they differ from run to run; in errormsg the milliseconds are masked, in
#     header_json the Date line),
#   - curl's process exit code against cofetch's %{exitcode} for that URL,
#   - the bytes written (curl's -o file, cofetch's saved file; none counts as empty),
#   - so, for an /echo URL, the request the server saw, which is the body.
# A row is: NAME | FLAGS | URL | ARGS BOTH | ARGS CURL ONLY | ARGS COFETCH ONLY
# ($S is the HTTP server's URL, $T the HTTPS one, $CA the certificate, $CLOSED a closed
# port; URL and ARGS are shell words: a row may fetch several URLs, as in cookies across
# two requests, with --sync among cofetch's arguments when their order matters). FLAGS: "-", or "tls" (needs the HTTPS server), or
# "hdrbody" (the bytes hold headers: compared with their Date lines masked), or
# "dump" (-D FILE given to both, and the files compared, Date lines masked), or
# "nobytes" (the bytes are not compared, for a deliberate difference: a body cut short,
# which cofetch does not keep, where curl keeps what came; the man page's DIFFERENCES
# FROM CURL).
# It exits 77 (ctest's SKIP) only when curl is missing.
set -uo pipefail
set -f # the table's URLs hold '?' and '*': never file names

bin=${1:?usage: test_curl_diff.sh COFETCH_BINARY [CURL_BINARY]}
curl=${2:-/usr/bin/curl}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
if [ ! -x "$curl" ]; then
    echo "SKIP: no curl binary at $curl (Debian: apt-get install curl)"
    exit 77
fi

# One User-Agent for both, so the requests can be compared byte for byte.
UA=cofetch-curl-diff

CASES=$(
    cat <<'EOF'
get            | -       | $S/bytes?n=100                          |                         |                 |
get_echo       | -       | "$S/echo?a=1&b=%20x"                    |                         |                 |
two_urls       | -       | $S/status/404 $S/echo?second            |                         |                 | --sync
status_404     | -       | $S/status/404                           |                         |                 |
status_404_f   | -       | $S/status/404                           | -f                      |                 |
status_503     | -       | $S/status/503                           |                         |                 |
status_503_f   | -       | $S/status/503                           | -f                      |                 |
redirect       | -       | $S/redirect?n=2                         |                         |                 |
redirect_L     | -       | $S/redirect?n=2                         | -L                      |                 |
redirect_echo  | -       | "$S/redirect?n=1&to=%2Fecho%3Fr%3D1"    | -L                      |                 |
dump_header    | dump    | $S/redirect?n=2                         | -L                      |                 |
dump_404_f     | dump    | $S/status/404                           | -f                      |                 |
redirect_max   | -       | $S/redirect?n=5                         | -L --max-redirs 2       |                 |
head           | hdrbody | $S/echo                                 | -I                      |                 |
include_L      | hdrbody | $S/redirect?n=1                         | -L                      | -i              | --include
post_d         | -       | $S/echo                                 | -d 'a=1&b=2'            |                 |
post_d_put     | -       | $S/echo                                 | -d x -X PUT             |                 |
headers        | -       | $S/echo                                 | -H 'X-One: 1' -H 'X-Two: a b' |           |
compressed     | -       | $S/gzip?n=5000                          | --compressed            |                 |
filesize       | -       | $S/bytes?n=1000                         | --max-filesize 100      |                 |
partial        | nobytes | $S/reset?n=10                           |                         |                 |
refused        | -       | http://127.0.0.1:$CLOSED/               |                         |                 |
no_dns         | -       | http://no-such-host.invalid/            |                         |                 |
timeout        | -       | $S/delay?s=5                            | -m 1                    |                 |
tls_verify     | tls     | $T/page.txt                             |                         |                 |
tls_insecure   | tls     | $T/page.txt                             | -k                      |                 |
tls_cacert     | tls     | $T/page.txt                             | --cacert $CA            |                 |
EOF
)

# The -w variables cofetch and curl 7.88 both have, but those that differ run to run.
vars="content_type errormsg exitcode http_code http_connect http_version local_ip method
num_connects num_headers num_redirects proxy_ssl_verify_result redirect_url referer
remote_ip remote_port response_code scheme size_download size_header size_request
size_upload ssl_verify_result url url_effective urlnum header_json num_certs certs
ftp_entry_path"
W=""
for v in $vars; do W+="$v=%{$v}\\n"; done
W+='ctype=%header{content-type}\n'
# Where each URL's bytes went (taken out before the -w outputs are compared).
WF='file=%{filename_effective}\n'

work=$(mktemp -d /tmp/cofetch-curldiff-XXXXXX) || exit 1
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# A port nothing listens on now (bash's /dev/tcp connect fails).
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
            echo "$p"
            return 0
        }
    done
    return 1
}

wait_port() { # $1 port: up to 30 s
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

"$bin" --serve 0 >"$work/serve.out" 2>/dev/null &
pids+=($!)
for _ in $(seq 1 100); do
    grep -q '^serving on ' "$work/serve.out" 2>/dev/null && break
    sleep 0.1
done
S=$(sed -n 's/^serving on \(http:[^ ]*\).*/\1/p' "$work/serve.out")
[ -n "$S" ] || {
    echo "FAIL: cofetch --serve 0 did not start"
    exit 1
}
CLOSED=$(free_port) || exit 1

# HTTPS: openssl's s_server serving files, with a self-signed certificate for 127.0.0.1.
T="" CA="$work/cert.pem"
if command -v openssl >/dev/null &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
        -keyout "$work/key.pem" -out "$CA" >/dev/null 2>&1; then
    mkdir -p "$work/www"
    printf 'a page over TLS\n' >"$work/www/page.txt"
    for _ in 1 2 3; do # a port taken between the check and the bind: another one
        tport=$(free_port) || exit 1
        (cd "$work/www" && exec openssl s_server -quiet -WWW -accept "$tport" -cert "$CA" \
            -key "$work/key.pem" </dev/null >>"$work/s_server.log" 2>&1) &
        pids+=($!)
        if wait_port "$tport"; then
            T="https://127.0.0.1:$tport"
            break
        fi
    done
fi
if [ -z "$T" ]; then
    fail "no HTTPS server (openssl req / s_server): the HTTPS rows cannot run"
    cat "$work/s_server.log" 2>/dev/null
fi

# Masks what differs from run to run in a -w output.
normalize() {
    sed -E -e 's/after [0-9]+ (ms|milliseconds)/after N \1/' -e '/^"date":\[/d' -e '/^file=/d' "$1"
}

trim() {
    local s=$1
    s=${s#"${s%%[![:space:]]*}"}
    printf '%s' "${s%"${s##*[![:space:]]}"}"
}

cases=0
while IFS='|' read -r name flags url both conly fonly; do
    name=$(trim "$name") flags=$(trim "$flags")
    [ -n "$name" ] || continue
    [ "$flags" = tls ] && [ -z "$T" ] && continue
    cases=$((cases + 1))
    d=$work/$name
    mkdir -p "$d/c" "$d/f"
    eval "urls=($(trim "$url"))"
    eval "b=($(trim "$both"))"
    eval "c=($(trim "$conly"))"
    eval "f=($(trim "$fonly"))"
    co=() n=0
    for u in "${urls[@]}"; do # curl: one -o per URL, in order
        n=$((n + 1))
        co+=(-o "$d/c/body.$n")
    done
    cd_=() fd_=()
    [ "$flags" = dump ] && cd_=(-D "$d/curl.hdr") fd_=(-D "$d/cofetch.hdr")
    "$curl" -s -A "$UA" "${co[@]}" -w "$W$WF" "${cd_[@]}" "${b[@]}" "${c[@]}" "${urls[@]}" \
        >"$d/curl.w" 2>"$d/curl.err"
    crc=$?
    "$bin" -s -A "$UA" --output-dir "$d/f/out" -w "$W$WF" "${fd_[@]}" "${b[@]}" "${f[@]}" \
        "${urls[@]}" >"$d/cofetch.w" 2>"$d/cofetch.err"
    frc=$?
    if [ "$flags" = dump ] &&
        ! diff -u <(grep -v '^Date:' "$d/curl.hdr") <(grep -v '^Date:' "$d/cofetch.hdr") \
            >"$d/hdr.diff"; then
        fail "$name: the -D files differ (- curl, + cofetch):"
        sed -n '3,$p' "$d/hdr.diff"
    fi
    if ! diff -u <(normalize "$d/curl.w") <(normalize "$d/cofetch.w") >"$d/w.diff"; then
        fail "$name: -w differs (- curl, + cofetch):"
        sed -n '3,$p' "$d/w.diff"
    fi
    # curl exits with its last URL's code; cofetch says each URL's.
    fcode=$(sed -n 's/^exitcode=//p' "$d/cofetch.w" | tail -n 1)
    [ "$fcode" = "$crc" ] || fail "$name: curl exited $crc, cofetch's %{exitcode} is '$fcode'"
    if grep -q '^exitcode=[1-9]' "$d/cofetch.w"; then want=1; else want=0; fi
    [ "$frc" = "$want" ] || fail "$name: cofetch exited $frc, not $want (1: a URL failed)"
    if [ "$flags" != nobytes ]; then # each URL's bytes, in order (an unwritten file: empty)
        : >"$d/curl.bytes"
        : >"$d/cofetch.bytes"
        sed -n 's/^file=//p' "$d/curl.w" | while IFS= read -r p; do
            [ -f "$p" ] && cat "$p"
            echo "-- end of a URL's bytes"
        done >"$d/curl.bytes"
        sed -n 's/^file=//p' "$d/cofetch.w" | while IFS= read -r p; do
            [ -n "$p" ] && [ ! -f "$p" ] && p=$d/f/out/$p
            [ -n "$p" ] && [ -f "$p" ] && cat "$p"
            echo "-- end of a URL's bytes"
        done >"$d/cofetch.bytes"
        if [ "$flags" = hdrbody ]; then
            sed -i '/^Date: /d' "$d/curl.bytes" "$d/cofetch.bytes"
        fi
        cmp -s "$d/curl.bytes" "$d/cofetch.bytes" ||
            fail "$name: the bytes written differ: curl $(wc -c <"$d/curl.bytes"), cofetch $(wc -c <"$d/cofetch.bytes")"
    fi
    if grep -q 'AddressSanitizer\|runtime error' "$d/cofetch.err"; then
        fail "$name: a sanitizer report:"
        cat "$d/cofetch.err"
    fi
done <<<"$CASES"

# Option groups (curl's -: / --next, and `next` in -K files): whole command lines, the
# same words for both, run in a directory of their own. Every URL has its -o and every
# group its -w, so that stdout holds the -w lines alone; compared are those lines, the
# exit code (curl's own against cofetch's, which is 1 when any URL failed), and every
# file written (the /echo bodies: the request each group's options made).
next_case() { # NAME WANT_COFETCH_RC ARGS... (cofetch gets "${FONLY[@]}" first)
    local name=$1 want=$2 d=$work/next_$1
    shift 2
    cases=$((cases + 1))
    mkdir -p "$d/c" "$d/f"
    (cd "$d/c" && exec "$curl" "$@") >"$d/curl.w" 2>"$d/curl.err"
    local crc=$?
    (cd "$d/f" && exec "$bin" "${FONLY[@]}" "$@") >"$d/cofetch.w" 2>"$d/cofetch.err"
    local frc=$?
    [ "$frc" = "$want" ] || {
        fail "next $name: cofetch exited $frc, not $want"
        cat "$d/cofetch.err"
    }
    [ "$crc" = "$(sed -n 's/^exitcode=//p' "$d/cofetch.w" | tail -n 1)" ] ||
        fail "next $name: curl exited $crc, cofetch's last %{exitcode} differs"
    # num_connects left out: curl runs the groups one after another on one connection,
    # cofetch all at once.
    diff -u <(normalize "$d/curl.w" | grep -v '^num_connects=') \
        <(normalize "$d/cofetch.w" | grep -v '^num_connects=') >"$d/w.diff" || {
        fail "next $name: -w differs (- curl, + cofetch):"
        sed -n '3,$p' "$d/w.diff"
    }
    find "$d/c" "$d/f" -type f -exec sed -i '/^Date: /d' {} + # -I's headers: Date differs
    # -F: libcurl draws each form's boundary at random (24 dashes, 16 hex digits).
    find "$d/c" "$d/f" -type f -exec sed -i -E 's/-{24}[0-9a-f]{16}/BOUNDARY/g' {} +
    diff -ru "$d/c" "$d/f" >"$d/files.diff" || {
        fail "next $name: the files written differ (- curl, + cofetch):"
        head -n 40 "$d/files.diff"
    }
    grep -q 'AddressSanitizer\|runtime error' "$d/cofetch.err" && fail "next $name: a sanitizer report"
}
G=(-s -A "$UA" -w "$W") # what every group gets (-s is global, the rest per group)
FONLY=()

# Three groups: a GET, a PUT with a body and a header to two files, curl's --json; in
# each of cofetch's ways to run them (--compare writes its second run's records).
three=("${G[@]}" -o g1 "$S/echo?g=1"
    -: "${G[@]}" -X PUT -d 'a=1' -d 'b=2' -H 'X-Group: two' -o g2a -o g2b "$S/echo?g=2"
    "$S/echo?g=2b" --next "${G[@]}" --json '{"k":3}' -o g3 "$S/echo?g=3")
next_case three_groups 0 "${three[@]}"
for FONLY in --sync --compare; do
    FONLY=("$FONLY")
    next_case "three_groups_${FONLY[0]#--}" 0 "${three[@]}"
done
FONLY=()
# Nothing of a group leaks into the next: -f, -L, -H, -u, -e, -I, -r, -X are reset.
next_case reset 1 "${G[@]}" -f -L -H 'X-Only: one' -u me:pw -e http://ref/ -r 0-3 -X DELETE \
    -o r1 "$S/status/404" --next "${G[@]}" -o r2 "$S/echo?after" --next "${G[@]}" -o r3 \
    "$S/redirect?n=1" -: "${G[@]}" -I -o r4 "$S/echo?head"
# --next before any URL starts no group (curl ignores it): -X PUT reaches the URL.
next_case leading 0 -X PUT --next "${G[@]}" -o l1 "$S/echo?leading"
# A -K file with `next` lines (and a nested -K that has its own), mixed with the
# command line's groups; `url =` lines, -o, -w, methods, bodies, headers per group.
kd=$work/next_k
mkdir -p "$kd"
cat >"$kd/inner.cfg" <<EOF2
next
request = PATCH
data-raw = "@not-a-file"
header = "X-Inner: yes"
user-agent = "$UA"
write-out = "inner %{urlnum} %{method} %{response_code}\\n"
output = k3
url = "$S/echo?k=3"
EOF2
cat >"$kd/outer.cfg" <<EOF2
# group 1
url = "$S/echo?k=1"
-o k1
user-agent "$UA"
-w "%{urlnum} %{method} %{size_upload}\\n"
next
-X POST
--data-binary "x y"
-H "Content-Type: text/plain"
-A "$UA"
url = "$S/echo?k=2"
output = "k2"
write-out = "%{urlnum} %{method} %{http_code} %{size_upload}\\n"
config = "$kd/inner.cfg"
EOF2
next_case config 0 -s -K "$kd/outer.cfg" --next "${G[@]}" -o k4 "$S/echo?k=4"
# -F, curl's multipart forms through libcurl's mime API: every field form (text, ;type=,
# an unknown parameter skipped, @FILE with its name and type guessed from it, <FILE,
# ;filename=, a quoted value holding ';' and '"', --form-string taken as it is,
# ;headers=), on two URLs of one group (each gets the form); with -X PUT; with -L through
# a redirect (the POST becomes a GET, as curl does it); in one group and not the next.
fd=$work/form
mkdir -p "$fd"
printf 'line one\nline two\n' >"$fd/notes.txt"
printf '\001\002binary\377' >"$fd/blob.bin"
next_case form_fields 0 "${G[@]}" -F 'a=hello;world' -F 'b=x;type=text/foo' \
    -F "c=@$fd/notes.txt" -F "d=<$fd/notes.txt" -F "e=@$fd/blob.bin;filename=renamed.dat;type=app/x" \
    -F 'f="q;uo\"te";type=t/t' --form-string 'g=@not-a-file;type=x' -F 'h=v;headers=X-Part: 1' \
    -o f1 -o f2 "$S/echo?form=1" "$S/echo?form=2"
next_case form_put 0 "${G[@]}" -F 'a=1' -X PUT -o p1 "$S/echo?put"
next_case form_redirect 0 "${G[@]}" -L -F 'a=1' -o r1 "$S/redirect?n=2"
next_case form_groups 0 "${G[@]}" -F "up=@$fd/notes.txt" -o n1 "$S/echo?n=1" \
    --next "${G[@]}" -o n2 "$S/echo?n=2"
# A bad -F is refused before anything is fetched (curl: exit 2 for a field without '=';
# a missing file is curl's exit 26 at transfer time, cofetch's usage error up front).
for bad in 'no-equals' "a=@$fd/missing" "a=<$fd/missing"; do
    cases=$((cases + 1))
    rm -f "$fd/out"
    "$bin" -s -o "$fd/out" -F "$bad" "$S/echo" >/dev/null 2>"$fd/err"
    frc=$?
    [ "$frc" = 2 ] || fail "form bad '$bad': cofetch exited $frc, not 2"
    [ -e "$fd/out" ] && fail "form bad '$bad': cofetch fetched before refusing it"
    grep -q -- '--form' "$fd/err" || fail "form bad '$bad': the error does not name --form"
done
cases=$((cases + 1))
"$bin" -s -F a=1 -d b=2 "$S/echo" >/dev/null 2>"$fd/err"
[ $? = 2 ] && grep -q -- '-F' "$fd/err" || fail "form with -d: not refused as curl refuses it"

# curl's %{json}: the same keys in the same order, each of the same JSON type and, but
# for times, speeds, the local port, the file name and curl_version, the same value; for
# a plain GET, a closed port and a redirect not followed.
for u in "$S/echo" "http://127.0.0.1:$CLOSED/" "$S/redirect?n=1"; do
    cases=$((cases + 1))
    "$curl" -s -A "$UA" -o /dev/null -w '%{json}' "$u" >"$work/json.c" 2>/dev/null
    "$bin" -s -A "$UA" -w '%{json}' "$u" >"$work/json.f" 2>"$work/json.err"
    why=$(python3 - "$work/json.c" "$work/json.f" <<'EOF2'
import json, sys
c = json.load(open(sys.argv[1]))
try:
    f = json.load(open(sys.argv[2]))
except ValueError as e:
    print("cofetch's is no JSON: %s" % e); sys.exit()
skip = {"local_port", "curl_version", "filename_effective"}
if list(c) != list(f):
    print("keys differ: curl %s, cofetch %s" % (list(c), list(f)))
for k in c:
    if k in skip or k.startswith(("time_", "speed_")) or k not in f:
        continue
    if type(c[k]) is not type(f[k]) or c[k] != f[k]:
        print("%s: curl %r, cofetch %r" % (k, c[k], f[k]))
EOF2
)
    [ -z "$why" ] || fail "%{json} of $u differs: $why"
done

# A trailing --next without a URL: curl fetches the groups before it, then fails with
# "no URL specified!" (exit 2); cofetch refuses the line before fetching anything.
d=$work/next_trailing
mkdir -p "$d"
(cd "$d" && exec "$curl" -s -o t1 "$S/echo" --next -X PUT) >/dev/null 2>&1
crc=$?
(cd "$d" && exec "$bin" -s -o t2 "$S/echo" --next -X PUT) >/dev/null 2>"$d/err"
frc=$?
cases=$((cases + 1))
[ "$crc" = 2 ] && [ "$frc" = 2 ] || fail "next trailing: curl exited $crc, cofetch $frc (2 both)"
[ -e "$d/t2" ] && fail "next trailing: cofetch fetched before refusing the line"
grep -q -- '--next' "$d/err" || fail "next trailing: the error does not name --next: $(cat "$d/err")"

# Long options by a prefix that names one alone (curl 7.88 takes them; an ambiguous one
# is an error in both, an exact name wins over being a prefix of another): each prefix
# with its value, if any, against one /echo URL; the request the server saw must match
# (-I's headers: but for their Date lines).
d=$work/prefixes
mkdir -p "$d"
while read -r p v; do
    cases=$((cases + 1))
    args=("$p")
    [ "$v" = - ] || args+=("$v")
    "$curl" -s -A "$UA" "${args[@]}" -o "$d/c" "$S/echo?p=1" >/dev/null 2>"$d/c.err"
    crc=$?
    "$bin" -s -A "$UA" "${args[@]}" -o "$d/f" "$S/echo?p=1" >/dev/null 2>"$d/f.err"
    frc=$?
    if grep -q 'is ambiguous' "$d/c.err"; then
        [ "$frc" = 2 ] && grep -q -- "option $p: is ambiguous" "$d/f.err" ||
            fail "prefix $p: ambiguous in curl, cofetch exited $frc: $(cat "$d/f.err")"
    elif [ "$crc" = 0 ]; then
        [ "$frc" = 0 ] && cmp -s <(grep -v '^Date: ' "$d/c") <(grep -v '^Date: ' "$d/f") ||
            fail "prefix $p: curl took it, cofetch exited $frc or sent another request: $(cat "$d/f.err")"
    else
        fail "prefix $p: curl exited $crc: $(cat "$d/c.err")"
    fi
    rm -f "$d/c" "$d/f"
done <<'EOF2'
--verb -
--ver -
--req PUT
--reque PUT
--retry-del 0
--http1 -
--http1.1 -
--max-t 5
--head -
--heade X-P:1
--data-r a=1
--data- a=1
--user-ag prefix-ua
--ur -
--compr -
EOF2

echo "$cases cases, $failures failures"
[ "$cases" -ge 20 ] || fail "only $cases cases ran"
[ "$failures" -eq 0 ]
