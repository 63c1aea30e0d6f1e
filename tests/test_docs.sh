#!/usr/bin/env bash
# test_docs.sh - the man page and the shell completions against `cofetch --help`.
#
#   bash tests/test_docs.sh CHECK COFETCH_BINARY SOURCE_DIR
#
# CHECK is one of:
#   options  --help, man/cofetch.1 and the three completion files name the same long
#            options (both ways), every short option of --help appears in each, and the
#            man page names every JSON field (src/cli/output/json.c) and -w variable
#            (src/cli/output/writeout.c)
#   bash     load completions/cofetch.bash (alone, then under bash-completion when it is
#            installed) and complete partial words
#   zsh      load completions/_cofetch with compinit in a zsh on a pseudo-terminal (zpty),
#            type partial lines and Tab
#   fish     load completions/cofetch.fish and `complete -C` partial lines
#   man      mandoc -T lint on man/cofetch.1
#
# A check whose tool is missing prints SKIP and exits 77 (ctest's SKIP_RETURN_CODE).
set -uo pipefail

check=${1:?usage: test_docs.sh CHECK COFETCH_BINARY SOURCE_DIR}
bin=${2:?cofetch binary}
src=${3:?source dir}
# Absolute paths: the checks run in temporary directories.
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
src=$(cd "$src" && pwd) || exit 1
man=$src/man/cofetch.1
cbash=$src/completions/cofetch.bash
czsh=$src/completions/_cofetch
cfish=$src/completions/cofetch.fish

# Long options of other programs that the man page's examples use, and the prefixes it
# shows as abbreviations of long options (one a line).
foreign='--basefile
--js
--ver
--verb'

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
skip() {
    echo "SKIP: $*"
    exit 77
}
finish() {
    if ((failures)); then
        echo "$check: $failures failure(s)"
        exit 1
    fi
    echo "$check: ok"
    exit 0
}

# Sorted, unique lines of "$1" that are not in "$2" (both newline-separated lists).
minus() {
    comm -23 <(printf '%s\n' "$1" | sed '/^$/d' | sort -u) <(printf '%s\n' "$2" | sed '/^$/d' | sort -u)
}

help=$("$bin" --help) || {
    echo "FAIL: $bin --help failed"
    exit 1
}
# " -i, --input FILE   ..." and "     --proto LIST   ...": the option column of --help.
help_long=$(printf '%s\n' "$help" | grep -oE '^ +(-[A-Za-z0-9:], )?--[a-z0-9][a-z0-9.-]*' |
    grep -oE -- '--[a-z0-9][a-z0-9.-]*' | sort -u)
help_short=$(printf '%s\n' "$help" | grep -oE '^ +-[A-Za-z0-9:],' | grep -oE -- '-[A-Za-z0-9:]' | sort -u)
[ "$(printf '%s\n' "$help_long" | wc -l)" -ge 20 ] || {
    echo "FAIL: could not read the options from --help:"
    printf '%s\n' "$help"
    exit 1
}

# Every --word in a text (roff's \- read as -), without a sentence's final dot.
long_words() {
    sed 's/\\-/-/g' "$1" | grep -oE -- '(^|[^A-Za-z0-9_-])--[a-z0-9][a-z0-9.-]*' |
        sed -E 's/^[^-]//; s/\.+$//' | sort -u
}

# ---- options: the five lists agree -------------------------------------------------
check_options() {
    local f name words defined missing extra s
    for f in "$man" "$cbash" "$czsh" "$cfish"; do
        [ -f "$f" ] || {
            fail "$f is missing"
            continue
        }
        name=${f#"$src"/}
        words=$(long_words "$f")
        case $f in
        *.fish)
            # What the file defines: `complete ... -l NAME`; it may mention others too.
            defined=$(grep -E '^complete ' "$f" | grep -oE -- ' -l [a-z0-9][a-z0-9.-]*' |
                sed 's/^ -l /--/' | sort -u)
            words=$(printf '%s\n%s\n' "$words" "$defined" | sort -u)
            ;;
        *) defined=$words ;;
        esac
        missing=$(minus "$help_long" "$defined")
        extra=$(minus "$words" "$help_long"$'\n'"$foreign")
        [ -z "$missing" ] || fail "$name lacks options that --help lists: ${missing//$'\n'/ }"
        [ -z "$extra" ] || fail "$name names options that --help does not know: ${extra//$'\n'/ }"
        for s in $help_short; do
            case $f in
            *.fish) grep -E '^complete ' "$f" | grep -E -- " -s ${s#-}( |$)" ;;
            *) sed 's/\\-/-/g' "$f" | grep -E -- "(^|[^A-Za-z0-9_-])$s([^A-Za-z0-9_-]|$)" ;;
            esac >/dev/null || fail "$name lacks the short option $s"
        done
    done

    # The man page documents every JSON field and every -w variable the code writes.
    local fields vars v
    fields=$({
        grep -oE '\\"[a-z_]+\\":' "$src/src/cli/output/json.c" | tr -d '\\":'
        grep -oE 'field_(str|secs)\(out, "[a-z_]+"' "$src/src/cli/output/json.c" | grep -oE '"[a-z_]+"' | tr -d '"'
    } | sort -u)
    vars=$(grep -oE '\{"[a-z_]+", V_' "$src/src/cli/output/writeout.c" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
    [ "$(printf '%s\n' "$fields" | wc -l)" -ge 15 ] || fail "could not read the JSON fields of json.c"
    [ "$(printf '%s\n' "$vars" | wc -l)" -ge 15 ] || fail "could not read the -w variables of writeout.c"
    local json_section
    json_section=$(sed -n '/^\.SH JSON OUTPUT/,/^\.SH /p' "$man")
    for v in $fields; do
        printf '%s\n' "$json_section" | grep -E "^\.BR? (.* )?$v( |\$)" >/dev/null ||
            fail "man page, JSON OUTPUT: no entry for the field '$v'"
    done
    for v in $vars; do
        grep -qF "%{$v}" "$man" || fail "man page: no entry for the write-out variable %{$v}"
    done
}

