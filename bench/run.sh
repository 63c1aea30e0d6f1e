#!/usr/bin/env bash
# Reproduce the performance table of issue 6 and write bench/RESULTS.md.
#   usage: bench/run.sh [-r ROUNDS] [CASE...]     cases: B1-B8, B1h (default: B1-B5)
# B1h is B1 with --har and --report beside B1 itself, alternated (issue 20's budget).
# B6 is many host names through a real DNS server (../shared/bench/dns.sh: dnsmasq and a
# private /etc/resolv.conf; needs root): 2,000 and 20,000 distinct names, 200 in flight.
# B7 and B8 are the real internet's shape over TLS (../shared/bench/tls.sh: a TLS nginx
# with an HTTP/2 keep-alive port and one that closes every connection); curl -Z takes
# about 100 s a round in B8.
# Needs a release build in build-rel/ (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release
# -DCF_BUILD_TESTS=OFF && cmake --build build-rel -j2) and ../shared/bench (loopback nginx,
# peers from Debian's packages). Every peer is measured in the same run, in turn, and the
# medians of ROUNDS rounds (default 3) are reported with ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); top=$(dirname "$here")
shared=${SHARED_BENCH:-$top/../shared/bench}
rounds=3; [ "${1:-}" = -r ] && { rounds=$2; shift 2; }
cases=("$@"); [ ${#cases[@]} -eq 0 ] && cases=(B1 B2 B3 B4 B5)
export COFETCH=${COFETCH:-$top/build-rel/cofetch}
dir=${BENCH_DIR:-/tmp/cf-bench}
out=$here/RESULTS.md
[ -x "$COFETCH" ] || { echo "build $COFETCH first (see the header of this script)" >&2; exit 1; }

"$shared/setup.sh" >/dev/null
# An nginx already serving the lists (another run's, on a shared machine) is used and
# left running; one started here is stopped at the end.
started=0
if ! curl -sf http://127.0.0.1:18080/f/1.txt >/dev/null 2>&1; then
    "$shared/server.sh" start >/dev/null
    started=1
fi
"$shared/lists.sh" >/dev/null
trap '[ $started = 0 ] || "$shared/server.sh" stop >/dev/null; "$shared/tls.sh" stop >/dev/null 2>&1' EXIT
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

log=$(mktemp)
section() { printf '\n### %s\n\n```\n' "$1" >> "$log"; }
endsection() { printf '```\n' >> "$log"; }
peers() { # title list concurrency peers...
    local title=$1; shift
    echo "== $title" >&2
    section "$title"
    $wrap "$shared/peers.sh" -r "$rounds" "$@" | tee -a "$log" >&2
    endsection
}

for c in "${cases[@]}"; do
wrap=""; [ "$c" = B6 ] && wrap="$shared/dns.sh"
case $c in
B1) COFETCH_ARGS="-s -j 50 -i $dir/small10k.txt" \
        peers "B1: 10,000 tiny files, 50 in flight" "$dir/small10k.txt" 50 curl-Z cofetch h2load aiohttp ;;
B1h) echo "== B1h" >&2
    # The cost of --har and --report: B1 and B1 writing both files into a temporary
    # directory, in turn, the order swapped every round; wall time from the monotonic
    # clock in ms, CPU from /usr/bin/time; medians.
    rh=$(( rounds > 9 ? rounds : 9 ))
    section "B1h: B1 with --har and --report, beside B1 (median of $rh, alternated)"
    tmp=$(mktemp -d)
    one() { # name cofetch-args...
        local name=$1 t0 t1; shift
        t0=$(date +%s%N)
        /usr/bin/time -f "%U %S" -o "$tmp/cpu" "$COFETCH" -s -j 50 "$@" -i "$dir/small10k.txt" >/dev/null
        t1=$(date +%s%N)
        echo "$(( (t1 - t0) / 1000000 )) $(awk '{printf "%.2f", $1 + $2}' "$tmp/cpu")" >> "$tmp/$name.t"
    }
    files=(--har "$tmp/b1h.har" --report "$tmp/b1h.html")
    for r in $(seq 1 "$rh"); do
        if [ $((r % 2)) -eq 1 ]; then one B1; one B1h "${files[@]}"; else one B1h "${files[@]}"; one B1; fi
    done
    med() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
    bw=$(cut -d' ' -f1 "$tmp/B1.t" | med); bc=$(cut -d' ' -f2 "$tmp/B1.t" | med)
    hw=$(cut -d' ' -f1 "$tmp/B1h.t" | med); hc=$(cut -d' ' -f2 "$tmp/B1h.t" | med)
    printf "%-6s %8s %8s %8s   (small10k.txt, 10000 URLs, -j 50, %d rounds)\n" case wall_s cpu_s ratio "$rh" \
        | tee -a "$log" >&2
    printf "%-6s %8.3f %8s %8.2f\n" B1 "$(echo "$bw" | awk '{print $1/1000}')" "$bc" 1 \
        B1h "$(echo "$hw" | awk '{print $1/1000}')" "$hc" "$(echo "$hw $bw" | awk '{print $1/$2}')" \
        | tee -a "$log" >&2
    echo "files: --har $(stat -c %s "$tmp/b1h.har") bytes, --report $(stat -c %s "$tmp/b1h.html") bytes" \
        | tee -a "$log" >&2
    rm -rf "$tmp"
    endsection ;;
