#!/usr/bin/env bash
# tests/check_layout.sh ROOT [includes|headers|stacks|all]
#
# Holds the tree at ROOT to the rules of docs/ARCHITECTURE.md; prints each breach as
# "layout: FILE: what" and exits 1 if there is any.
#
#   includes  the layers' one-way dependencies: core includes nothing of net, server or
#             cli; net and server nothing of each other or of cli; in src/cli a wing
#             includes only the wings below it (base <- input, output <- run <- options
#             <- main.c); public headers only public headers; no "../" anywhere.
#   headers   each header of src/cli, src/net and src/server declares only functions its
#             own .c defines (a header without a .c declares none).
#   stacks    the stack rule: code on a small task stack is the functions reachable, in
#             their own file, from the roots below; they call only the runtime's
#             suspending calls, CF_ON_LOOP (whose NAME_on_loop is defined beside them) and
#             each other. CF_ON_LOOP appears only in a root's file, cf_on_loop_stack only
#             in src/core, cf_task_set_stack_size only where a root lives.
set -uo pipefail
root=${1:?usage: check_layout.sh ROOT [includes|headers|stacks|all]}
what=${2:-all}
fails=0
fail() {
    echo "layout: $*"
    fails=$((fails + 1))
}

# The functions that run on small stacks, FILE:FUNCTION (paths under ROOT).
ROOTS="src/net/fetch.c:cf_fetch src/cli/run/mode_ordered.c:slot_task"
# What such a function may call besides its own file's task-side functions.
TASK_CALLS="CF_ON_LOOP cf_fetch cf_sleep cf_sem_acquire cf_sem_release cf_task_suspend
            cf_task_current cf_task_cancelled cf_loop_time memset"

cd "$root" || exit 2

# Quoted includes of a file, one a line.
quoted() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"; }

# A file of core, net or server: public headers but the forbidden ones, and its own
# folder's headers.
lower() { # file include layer forbidden
    case " $4 " in *" $2 "*) fail "$1: $3 includes \"$2\""; return ;; esac
    case $2 in
    cofetch/*) ;;
    */*) fail "$1: $3 includes \"$2\"" ;;
    *) [ -f "src/$3/$2" ] || fail "$1: \"$2\" is not in src/$3" ;;
    esac
}

check_includes() {
    local f inc wing w ok
    for f in $(find include src -name '*.[ch]' | sort); do
        for inc in $(quoted "$f"); do
            case $inc in ../* | */../*) fail "$f: includes \"$inc\" by a relative path"; continue ;; esac
            case $f in
            include/*)
                case $inc in cofetch/*) ;; *) fail "$f: a public header includes \"$inc\"" ;; esac ;;
            src/core/*) lower "$f" "$inc" core "cofetch/fetch.h" ;;
            src/net/*) lower "$f" "$inc" net "" ;;
            src/server/*) lower "$f" "$inc" server "cofetch/fetch.h" ;;
            src/cli/*)
                case $inc in cofetch/*) continue ;; esac
                # The loopback server's one header is for --demo and --serve.
                case $f:$inc in src/cli/run/demo.c:server/server.h) continue ;; esac
                [ -f "src/cli/$inc" ] || { fail "$f: \"$inc\" is not under src/cli"; continue; }
                w=${inc%%/*}
                [ "$w" != "$inc" ] || { fail "$f: \"$inc\" does not name its wing"; continue; }
                wing=${f#src/cli/}
                wing=${wing%%/*}
                case $wing in
                base) ok="base" ;;
                input | output) ok="base $wing" ;;
                run) ok="base input output run" ;;
                options) ok="base input output run options" ;;
                main.c) ok="base input output run options" ;;
                *) fail "$f: src/cli/$wing is not a wing"; continue ;;
                esac
                case " $ok " in *" $w "*) ;; *) fail "$f: the $wing wing includes \"$inc\"" ;; esac ;;
            esac
        done
    done
}

# Function names a header declares (prototypes at the start of a line).
declared() {
    awk '
        /^[[:space:]]*#/ || /^[[:space:]]*(\/\*|\*)/ { next }
        /^(typedef|static|struct [a-z_0-9]+ \{|enum|union|extern)/ { next }
        /^[a-z].*[a-z_0-9]+\(/ {
            line = $0
            sub(/\(.*/, "", line)
            n = split(line, w, /[^A-Za-z_0-9]+/)
            if (w[n] != "" && w[n] != "__attribute__") print w[n]
        }' "$1"
}

check_headers() {
    local h c name
    for h in $(find src/cli src/net src/server -name '*.h' | sort); do
        c=${h%.h}.c
        for name in $(declared "$h"); do
            if [ ! -f "$c" ]; then
                fail "$h: declares $name() but has no .c"
            elif ! grep -Eq "^[a-z][^;]*[^a-z_0-9]$name\(" "$c"; then
                fail "$h: declares $name(), which $(basename "$c") does not define"
            fi
        done
    done
}

