/*
 * main.c - cofetch: fetch many URLs concurrently, and show why that is faster.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>

#include <event2/event.h>

#include "cofetch/fetch.h"
#include "options/options.h"
#include "run/batch.h"
#include "run/demo.h"

#ifndef CF_VERSION
#error "CF_VERSION comes from CMakeLists.txt (project VERSION)"
#endif

static void version(void)
{
    printf("cofetch %s\nlibcurl %s\nlibevent %s\n", CF_VERSION, cf_curl_version(),
           event_get_version());
}

/* A descriptor 0, 1 or 2 that is closed (`cofetch ... >&-`) would be handed out by the
 * next open(): the journal or a file under -o would then take the records. Each is held
 * by /dev/null opened so that using it fails as the closed one did (EBADF): stdin for
 * writing, stdout and stderr for reading. */
static void hold_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
            open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY); /* the lowest free: fd */
}

int main(int argc, char **argv)
{
    struct config cfg;
    int rc;

    hold_std_fds();
    /* The character set of the environment's locale, as curl does: libcurl's IDN
     * conversion (libidn2) reads host names like bücher.example in it. Only LC_CTYPE:
     * numbers are still printed with a '.'. */
    setlocale(LC_CTYPE, "");
    config_init(&cfg);
    rc = options_parse(&cfg, argc, argv, stderr);
    if (rc == 0) {
        if (cfg.help)
            options_help(stdout);
        else if (cfg.version)
            version();
        else if (cfg.serve)
            rc = serve_main(&cfg);
        else if (cfg.demo)
            rc = demo_main(&cfg);
        else
            rc = batch_main(&cfg);
    }
    config_free(&cfg);
    return rc;
}