B2) COFETCH_ARGS="-s -j 0 -i $dir/delay10k.txt" \
        peers "B2: 10,000 URLs delayed 1 s, 10,000 in flight" "$dir/delay10k.txt" 10000 h2load cofetch curl-Z aiohttp ;;
B3) COFETCH_ARGS="-s -j 100 -i $dir/delay100.txt" \
        peers "B3: 100 URLs delayed 0.2 s, gather" "$dir/delay100.txt" 100 curl-Z cofetch h2load aiohttp
    echo "== B3 --compare" >&2
    section "B3: cofetch --compare (sync, then gather)"
    "$COFETCH" --compare --summary -j 100 -i "$dir/delay100.txt" 2>&1 >/dev/null | tee -a "$log" >&2
    endsection ;;
B4) head -n 100000 "$dir/stream1m.txt" > "$dir/stream100k.txt"
    COFETCH_ARGS="--mode queue -j 64 -s < $dir/stream100k.txt" \
        peers "B4a: 100,000 URLs piped to queue mode, 64 in flight" "$dir/stream100k.txt" 64 curl-Z cofetch
    COFETCH_ARGS="--mode queue -j 64 -s < $dir/stream1m.txt" \
        peers "B4b: 1,000,000 URLs piped to queue mode, 64 in flight" "$dir/stream1m.txt" 64 curl-Z cofetch ;;