# "FUNCTION CALLEE" for every call in every function of a C file, comments and strings
# removed; "FUNCTION @NAME" for each CF_ON_LOOP(NAME, ...).
calls() {
    awk '
        function strip(s,   out, c, i, n) {
            out = ""; n = length(s)
            for (i = 1; i <= n; i++) {
                c = substr(s, i, 1)
                if (incomment) {
                    if (c == "*" && substr(s, i + 1, 1) == "/") { incomment = 0; i++ }
                    continue
                }
                if (instr) {
                    if (c == "\\") { i++; continue }
                    if (c == instr) instr = ""
                    continue
                }
                if (c == "/" && substr(s, i + 1, 1) == "*") { incomment = 1; i++; continue }
                if (c == "/" && substr(s, i + 1, 1) == "/") break
                if (c == "\"" || c == "'"'"'") { instr = c; out = out " "; continue }
                out = out c
            }
            return out
        }
        {
            line = strip($0)
            if (fn == "" && line ~ /^[A-Za-z].*[A-Za-z_0-9]+\(/ && line !~ /;[[:space:]]*$/ &&
                line !~ /^(typedef|struct|enum|union)/) {
                head = line; sub(/\(.*/, "", head)
                n = split(head, w, /[^A-Za-z_0-9]+/); pending = w[n]
            }
            if (line ~ /^\{/ && pending != "") { fn = pending; pending = ""; next }
            if (line ~ /^\}/) { fn = ""; next }
            if (fn == "") next
            rest = line
            while (match(rest, /CF_ON_LOOP\([[:space:]]*[A-Za-z_0-9]+/)) {
                t = substr(rest, RSTART, RLENGTH); sub(/CF_ON_LOOP\([[:space:]]*/, "", t)
                print fn, "@" t
                rest = substr(rest, RSTART + RLENGTH)
            }
            rest = line
            while (match(rest, /[A-Za-z_][A-Za-z_0-9]*[[:space:]]*\(/)) {
                t = substr(rest, RSTART, RLENGTH); sub(/[[:space:]]*\($/, "", t)
                if (t !~ /^(if|for|while|switch|return|sizeof|defined)$/) print fn, t
                rest = substr(rest, RSTART + RLENGTH)
            }
        }' "$1"
}

check_stacks() {
    local f r file fn rootfiles="" table defined todo seen name callee
    for r in $ROOTS; do
        rootfiles="$rootfiles ${r%%:*}"
    done
    for f in $(grep -rl 'cf_on_loop_stack(' src | sort); do
        case $f in src/core/*) ;; *) fail "$f: calls cf_on_loop_stack directly: use CF_ON_LOOP" ;; esac
    done
    for f in $(grep -rlE 'CF_ON_LOOP\(|cf_task_set_stack_size\(' src | sort); do
        case $f in src/core/*) continue ;; esac
        case " $rootfiles " in
        *" $f "*) ;;
        *) fail "$f: uses CF_ON_LOOP or small stacks but holds no root of the stack rule (ROOTS in tests/check_layout.sh)" ;;
        esac
    done
    for r in $ROOTS; do
        file=${r%%:*}
        fn=${r#*:}
        [ -f "$file" ] || { fail "$file: missing (a root of the stack rule)"; continue; }
        table=$(calls "$file")
        defined=$(echo "$table" | awk '{print $1}' | sort -u)
        echo "$defined" | grep -qx "$fn" || { fail "$file: $fn is not defined there"; continue; }
        todo=$fn
        seen=" "
        while [ -n "$todo" ]; do
            name=${todo%% *}
            todo=${todo#"$name"}
            todo=${todo# }
            case "$seen" in *" $name "*) continue ;; esac
            seen="$seen$name "
            for callee in $(echo "$table" | awk -v f="$name" '$1 == f {print $2}' | sort -u); do
                case $callee in
                @*)
                    echo "$defined" | grep -qx "${callee#@}_on_loop" ||
                        fail "$file: $name: CF_ON_LOOP(${callee#@}) but ${callee#@}_on_loop is not defined in this file"
                    continue ;;
                esac
                case " $(echo $TASK_CALLS) " in *" $callee "*) continue ;; esac
                case $callee in
                *_on_loop) fail "$file: $name runs on a small stack and calls $callee() directly: use CF_ON_LOOP" ;;
                *)
                    if echo "$defined" | grep -qx "$callee"; then
                        todo="$todo $callee"
                    else
                        fail "$file: $name runs on a small stack and calls $callee(): move it into an _on_loop function"
                    fi ;;
                esac
            done
        done
    done
}

case $what in
includes) check_includes ;;
headers) check_headers ;;
stacks) check_stacks ;;
all) check_includes; check_headers; check_stacks ;;
*) echo "check_layout.sh: unknown check $what" >&2; exit 2 ;;
esac
if [ "$fails" -gt 0 ]; then
    echo "layout: $fails breach(es) of docs/ARCHITECTURE.md"
    exit 1
fi
echo "layout: $what ok"
