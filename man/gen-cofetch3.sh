#!/usr/bin/env bash
# man/gen-cofetch3.sh INCLUDE_DIR > man/cofetch.3
#
# Writes cofetch(3), the C API reference, from the public headers themselves: a fixed
# preamble, then one section per header in the order below, holding the header's
# opening comment and every declaration between CF_API_BEGIN and CF_API_END with its
# comment (code in bold). The headers are the one source: `ctest -R library_man3`
# fails when man/cofetch.3 is not what this script writes from them (regenerate it
# with this script after changing a header).
set -euo pipefail
inc=${1:?usage: gen-cofetch3.sh INCLUDE_DIR}
version=$(sed -n 's/^project(cofetch VERSION \([0-9.]*\).*/\1/p' "$inc/../CMakeLists.txt")
order="cofetch error loop task future queue sem event lock cond taskgroup wait timeout thread
       io fetch export"

for h in $order; do
    [ -f "$inc/cofetch/$h.h" ] || { echo "gen-cofetch3.sh: no cofetch/$h.h" >&2; exit 1; }
done
for f in "$inc"/cofetch/*.h; do
    h=${f##*/}
    case " $(echo $order) " in *" ${h%.h} "*) ;; *)
        echo "gen-cofetch3.sh: cofetch/$h is not in the page's order" >&2; exit 1 ;;
    esac
done

cat <<EOF
.\\" cofetch(3) - written by man/gen-cofetch3.sh from include/cofetch/*.h; do not edit.
.TH COFETCH 3 2026-12-01 "cofetch $version" "Library Functions Manual"
.SH NAME
cofetch \\- asyncio for C: tasks, futures, queues, locks, task groups,
threads and HTTP fetches on one libevent loop
.SH SYNOPSIS
.nf
.B #include <cofetch/cofetch.h>
.B #include <cofetch/fetch.h>
.PP
.B cc prog.c \$(pkg-config \\-\\-cflags \\-\\-libs cofetch)
.fi
.SH DESCRIPTION
A
.B cf_loop
runs stackful tasks on one thread; a task that calls a suspending function
(\\fBcf_sleep\\fR, \\fBcf_task_await\\fR, \\fBcf_fetch\\fR, ...) is switched out
until what it waits for happens, so task code reads top to bottom.
Every call that can fail returns 0 or a negative
.B CF_E*
code
.RB ( cf_strerror
names it).
Each call below says whether it may suspend (only from a task; elsewhere it
returns
.BR CF_ENOTASK ),
which errors it returns, and who owns what.
Waiting calls come in a relative form (\\fI_timeout\\fR, \\fI_for\\fR) and an
absolute one (\\fI_until\\fR, a
.B cf_loop_time()
deadline, always the last argument).
Cancellation makes the current and every later suspension point of a task return
.BR CF_ECANCELED .
.PP
The sections below are the public headers, in the order of
.BR cofetch/cofetch.h ,
then
.BR cofetch/thread.h ,
.BR cofetch/io.h ,
.BR cofetch/fetch.h .
EOF

for h in $order; do
    echo ".SH \"cofetch/$h.h\""
    echo ".nf"
    awk '
        function esc(s) {
            gsub(/\\/, "\\e", s)
            if (s ~ /^[.'"'"']/) s = "\\&" s
            return s
        }
        function text(s) { print esc(s) }
        function code(s) { if (s == "") print ""; else print "\\fB" esc(s) "\\fR" }
        NR == 1 && /^\/\*/ { top = 1 }
        top {
            line = $0
            end = (line ~ /\*\/[[:space:]]*$/)
            sub(/^ ?\*\/[[:space:]]*$/, "", line); sub(/^\/\*+ ?/, "", line); sub(/^ \* ?/, "", line)
            sub(/ *\*\/[[:space:]]*$/, "", line)
            sub(/^cofetch\/[a-z]+\.h - /, "", line)
            if (line != "" || printed) { text(line); printed = 1 }
            if (end) { top = 0; print "" }
            next
        }
        /^CF_API_BEGIN/ { api = 1; next }
        /^CF_API_END/ { api = 0; next }
        FILENAME ~ /\/cofetch\.h$/ && /^#include/ { code($0); next }
        FILENAME ~ /\/export\.h$/ && /^#(if|ifdef|else|endif|define)/ && !/COFETCH_EXPORT_H/ { code($0); next }
        !api { next }
        incomment {
            line = $0
            if (line ~ /\*\//) incomment = 0
            sub(/^[[:space:]]*\*\/[[:space:]]*$/, "", line)
            sub(/^[[:space:]]*\* ?/, "", line); sub(/ *\*\/[[:space:]]*$/, "", line)
            if (!(line == "" && !incomment)) text(line)
            next
        }
        /^[[:space:]]*\/\*/ {
            line = $0
            sub(/^[[:space:]]*\/\* ?/, "", line)
            if (line !~ /\*\//) incomment = 1
            sub(/ *\*\/[[:space:]]*$/, "", line)
            if (line != "") text(line)
            next
        }
        { code($0) }
    ' "$inc/cofetch/$h.h" | cat -s
    echo ".fi"
done
cat <<'EOF'
.SH SEE ALSO
.BR cofetch (1),
.BR pkg-config (1);
the examples in the source tree's
.I examples/
directory, and README.md's table of asyncio's primitives and their C
counterparts.
EOF
