#!/usr/bin/env bash
# test_library.sh - libcofetch as its users get it.
#
#   bash tests/test_library.sh CHECK BUILD_DIR SOURCE_DIR [CFLAGS...]
#
# CHECK is one of:
#   symbols  build/src/libcofetch.so exports exactly the functions that
#            include/cofetch/*.h declare (nothing internal, nothing of the test server,
#            no other prefix), has the SONAME libcofetch.so.MAJOR and binds at load
#   install  `cmake --install` into a DESTDIR puts the libraries, headers, cofetch.pc
#            and the CMake package there; tests/library/hello.c and every examples/*.c
#            are built against that tree three ways: pkg-config with the
#            shared library, pkg-config with libcofetch.a (and libcurl's and
#            libevent's own .pc files), and CMake's
#            find_package(cofetch) with cofetch::cofetch (one project for all); each
#            binds at load and runs (the examples with a `cofetch --serve` URL)
#   man3     man/cofetch.3 is exactly what man/gen-cofetch3.sh writes from the headers
#            (so it names every call, with the header's own comment), it names every
#            function the headers declare, and mandoc -T lint finds no warning in it
#
# CFLAGS are added to every compile and link (the sanitizers, when the build has them:
# an instrumented library needs an instrumented program).
set -uo pipefail

check=${1:?usage: test_library.sh CHECK BUILD_DIR SOURCE_DIR [CFLAGS...]}
build=$(cd "${2:?build dir}" && pwd) || exit 1
src=$(cd "${3:?source dir}" && pwd) || exit 1
shift 3
extra=("$@")

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
finish() {
    if ((failures)); then
        echo "$check: $failures failure(s)"
        exit 1
    fi
    echo "$check: ok"
    exit 0
}

version=$(sed -n 's/^project(cofetch VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
major=${version%%.*}

# Function names the public headers declare (prototypes start a line; macros and
# typedefs do not).
declared() {
    cat "$src"/include/cofetch/*.h |
        grep -E '^[a-z][^(]*[^a-z_0-9]cf_[a-z_0-9]+\(' | grep -v '^typedef' |
        sed -E 's/^[^(]*[^a-z_0-9](cf_[a-z_0-9]+)\(.*/\1/' | sort -u
}

binds_now() { # file
    readelf -d "$1" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW'
}

check_symbols() {
    local so=$build/src/libcofetch.so exported want
    [ -f "$so" ] || { fail "$so is missing"; return; }
    exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TtWwDdBbRrVviu]$/ {print $3}' | sort -u)
    want=$(declared)
    [ -n "$want" ] || { fail "no declarations found in include/cofetch"; return; }
    local extra_syms missing
    extra_syms=$(comm -13 <(echo "$want") <(echo "$exported"))
    missing=$(comm -23 <(echo "$want") <(echo "$exported"))
    [ -z "$extra_syms" ] || fail "exported but not in include/cofetch: $(echo $extra_syms)"
    [ -z "$missing" ] || fail "declared in include/cofetch but not exported: $(echo $missing)"
    if nm -D --defined-only "$so" | grep -q ' cf_server_'; then
        fail "the test server is in libcofetch.so"
    fi
    objdump -p "$so" | grep -Eq "SONAME +libcofetch\.so\.$major\$" ||
        fail "SONAME is not libcofetch.so.$major: $(objdump -p "$so" | grep SONAME)"
    [ -e "$build/src/libcofetch.so.$version" ] || fail "libcofetch.so.$version is missing"
    binds_now "$so" || fail "libcofetch.so does not bind at load (-z now)"
    echo "exported $(echo "$exported" | wc -l) functions, all declared in include/cofetch"
}

# Build $1 (a .c) into $2 with pkg-config, shared and static, against the tree under
# $root/usr/local (the CMake build of every program is build_cmake's).
build_pc() { # source name
    local c=$1 name=$2 out=$tmp/bin
    # shellcheck disable=SC2046
    cc -std=c17 -Wall -Wextra -Werror "${extra[@]}" -o "$out/$name.shared" "$c" \
        $(pkg-config --cflags --libs cofetch) || { fail "$name: pkg-config build"; return 1; }
    # libcofetch.a with the shared libcurl, libevent and OpenSSL (Debian has no static libcurl
    # for `pkg-config --static` to resolve): what the .a needs is named beside it.
    # shellcheck disable=SC2046
    cc -std=c17 -Wall -Wextra -Werror "${extra[@]}" -o "$out/$name.static" "$c" \
        $(pkg-config --cflags --libs cofetch libcurl libevent_core libevent_extra openssl |
            sed 's|-lcofetch|-Wl,-Bstatic -lcofetch -Wl,-Bdynamic|') -pthread ||
        { fail "$name: static build"; return 1; }
    if ldd "$out/$name.static" | grep -q libcofetch; then
        fail "$name: the --static build links libcofetch.so"
    fi
}

