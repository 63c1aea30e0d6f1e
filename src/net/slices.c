/*
 * slices.c - a transfer paused once it has taken its slice of one call into libcurl.
 */
#include <curl/curl.h>

#include "client.h"
#include "slices.h"
#include "xfer.h"

static void unpause(void *arg)
{
    struct cf_xfer *x = arg;
    cf_client *c = x->client;

    x->unpause = NULL;
    x->slice_at = c->actions;
    x->slice_bytes = 0;
    /* libcurl calls the body callback from in here with what it kept. */
    c->in_action++;
    curl_easy_pause(x->easy, CURLPAUSE_CONT);
    c->in_action--;
}

int cf_slice_over(struct cf_xfer *x, size_t len)
{
    cf_client *c = x->client;

    if (x->slice_at != c->actions) { /* a new call into libcurl */
        x->slice_at = c->actions;
        x->slice_bytes = 0;
    }
    if (x->slice_bytes + len <= CF_SLICE_BYTES || x->slice_bytes == 0 ||
        cf_loop_call_later(c->loop, 0, unpause, x, &x->unpause) != 0) {
        x->slice_bytes += len;
        return 0;
    }
    return 1;
}

void cf_slice_stop(struct cf_xfer *x)
{
    if (x->unpause)
        cf_handle_cancel(x->unpause);
    x->unpause = NULL;
}
