/*
 * main.c - cofetch: fetch many URLs concurrently, and show why that is faster.
 */
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

int main(int argc, char **argv)
{
    struct config cfg;
    int rc;

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
