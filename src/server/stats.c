/*
 * stats.c - the counters behind cf_server_stats(), cf_server_count_path() and /count.
 * The counters change only here: server.c reports each request and each connection's
 * first request and close, routes.c reads them for /count and resets them for
 * /count?reset=1, so neither reaches into the other for them.
 */
#include <string.h>

#include <event2/buffer.h>

#include "stats.h"

const char *const srv_route_names[SRV_ROUTE_N] = {
    [SRV_ROUTE_DELAY] = "/delay",
    [SRV_ROUTE_BYTES] = "/bytes",
    [SRV_ROUTE_STATUS] = "/status",
    [SRV_ROUTE_REDIRECT] = "/redirect",
    [SRV_ROUTE_DRIP] = "/drip",
    [SRV_ROUTE_RESET] = "/reset",
    [SRV_ROUTE_HEADERS] = "/headers",
    [SRV_ROUTE_NEXT] = "/next",
    [SRV_ROUTE_RETRY] = "/retry",
    [SRV_ROUTE_COUNT] = "/count",
    [SRV_ROUTE_GZIP] = "/gzip",
    [SRV_ROUTE_ECHO] = "/echo",
    [SRV_ROUTE_SETCOOKIE] = "/setcookie",
    [SRV_ROUTE_ETAG] = "/etag",
    [SRV_ROUTE_STALL] = "/stall",
    [SRV_ROUTE_CHUNKED] = "/chunked",
    [SRV_ROUTE_SHORT] = "/short",
    [SRV_ROUTE_MALFORMED] = "/malformed",
    [SRV_ROUTE_HUGE] = "/huge",
    [SRV_ROUTE_LOOP] = "/loop",
    [SRV_ROUTE_BIGHEADERS] = "/bigheaders",
    [SRV_ROUTE_NONE] = "*",
};

void srv_stats_request(cf_server *srv, enum srv_route route)
{
    srv->stats.requests++;
    srv->route_counts[route]++;
}

void srv_stats_conn_opened(cf_server *srv)
{
    srv->stats.conns_total++;
    if (++srv->stats.conns_open > srv->stats.conns_max)
        srv->stats.conns_max = srv->stats.conns_open;
}

void srv_stats_conn_closed(cf_server *srv)
{
    srv->stats.conns_open--;
}

void srv_stats_get(const cf_server *srv, struct cf_server_stats *out)
{
    *out = srv->stats;
}

unsigned long srv_stats_path(const cf_server *srv, const char *name)
{
    for (int r = 0; r < SRV_ROUTE_N; r++) {
        if (strcmp(srv_route_names[r], name) == 0)
            return srv->route_counts[r];
    }
    return 0;
}

void srv_stats_reset(cf_server *srv)
{
    srv->stats.requests = 0;
    srv->stats.conns_max = srv->stats.conns_open;
    memset(srv->route_counts, 0, sizeof(srv->route_counts));
}

void srv_stats_json(const cf_server *srv, struct evbuffer *out)
{
    evbuffer_add_printf(out, "{\"requests\":%lu,\"paths\":{", srv->stats.requests);
    for (int r = 0; r < SRV_ROUTE_N; r++) {
        evbuffer_add_printf(out, "%s\"%s\":%lu", r > 0 ? "," : "", srv_route_names[r],
                            srv->route_counts[r]);
    }
    evbuffer_add_printf(out, "},\"conns\":{\"open\":%lu,\"max\":%lu,\"total\":%lu}}\n",
                        srv->stats.conns_open, srv->stats.conns_max, srv->stats.conns_total);
}
