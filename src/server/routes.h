/*
 * routes.h - which endpoint a request is for, and answering it.
 */
#ifndef SRV_ROUTES_H
#define SRV_ROUTES_H

#include "types.h"

struct evhttp_request;
struct evkeyvalq;

/* Which route serves path (the raw path of the request URI). */
enum srv_route srv_route_find(const char *path);
/* Answers one request for route on conn; q holds the decoded query parameters. */
void srv_route_dispatch(cf_server *srv, struct srv_conn *conn, struct evhttp_request *req,
                        enum srv_route route, const struct evkeyvalq *q);

#endif
