/*
 * stats.h - the request and connection counters of a server, and the names requests are
 * counted under.
 */
#ifndef SRV_STATS_H
#define SRV_STATS_H

#include "server.h"
#include "types.h"

struct evbuffer;

/*
 * The name each route counts under, indexed by enum srv_route: its bare path ("/status"
 * for every /status/CODE), "*" for SRV_ROUTE_NONE. srv_route_find() matches request paths
 * against the same names (all but "*").
 */
extern const char *const srv_route_names[SRV_ROUTE_N];

/* One more request, for route. */
void srv_stats_request(cf_server *srv, enum srv_route route);
/* A connection was seen for the first time / was closed by libevent. */
void srv_stats_conn_opened(cf_server *srv);
void srv_stats_conn_closed(cf_server *srv);
/* Copies the totals into *out. */
void srv_stats_get(const cf_server *srv, struct cf_server_stats *out);
/* Requests counted under name (one of srv_route_names), 0 for any other string. */
unsigned long srv_stats_path(const cf_server *srv, const char *name);
/* Zeroes the request counters and sets conns_max to conns_open (cf_server_reset_stats()). */
void srv_stats_reset(cf_server *srv);
/* Appends the /count JSON object and a newline to out (see server.h). */
void srv_stats_json(const cf_server *srv, struct evbuffer *out);

#endif
