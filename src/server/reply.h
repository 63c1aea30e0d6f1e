/*
 * reply.h - the pieces every kind of reply is built from: a text/plain reply sent at once,
 * and the body pattern.
 */
#ifndef SRV_REPLY_H
#define SRV_REPLY_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;
struct evhttp_request;

/* Sends a text/plain reply whose body is printf(fmt, ...); a bodiless 500 when out of memory. */
void srv_reply_text(struct evhttp_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Appends len bytes of the body pattern (byte i of a body is 'a' + i % 26) starting at body
 * offset off. 0, or -1 when out of memory.
 */
int srv_add_pattern(struct evbuffer *buf, uint64_t off, size_t len);

#endif
