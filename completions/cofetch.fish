# fish completion for cofetch(1).
#
# Installed as share/fish/vendor_completions.d/cofetch.fish; or copy it to
# ~/.config/fish/completions/. The option list must name exactly the options of
# `cofetch --help`: tests/test_docs.sh checks it.

# -d @FILE and -w @FILE: a file name after the '@'.
function __cofetch_at_file
    set -l tok (commandline -ct)
    set -l val (string replace -r -- '^(--data=|--data-ascii=|--data-binary=|--json=|--write-out=|-d|-w)' '' $tok)
    if string match -q -- '@*' $val
        for f in (__fish_complete_path (string sub -s 2 -- $val))
            echo @$f
        end
    end
end

# Arguments are URLs: no file names unless an option asks for one.
complete -c cofetch -f

# Input
complete -c cofetch -s K -l config -r -F -d "read options (and url = lines) from FILE, curl's syntax"
complete -c cofetch -l url -x -d 'a URL to fetch (as an argument is)'
complete -c cofetch -s : -l next -d 'start a new group: its own URLs and per-transfer options'
complete -c cofetch -s i -l input -r -F -d "read URLs from FILE, one a line ('-' is stdin)"
complete -c cofetch -l colsep -x -d 'lines are rows split on SEP: {1} {2} {line} in URL, -d, -H'
complete -c cofetch -l input-format -x -d 'how request lines are read' -a '
    lines\t"JSON lines, body is text (default)"
    vegeta\t"a vegeta targets file, body is base64"'
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
complete -c cofetch -s j -l parallel-max -x -d 'at most N at once (50; 0 = no limit)'
complete -c cofetch -s Z -l parallel -d "curl's -Z (always on); with N the same as -j N"
complete -c cofetch -l sync -d 'one fetch at a time, in order (the baseline)'
complete -c cofetch -l then -x -d 'chain step: {url} {effective_url} {status} {body} {header:N} {line}'
complete -c cofetch -l workers -x -d 'queue mode: N workers (same as -j)'

# Output
complete -c cofetch -l body -d 'write the bodies alone to stdout'
complete -c cofetch -l jsonl -d 'one JSON object per fetch (JSON Lines)'
complete -c cofetch -l jsonl-body -d '--jsonl, with each response body in its record'
complete -c cofetch -l create-dirs -d 'create the directories -o, -O and --output-dir name'
complete -c cofetch -l no-clobber -d 'keep existing files: -o, -O, --output-dir'
complete -c cofetch -s o -l output -r -F -d "save the next URL's body in FILE (one -o per URL)"
complete -c cofetch -l output-dir -x -a '(__fish_complete_directories)' -d '-o/-O files go in DIR; alone: every body, named after its URL'
complete -c cofetch -s O -l remote-name -d "save the next URL's body under its last path segment"
complete -c cofetch -l remote-name-all -d '-O for every URL that has no -o'
complete -c cofetch -s S -l show-error -d 'each failed fetch also on stderr (with -s too)'
complete -c cofetch -l include -d 'the response headers before each body (--body, -o)'
complete -c cofetch -s I -l head -d 'HEAD requests; the headers go where bodies go (--include)'
complete -c cofetch -l jsonl-headers -d "with --jsonl, each record's response headers too"
complete -c cofetch -s D -l dump-header -r -F -d "write every fetch's response headers to FILE"
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
complete -c cofetch -s d -l data -x -a '(__cofetch_at_file)' -d 'POST DATA (@FILE: CR/LF dropped; pieces join with &)'
complete -c cofetch -l data-ascii -x -a '(__cofetch_at_file)' -d 'the same as -d'
complete -c cofetch -l data-binary -x -a '(__cofetch_at_file)' -d 'as -d, but @FILE is sent as is'
complete -c cofetch -l data-raw -x -d 'as -d, but @ is no file'
complete -c cofetch -l data-urlencode -x -d 'as -d, URL-encoded (TEXT, NAME=TEXT, NAME@FILE, @FILE)'
complete -c cofetch -s F -l form -r -d 'multipart POST a field (@FILE: a file, <FILE: its text)'
complete -c cofetch -l form-string -r -d 'as -F, the text as it is (no @, < or ;type=)'
complete -c cofetch -s G -l get -d "send the -d data in the URL's query, with GET"
complete -c cofetch -l json -x -a '(__cofetch_at_file)' -d 'POST JSON DATA (@FILE) with JSON Content-Type, Accept'
complete -c cofetch -s f -l fail -d 'HTTP status >= 400 is a failure'
complete -c cofetch -l fail-fast -d 'stop at the first failure, cancel the rest'
complete -c cofetch -s H -l header -x -d 'add a request header (repeatable)'
complete -c cofetch -l http1.1 -d 'use HTTP/1.1'
complete -c cofetch -l http2 -d 'use HTTP/2'
complete -c cofetch -s k -l insecure -d 'skip TLS certificate checks'
complete -c cofetch -s L -l location -d 'follow redirects (off by default)'
complete -c cofetch -l max-filesize -x -d 'largest body accepted (k/M/G suffixes)'
complete -c cofetch -l max-redirs -x -d 'most redirects with -L (50)'
complete -c cofetch -s m -l max-time -x -d 'longest time for one fetch'
complete -c cofetch -l per-host -x -d 'at most N connections per host'
complete -c cofetch -s Y -l speed-limit -x -d 'abort a fetch slower than BYTES/s for --speed-time (1)'
complete -c cofetch -s y -l speed-time -x -d '... for this long (60; 0: never)'
complete -c cofetch -l rate -x -d 'at most N fetch starts per s (or /m, /h, /d)'
complete -c cofetch -s X -l request -x -a 'GET HEAD POST PUT PATCH DELETE OPTIONS' -d 'request method'
complete -c cofetch -l retry -x -d 'retry transient failures N times'
complete -c cofetch -l retry-delay -x -d 'first retry wait (1)'
complete -c cofetch -s A -l user-agent -x -d 'User-Agent to send'

