/*
 * faults.h - the fault endpoints: /stall, /chunked, /short, /malformed, /huge, /loop,
 * /bigheaders.
 */
#ifndef SRV_FAULTS_H
#define SRV_FAULTS_H

#include "types.h"

struct evhttp_request;
struct evkeyvalq;

/*
 * Answers one of the SRV_ROUTE_STALL .. SRV_ROUTE_BIGHEADERS requests; the raw ones take
 * the connection over (conn->fault) until they close it.
 */
void srv_fault_dispatch(struct srv_conn *conn, struct evhttp_request *req, enum srv_route route,
                        const struct evkeyvalq *q);
/*
 * The connection is going away (libevent's close callback): stop and free the fault;
 * libevent frees its request with the connection.
 */
void srv_fault_abort(struct srv_fault *f);

#endif