B5) echo "== B5" >&2
    # 0.2 s of work: more rounds than the long cases, the order swapped every round, the page
    # cache written back before each run, wall time from the monotonic clock in ms.
    r5=$(( rounds > 9 ? rounds : 9 ))
    section "B5: 100 x 1 MiB into an output directory, 50 in flight (wall s, peak RSS KiB; median of $r5)"
    tmp=$(mktemp -d)
    awk -v d="$tmp/z" '{print "url = \"" $0 "\"\noutput = \"" d "/" NR ".bin\""}' \
        "$dir/big100.txt" > "$tmp/curl.cfg"
    timed() { # name command...
        local name=$1 t0 t1; shift
        sync; t0=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$tmp/rss" "$@" >/dev/null
        t1=$(date +%s%N)
        echo "$(( (t1 - t0) / 1000000 )) $(cat "$tmp/rss")" >> "$tmp/$name.t"
    }
    run_curl() { timed curl curl -sS -Z --no-progress-meter --parallel-immediate \
        --parallel-max 50 -K "$tmp/curl.cfg"; }
    run_cofetch() { timed cofetch "$COFETCH" -s -j 50 --output-dir "$tmp/c" -i "$dir/big100.txt"; }
    for r in $(seq 1 "$r5"); do
        rm -rf "$tmp/c" "$tmp/z"; mkdir -p "$tmp/c" "$tmp/z"
        if [ $((r % 2)) -eq 1 ]; then run_curl; run_cofetch; else run_cofetch; run_curl; fi
    done
    med() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
    cw=$(cut -d' ' -f1 "$tmp/curl.t" | med); cm=$(cut -d' ' -f2 "$tmp/curl.t" | med)
    ow=$(cut -d' ' -f1 "$tmp/cofetch.t" | med); om=$(cut -d' ' -f2 "$tmp/cofetch.t" | med)
    printf "%-8s %8s %10s %8s\n" peer wall_s rss_kib ratio \
        "curl-Z" "$(echo "$cw" | awk '{printf "%.3f", $1/1000}')" "$cm" 1.00 \
        cofetch "$(echo "$ow" | awk '{printf "%.3f", $1/1000}')" "$om" \
        "$(echo "$ow $cw" | awk '{printf "%.2f", $1/$2}')" | tee -a "$log" >&2
    rm -rf "$tmp"
    endsection ;;
B6) "$shared/dns.sh" >/dev/null
    seq 1 20000 | awk '{print "http://h" $1 ".test:18080/f/" ($1 % 10000 + 1) ".txt"}' > "$dir/hosts20k.txt"
    COFETCH_ARGS="-s -j 200 -i $dir/hosts2k.txt" \
        peers "B6a: 2,000 distinct host names through DNS, 200 in flight" "$dir/hosts2k.txt" 200 curl-Z cofetch aiohttp
    COFETCH_ARGS="-s -j 200 -i $dir/hosts20k.txt" \
        peers "B6b: 20,000 distinct host names through DNS, 200 in flight" "$dir/hosts20k.txt" 200 curl-Z cofetch aiohttp ;;
B7|B8) "$shared/tls.sh" start >/dev/null
    cat /etc/ssl/certs/ca-certificates.crt "$dir/tls/cert.pem" > "$dir/tls/bundle.pem"
    export CACERT=$dir/tls/bundle.pem
    if [ "$c" = B7 ]; then
        COFETCH_ARGS="-s -j 100 --cacert $CACERT -i $dir/tls10k.txt" \
            peers "B7: 10,000 requests over HTTP/2 to one host, 100 streams" "$dir/tls10k.txt" 100 h2load-h2 cofetch curl-Z
    else
        COFETCH_ARGS="-s -j 50 --cacert $CACERT -i $dir/tlsnoka2k.txt" \
            peers "B8: 2,000 new TLS connections verified against the system bundle, 50 at once" "$dir/tlsnoka2k.txt" 50 cofetch curl-Z aiohttp h2load
    fi
    unset CACERT ;;
*) echo "unknown case $c" >&2; exit 2 ;;
esac
done

{
    echo "# Benchmark results"
    echo
    echo "Written by \`bench/run.sh\` on $(date -u +%Y-%m-%d). Machine: $(nproc) cores,"
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(. /etc/os-release && echo "$PRETTY_NAME")."
    echo "Versions: $("$COFETCH" --version 2>&1 | head -1); $(curl --version | head -1 | cut -d' ' -f1-2);"
    echo "h2load $(h2load --version 2>&1 | head -1 | awk '{print $NF}'); python3-aiohttp $(/usr/bin/python3 -c 'import aiohttp; print(aiohttp.__version__)' 2>/dev/null)."
    echo "Medians of $rounds rounds; ratio = wall time / the first peer's wall time in that table."
    cat "$log"
} > "$out"
rm -f "$log"
echo "wrote $out" >&2