# ---- bash --------------------------------------------------------------------------
bash_run() { # $1: the directory to complete in, $2: "plain" or "framework"
    local tmp=$1 fw=$2
    local script
    script=$(
        cat <<'EOF'
set -u
fails=0
# comp EXPECTED LINE WORD...: complete the last WORD of LINE, compare with EXPECTED
# (the sorted replies joined by spaces; '*' in EXPECTED matches anything).
comp() {
    local want=$1 line=$2
    shift 2
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _cofetch cofetch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
    if [[ $got != $want ]]; then
        echo "FAIL ($MODE): '$line' completed to '$got', expected '$want'"
        fails=$((fails + 1))
    fi
}
comp '--summary' 'cofetch --summ' cofetch --summ
comp '--no-clobber' 'cofetch --no-' cofetch --no-
comp '--http1.1 --http2' 'cofetch --htt' cofetch --htt
comp "$HELP_LONG" 'cofetch --' cofetch --
comp 'chain gather queue' 'cofetch --mode ' cofetch --mode ''
comp 'queue' 'cofetch --mode q' cofetch --mode q
comp 'chain' 'cofetch -s --mode=ch' cofetch -s --mode = ch
comp 'list.txt' 'cofetch -i li' cofetch -i li
comp 'list.txt' 'cofetch --input li' cofetch --input li
comp 'list.txt' 'cofetch --journal li' cofetch --journal li
comp 'outd' 'cofetch --output-dir ou' cofetch --output-dir ou
comp 'outfile' 'cofetch -o outf' cofetch -o outf
comp 'outd' 'cofetch --output-dir=ou' cofetch --output-dir = ou
comp 'ca.pem' 'cofetch --cacert ca' cofetch --cacert ca
comp '@body.json' 'cofetch -d @bo' cofetch -d @bo
comp '@body.json' 'cofetch --data @bo' cofetch --data @bo
comp '' 'cofetch -d bo' cofetch -d bo
comp '' 'cofetch -j ' cofetch -j ''
comp '' 'cofetch --then ' cofetch --then ''
comp 'PUT' 'cofetch -X PU' cofetch -X PU
# Every short option of --help is offered after '-'.
COMP_WORDS=(cofetch -); COMP_CWORD=1; COMP_LINE='cofetch -'; COMP_POINT=9; COMPREPLY=()
_cofetch cofetch - cofetch
for s in $HELP_SHORT; do
    printf '%s\n' "${COMPREPLY[@]}" | grep -x -- "$s" >/dev/null || {
        echo "FAIL ($MODE): 'cofetch -' does not offer $s"
        fails=$((fails + 1))
    }
done
exit $((fails != 0))
EOF
    )
    (
        cd "$tmp" || exit 1
        export HELP_LONG HELP_SHORT MODE=$fw
        HELP_LONG=$(printf '%s\n' "$help_long" | sort | tr '\n' ' ' | sed 's/ $//')
        HELP_SHORT=$help_short
        if [ "$fw" = framework ]; then
            bash --norc --noprofile -c "source /usr/share/bash-completion/bash_completion && source '$cbash' && $script"
        else
            bash --norc --noprofile -c "source '$cbash' && $script"
        fi
    ) || fail "bash completion ($fw)"
}

check_bash() {
    local tmp
    tmp=$(mktemp -d)
    touch "$tmp/list.txt" "$tmp/body.json" "$tmp/ca.pem" "$tmp/outfile"
    mkdir "$tmp/outd"
    bash -n "$cbash" || fail "bash -n $cbash"
    bash_run "$tmp" plain
    if [ -r /usr/share/bash-completion/bash_completion ]; then
        bash_run "$tmp" framework
    else
        echo "note: bash-completion is not installed; tested without the framework only"
    fi
    rm -rf "$tmp"
}

