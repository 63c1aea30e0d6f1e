# fish completion for cofetch(1).
#
# Installed as share/fish/vendor_completions.d/cofetch.fish; or copy it to
# ~/.config/fish/completions/. The option list must name exactly the options of
# `cofetch --help`: tests/test_docs.sh checks it.

# -d @FILE and -w @FILE: a file name after the '@'.
function __cofetch_at_file
    set -l tok (commandline -ct)
    set -l val (string replace -r -- '^(--data=|--write-out=|-d|-w)' '' $tok)
    if string match -q -- '@*' $val
        for f in (__fish_complete_path (string sub -s 2 -- $val))
            echo @$f
        end
    end
end

# Arguments are URLs: no file names unless an option asks for one.
complete -c cofetch -f

# Input
complete -c cofetch -s i -l input -r -F -d "read URLs from FILE, one a line ('-' is stdin)"
complete -c cofetch -l journal -r -F -d 'record finished lines in FILE; a rerun skips them (resume)'
complete -c cofetch -l retry-failed -d 'with --journal, redo the lines that failed before'
complete -c cofetch -l proto -x -a 'http,https =https' -d 'allowed schemes, curl syntax'
complete -c cofetch -l shard -x -d 'only lines in shard K of N'

# Modes
complete -c cofetch -l compare -d 'run with --sync, then the mode; show both'
complete -c cofetch -l mode -x -d 'gather (default), queue or chain' -a '
    gather\t"all at once, results in input order"
    queue\t"N workers take URLs from a queue"
    chain\t"dependent --then steps per URL"'
complete -c cofetch -s j -l parallel -x -d 'at most N at once (50; 0 = no limit)'
complete -c cofetch -l sync -d 'one fetch at a time, in order (the baseline)'
complete -c cofetch -l then -x -d 'chain step: {url} {effective_url} {status} {body} {header:N} {line}'
complete -c cofetch -l workers -x -d 'queue mode: N workers (same as -j)'

# Output
complete -c cofetch -l body -d 'write the bodies alone to stdout'
complete -c cofetch -l jsonl -d 'one JSON object per fetch (JSON Lines)'
complete -c cofetch -l no-clobber -d 'with -o, keep existing files'
complete -c cofetch -s o -l output-dir -x -a '(__fish_complete_directories)' -d 'save each body in DIR'
complete -c cofetch -s s -l silent -d 'no summary, no progress'
complete -c cofetch -l summary -d 'print the summary even if not a tty'
complete -c cofetch -l timeline -d 'timing table and Gantt chart'
complete -c cofetch -l har -r -F -d 'write every fetch to FILE as a HAR 1.2 log'
complete -c cofetch -l report -r -F -d 'write an HTML report (waterfall, summary) to FILE'
complete -c cofetch -s v -l verbose -d 'details of each fetch on stderr'
complete -c cofetch -s w -l write-out -x -a '(__cofetch_at_file)' -d "curl's -w variables per fetch (@FILE reads it)"

# Fetch
complete -c cofetch -l cacert -r -F -d 'CA bundle to verify peers with'
complete -c cofetch -l capath -r -a '(__fish_complete_directories)' -d 'CA directory (hashed) to verify peers with'
complete -c cofetch -l compressed -d 'ask for a compressed response'
complete -c cofetch -l connect-timeout -x -d 'longest time to connect'
complete -c cofetch -s d -l data -x -a '(__cofetch_at_file)' -d 'POST this body (@FILE reads a file)'
complete -c cofetch -s f -l fail -d 'HTTP status >= 400 is a failure'
complete -c cofetch -l fail-fast -d 'stop at the first failure, cancel the rest'
complete -c cofetch -s H -l header -x -d 'add a request header (repeatable)'
complete -c cofetch -l http1.1 -d 'use HTTP/1.1'
complete -c cofetch -l http2 -d 'use HTTP/2'
complete -c cofetch -s k -l insecure -d 'skip TLS certificate checks'
complete -c cofetch -s L -l location -d 'follow redirects (off by default)'
complete -c cofetch -l max-filesize -x -d 'largest body accepted (k/M/G suffixes)'
complete -c cofetch -l max-redirs -x -d 'most redirects with -L (10)'
complete -c cofetch -s m -l max-time -x -d 'longest time for one fetch'
complete -c cofetch -l per-host -x -d 'at most N connections per host'
complete -c cofetch -s Y -l speed-limit -x -d 'abort a fetch slower than BYTES/s for --speed-time (1)'
complete -c cofetch -s y -l speed-time -x -d '... for this long (60; 0: never)'
complete -c cofetch -l rate -x -d 'at most N fetch starts per s (or /m, /h, /d)'
complete -c cofetch -s X -l request -x -a 'GET HEAD POST PUT PATCH DELETE OPTIONS' -d 'request method'
complete -c cofetch -l retry -x -d 'retry transient failures N times'
complete -c cofetch -l retry-delay -x -d 'first retry wait (1)'
complete -c cofetch -s A -l user-agent -x -d 'User-Agent to send'

# Other
complete -c cofetch -l demo -d 'show sync vs gather, a queue and a chain'
complete -c cofetch -s h -l help -d 'this help'
complete -c cofetch -l serve -d 'run the demo server until Ctrl-C'
complete -c cofetch -s V -l version -d 'versions of cofetch and its libraries'