# One CMake project with every program, each linked to cofetch::cofetch.
build_cmake() { # source...
    local proj=$tmp/cmake c n v
    mkdir -p "$proj"
    {
        echo "cmake_minimum_required(VERSION 3.18)"
        echo "project(user C)"
        echo "find_package(cofetch $version REQUIRED)"
        for c in "$@"; do
            n=${c##*/}
            n=${n%.c}
            echo "add_executable($n $c)"
            echo "target_compile_options($n PRIVATE ${extra[*]})"
            echo "target_link_options($n PRIVATE ${extra[*]})"
            echo "target_link_libraries($n PRIVATE cofetch::cofetch)"
        done
    } >"$proj/CMakeLists.txt"
    if cmake -S "$proj" -B "$proj/build" -DCMAKE_PREFIX_PATH="$root/usr/local" >"$proj/log" 2>&1 &&
        cmake --build "$proj/build" -j2 >>"$proj/log" 2>&1; then
        for c in "$@"; do
            n=${c##*/}
            n=${n%.c}
            cp "$proj/build/$n" "$tmp/bin/$n.cmake"
        done
    else
        cat "$proj/log"
        fail "find_package(cofetch) build"
    fi
    for c in "$@"; do
        n=${c##*/}
        n=${n%.c}
        for v in shared static cmake; do
            [ -f "$tmp/bin/$n.$v" ] || continue
            binds_now "$tmp/bin/$n.$v" || fail "$n.$v does not bind at load (-z now)"
        done
    done
}

run_three() { # name args...
    local name=$1 v
    shift
    for v in shared static cmake; do
        [ -x "$tmp/bin/$name.$v" ] || continue
        if ! LD_LIBRARY_PATH=$root/usr/local/lib timeout 60 "$tmp/bin/$name.$v" "$@" \
            >"$tmp/$name.$v.out" 2>&1; then
            cat "$tmp/$name.$v.out"
            fail "$name.$v $* exited non-zero"
        fi
    done
}

check_install() {
    local f
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"; [ -z "${srv:-}" ] || kill "$srv" 2>/dev/null' EXIT
    root=$tmp/root
    mkdir -p "$tmp/bin"
    DESTDIR=$root cmake --install "$build" --prefix /usr/local >"$tmp/install.log" ||
        { cat "$tmp/install.log"; fail "cmake --install"; return; }
    for f in lib/libcofetch.so lib/libcofetch.so.$major lib/libcofetch.so.$version \
        lib/libcofetch.a lib/pkgconfig/cofetch.pc lib/cmake/cofetch/cofetchConfig.cmake \
        lib/cmake/cofetch/cofetchTargets.cmake include/cofetch/cofetch.h \
        include/cofetch/fetch.h; do
        [ -e "$root/usr/local/$f" ] || fail "install: /usr/local/$f is missing"
    done
    for f in "$src"/include/cofetch/*.h; do
        cmp -s "$f" "$root/usr/local/include/cofetch/${f##*/}" ||
            fail "install: include/cofetch/${f##*/} differs or is missing"
    done
    [ ! -e "$root/usr/local/include/cofetch/server.h" ] || fail "install: the test server's header"
    export PKG_CONFIG_PATH=$root/usr/local/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
    [ "$(pkg-config --modversion cofetch)" = "$version" ] || fail "pkg-config: version"
    pkg-config --libs cofetch | grep -q -- '-z,now' || fail "pkg-config --libs lacks -z now"
    pkg-config --print-requires-private cofetch | grep -q '^libcurl' ||
        fail "cofetch.pc: libcurl is not in Requires.private"

    local progs=("$src/tests/library/hello.c") n
    for f in "$src"/examples/*.c; do
        [ -f "$f" ] && progs+=("$f")
    done
    for f in "${progs[@]}"; do
        n=${f##*/}
        build_pc "$f" "${n%.c}"
    done
    build_cmake "${progs[@]}"

    run_three hello
    grep -q "hello from a task" "$tmp/hello.shared.out" 2>/dev/null ||
        fail "hello.shared did not print what it should"

    # Every example, against the demo server of the build.
    local url
    "$build/cofetch" --serve 0 >"$tmp/serve.out" 2>&1 &
    srv=$!
    for _ in $(seq 100); do
        url=$(sed -n 's/^serving on \(http[^ ]*\).*/\1/p' "$tmp/serve.out")
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { fail "cofetch --serve did not start"; return; }
    for f in "${progs[@]:1}"; do
        n=${f##*/}
        run_three "${n%.c}" "$url"
    done
    # The seeds' first program prints in the order gather interleaves it.
    if [ -f "$tmp/count.shared.out" ] &&
        [ "$(tr '\n' ' ' <"$tmp/count.shared.out")" != "One One Two Two " ]; then
        fail "count printed $(tr '\n' ' ' <"$tmp/count.shared.out"), not One One Two Two"
    fi
}

check_man3() {
    local page=$src/man/cofetch.3 fresh missing name out
    fresh=$(bash "$src/man/gen-cofetch3.sh" "$src/include") || { fail "gen-cofetch3.sh failed"; return; }
    if ! diff -u "$page" <(echo "$fresh") >"${TMPDIR:-/tmp}/cofetch3.diff.$$"; then
        head -40 "${TMPDIR:-/tmp}/cofetch3.diff.$$"
        fail "man/cofetch.3 is not what man/gen-cofetch3.sh writes: run it again"
    fi
    rm -f "${TMPDIR:-/tmp}/cofetch3.diff.$$"
    missing=""
    for name in $(declared); do
        grep -q "\\fB[^\\]*[^a-z_0-9]$name(" "$page" || missing="$missing $name"
    done
    [ -z "$missing" ] || fail "man/cofetch.3 lacks:$missing"
    if command -v mandoc >/dev/null; then
        out=$(mandoc -T lint -W warning "$page" 2>&1) || fail "mandoc -T lint: $out"
        [ -z "$out" ] || fail "mandoc -T lint $page: $out"
    else
        echo "(mandoc not installed: lint skipped)"
    fi
    echo "cofetch.3 documents $(declared | wc -l) functions"
}

case $check in
symbols) check_symbols ;;
man3) check_man3 ;;
install) check_install ;;
*)
    echo "test_library.sh: unknown check $check" >&2
    exit 2
    ;;
esac
finish
