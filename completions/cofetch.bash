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
        -i | --input | --journal | --cacert | -o | --output | -E | --cert | --key | -b | -K | --config | \
            --cookie | -c | --cookie-jar | -z | --time-cond | --etag-compare | --etag-save | -D | --dump-header | --har | --report)
            _cofetch_files
            return
            ;;
        --output-dir | --capath)
            _cofetch_files -d
            return
            ;;
        -d | --data | --data-ascii | --data-binary | --json | -w | --write-out)
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
        --input-format)
            COMPREPLY=($(compgen -W 'lines vegeta' -- "$cur"))
            return
            ;;
        --colsep | --connect-timeout | -H | --header | --max-filesize | --max-redirs | -m | --max-time | \
            -j | --parallel-max | --per-host | --data-raw | --data-urlencode | --connect-to | \
            --interface | --limit-rate | --noproxy | --oauth2-bearer | -x | --proxy | -U | \
            --proxy-user | -r | --range | -e | --referer | --resolve | --retry-max-time | \
            -u | --user | --url | -C | --continue-at | --rate | --retry | --retry-delay | --shard | \
            -Y | --speed-limit | -y | --speed-time | \
            --then | -A | --user-agent | --workers)
            # A free-form value: nothing to offer.
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        local opts='
            --body --cacert --capath --colsep --compare --compressed --connect-timeout --create-dirs
            -d --data --data-ascii --data-binary --data-raw --data-urlencode --demo
            -f --fail --fail-fast -F --form --form-string -G --get -H --header -h --help --http1.1 --http2 -i --input
            --input-format --journal -k --insecure --json --jsonl --jsonl-body -L --location --max-filesize --max-redirs
            -m --max-time --mode --no-clobber -o --output --output-dir -Z --parallel
            -j --parallel-max --per-host --proto --rate -O --remote-name --remote-name-all
            -X --request --retry --retry-delay --retry-failed --serve --shard -S --show-error
            --har --report -s --silent -D --dump-header --jsonl-headers -I --head --include
            -Y --speed-limit -y --speed-time --summary
            --sync --then --timeline -A --user-agent -v --verbose -V --version
            --workers -w --write-out -K --config --url -: --next -C --continue-at --etag-compare
            --etag-save
            -E --cert --connect-to -b --cookie -c --cookie-jar --interface -4 --ipv4 -6 --ipv6 --key --limit-rate --noproxy --oauth2-bearer
            -x --proxy -U --proxy-user -r --range -e --referer --resolve --retry-all-errors --retry-connrefused --retry-max-time -z --time-cond -u --user'
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    # Anything else is a URL: nothing to offer.
} &&
    complete -F _cofetch cofetch

# ex: filetype=sh