# ---- zsh ---------------------------------------------------------------------------
check_zsh() {
    command -v zsh >/dev/null || skip "zsh is not installed"
    zsh -c 'zmodload zsh/zpty' 2>/dev/null || skip "zsh has no zpty module"
    zsh -n "$czsh" || fail "zsh -n $czsh"
    local tmp out
    tmp=$(mktemp -d)
    touch "$tmp/list.txt" "$tmp/body.json" "$tmp/ca.pem" "$tmp/outfile"
    mkdir "$tmp/outd" "$tmp/fpath"
    cp "$czsh" "$tmp/fpath/"
    # A zsh -f -i on a pseudo-terminal: compinit with only our function added, a widget
    # on ^T that appends the edit buffer to a file. Each line is typed, then Tab, then ^T:
    # zle handles the keys in order, so each ^T sees the completed buffer.
    cat >"$tmp/drive.zsh" <<'EOF'
zmodload zsh/zpty || exit 77
out=$1; shift
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($PWD/fpath \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "dump() { print -r -- \"<\$BUFFER>\" >> $out; BUFFER=; }; zle -N dump; bindkey '^T' dump"
for line in "$@"; do
  zpty -n -w z "$line"$'\t'$'\C-t'
done
for i in {1..100}; do
  [[ -f $out && $(wc -l < $out) -ge $# ]] && break
  sleep 0.1
done
zpty -d z
EOF
    local -a lines=("cofetch --summ" "cofetch --no-c" "cofetch --mode q" "cofetch --mode=ch"
        "cofetch -i li" "cofetch --input=li" "cofetch --output-dir ou" "cofetch --cacert c"
        "cofetch -d @bo" "cofetch -X PU" "cofetch -s --timel")
    local -a want=("<cofetch --summary >" "<cofetch --no-clobber >" "<cofetch --mode queue >"
        "<cofetch --mode=chain >" "<cofetch -i list.txt >" "<cofetch --input=list.txt >"
        "<cofetch --output-dir outd/>" "<cofetch --cacert ca.pem >" "<cofetch -d @body.json >"
        "<cofetch -X PUT >" "<cofetch -s --timeline >")
    (cd "$tmp" && timeout 60 zsh -f drive.zsh "$tmp/out" "${lines[@]}")
    local i got
    for i in "${!lines[@]}"; do
        got=$(sed -n "$((i + 1))p" "$tmp/out" 2>/dev/null)
        [ "$got" = "${want[$i]}" ] || fail "zsh: '${lines[$i]}' + Tab gave '$got', expected '${want[$i]}'"
    done
    rm -rf "$tmp"
}

# ---- fish --------------------------------------------------------------------------
check_fish() {
    command -v fish >/dev/null || skip "fish is not installed"
    fish -n "$cfish" || fail "fish -n $cfish"
    local tmp
    tmp=$(mktemp -d)
    touch "$tmp/list.txt" "$tmp/body.json" "$tmp/ca.pem" "$tmp/outfile"
    mkdir "$tmp/outd"
    # fcomp EXPECTED LINE: the candidates (without descriptions), sorted, space-joined.
    fcomp() {
        local got
        got=$(cd "$tmp" && HOME=$tmp XDG_CONFIG_HOME=$tmp fish -N -c "source '$cfish'; complete -C '$2'" |
            cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')
        [ "$got" = "$1" ] || fail "fish: '$2' completed to '$got', expected '$1'"
    }
    fcomp '--summary' 'cofetch --summ'
    fcomp '--http1.1 --http2' 'cofetch --htt'
    fcomp "$(printf '%s\n' "$help_long" | sort | tr '\n' ' ' | sed 's/ $//')" 'cofetch --'
    fcomp 'chain gather queue' 'cofetch --mode '
    fcomp 'queue' 'cofetch --mode q'
    fcomp '--mode=chain' 'cofetch --mode=ch'
    fcomp 'list.txt' 'cofetch -i li'
    fcomp 'list.txt' 'cofetch --journal li'
    fcomp 'outd/' 'cofetch --output-dir ou'
    fcomp 'outfile' 'cofetch -o outf'
    fcomp 'ca.pem' 'cofetch --cacert c'
    fcomp '@body.json' 'cofetch -d @bo'
    fcomp '--data=@body.json' 'cofetch --data=@bo'
    fcomp '' 'cofetch -d bo'
    fcomp 'PUT' 'cofetch -X PU'
    rm -rf "$tmp"
}

# ---- man ---------------------------------------------------------------------------
check_man() {
    command -v mandoc >/dev/null || skip "mandoc is not installed"
    local out
    out=$(mandoc -T lint "$man" 2>&1) || fail "mandoc -T lint $man:"$'\n'"$out"
    [ -z "$out" ] || fail "mandoc -T lint $man is not clean:"$'\n'"$out"
}

case $check in
options) check_options ;;
bash) check_bash ;;
zsh) check_zsh ;;
fish) check_fish ;;
man) check_man ;;
*)
    echo "unknown check '$check'" >&2
    exit 2
    ;;
esac
finish