complete -c cofetch -s E -l cert -r -F -d 'TLS client certificate (PEM)'
complete -c cofetch -l connect-to -x -d 'connect to H2:P2 for H:P (repeatable)'
complete -c cofetch -s b -l cookie -r -F -d 'send cookies NAME=V; ... or start from a cookie FILE'
complete -c cofetch -s c -l cookie-jar -r -F -d 'write the batch\'s cookies to FILE at the end'
complete -c cofetch -l interface -x -d 'send from this interface or address'
complete -c cofetch -s 4 -l ipv4 -d 'resolve names to IPv4 addresses only'
complete -c cofetch -s 6 -l ipv6 -d 'resolve names to IPv6 addresses only'
complete -c cofetch -l key -r -F -d 'private key of --cert'
complete -c cofetch -l limit-rate -x -d 'at most SPEED bytes/s per fetch (k/M/G suffixes)'
complete -c cofetch -l noproxy -x -d 'hosts reached without the proxy'
complete -c cofetch -l oauth2-bearer -x -d 'send Authorization: Bearer TOKEN'
complete -c cofetch -s x -l proxy -x -d 'use this proxy (SCHEME://HOST:PORT)'
complete -c cofetch -s U -l proxy-user -x -d 'the proxy\'s credentials'
complete -c cofetch -s r -l range -x -d 'only these bytes (0-499, 500-, -500)'
complete -c cofetch -s e -l referer -x -d 'send this Referer (;auto: and follow)'
complete -c cofetch -l resolve -x -d 'resolve H:P to ADDR (repeatable)'
complete -c cofetch -l retry-all-errors -d 'with --retry, retry every failure'
complete -c cofetch -l retry-connrefused -d 'with --retry, retry a refused connect (always done)'
complete -c cofetch -l retry-max-time -x -d 'no retry past SECS since the first attempt'
complete -c cofetch -s C -l continue-at -x -a '-' -d "resume at byte OFFSET ('-': the size of the -o/-O file)"
complete -c cofetch -l etag-compare -r -F -d 'send If-None-Match with the ETag in FILE'
complete -c cofetch -l etag-save -r -F -d "write the response's ETag to FILE"
complete -c cofetch -s z -l time-cond -r -F -d 'only if modified since (-TIME: unmodified)'
complete -c cofetch -s u -l user -x -d 'server credentials (Basic)'

# Other
complete -c cofetch -l demo -d 'show sync vs gather, a queue and a chain'
complete -c cofetch -s h -l help -d 'this help'
complete -c cofetch -l serve -d 'run the demo server until Ctrl-C'
complete -c cofetch -s V -l version -d 'versions of cofetch and its libraries'
