/*
 * jobs.h - replies that outlive the request callback: /delay, /bytes, /gzip, /drip, /reset.
 */
#ifndef SRV_JOBS_H
#define SRV_JOBS_H

#include <stdint.h>

struct evhttp_request;
struct srv_conn;
struct srv_job;

/*
 * Each srv_job_start_* takes the request over, or answers it at once (500 when out of
 * memory). Parameters are already validated.
 */
/* Answer 200 after secs seconds with text (NULL: "slept S\n"; copied, < 256 bytes). */
void srv_job_start_delay(struct srv_conn *conn, struct evhttp_request *req, double secs,
                         const char *text);
void srv_job_start_bytes(struct srv_conn *conn, struct evhttp_request *req, uint64_t n);
/* 200 with Content-Encoding: gzip, a member of n zero bytes (gzip.h), streamed. */
void srv_job_start_gzip(struct srv_conn *conn, struct evhttp_request *req, uint64_t n);
void srv_job_start_drip(struct srv_conn *conn, struct evhttp_request *req, uint64_t n,
                        double interval);
void srv_job_start_reset(struct srv_conn *conn, struct evhttp_request *req, unsigned sent,
                         int before, int rst);
/*
 * The connection is going away (libevent's close callback): stop the job's timers and
 * free it, and free its request if libevent already let go of it.
 */
void srv_job_abort(struct srv_job *job);

#endif
