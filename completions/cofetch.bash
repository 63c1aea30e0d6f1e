# bash completion for cofetch(1)                                   -*- shell-script -*-
#
# Installed as share/bash-completion/completions/cofetch, where bash-completion loads it
# on first use; or `source` it from ~/.bashrc. Works with or without the bash-completion
# framework. The option list must name exactly the options of `cofetch --help`:
# tests/test_docs.sh checks it.

# COMPREPLY=($(compgen ...)) is the usual idiom; words and cword are locals that
# _init_completion fills.
# shellcheck disable=SC2207,SC2034

# Files (or directories with -d) for the current word, with bash-completion's _filedir
# when it is there.
_cofetch_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir "$@"
        return
    fi
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    if [[ ${1-} == -d ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

# -d @FILE and -w @FILE: a file name after the '@'.
_cofetch_at_file()
{
    [[ $cur == @* ]] || return 0
    local IFS=$'\n' f
    COMPREPLY=()
    for f in $(compgen -f -- "${cur#@}"); do
        [[ -d $f ]] && f+=/
        COMPREPLY+=("@$f")
    done
    compopt -o nospace 2>/dev/null
    return 0
}

_cofetch()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        # With '=' in COMP_WORDBREAKS, --mode=qu arrives as "--mode" "=" "qu".
        if [[ $cur == = && $prev == --* ]]; then
            cur=
            split=true
        elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
            prev=${COMP_WORDS[COMP_CWORD - 2]}
            split=true
        elif [[ $cur == --*=* ]]; then
            prev=${cur%%=*}
            cur=${cur#*=}
            split=true
        fi
    fi

    # The value of the option before the cursor.
    case $prev in
        --mode)
            COMPREPLY=($(compgen -W 'gather queue chain' -- "$cur"))
            return
            ;;
        -i | --input | --journal | --cacert | --har | --report)
            _cofetch_files
            return
            ;;
        -o | --output-dir | --capath)
            _cofetch_files -d
            return
            ;;
        -d | --data | -w | --write-out)
            _cofetch_at_file
            return
            ;;
        -X | --request)
            COMPREPLY=($(compgen -W 'GET HEAD POST PUT PATCH DELETE OPTIONS' -- "$cur"))
            return
            ;;
        --proto)
            COMPREPLY=($(compgen -W 'http,https =https' -- "$cur"))
            return
            ;;
        --connect-timeout | -H | --header | --max-filesize | --max-redirs | -m | --max-time | \
            -j | --parallel | --per-host | --rate | --retry | --retry-delay | --shard | \
            -Y | --speed-limit | -y | --speed-time | \
            --then | -A | --user-agent | --workers)
            # A free-form value: nothing to offer.
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        local opts='
            --body --cacert --capath --compare --compressed --connect-timeout -d --data --demo
            -f --fail --fail-fast --har -H --header -h --help --http1.1 --http2 -i --input
            --journal -k --insecure --jsonl -L --location --max-filesize --max-redirs -m --max-time
            --mode --no-clobber -o --output-dir -j --parallel --per-host --proto --rate
            --report -X --request --retry --retry-delay --retry-failed --serve --shard -s --silent
            -Y --speed-limit -y --speed-time --summary
            --sync --then --timeline -A --user-agent -v --verbose -V --version
            --workers -w --write-out'
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    # Anything else is a URL: nothing to offer.
} &&
    complete -F _cofetch cofetch

# ex: filetype=sh
