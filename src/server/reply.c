/*
 * reply.c - replies and bodies that the endpoints share. Every body that carries the
 * pattern (/bytes, /drip, /reset, /chunked, /short, /huge) gets it from srv_add_pattern(),
 * so a client can check any byte of any of them by its offset alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "reply.h"

void srv_reply_text(struct evhttp_request *req, int code, const char *fmt, ...)
{
    struct evbuffer *body = evbuffer_new();
    va_list ap;

    if (body == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    va_start(ap, fmt);
    evbuffer_add_vprintf(body, fmt, ap);
    va_end(ap);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
    evhttp_send_reply(req, code, NULL, body);
    evbuffer_free(body);
}

/* Appends len bytes of the body pattern starting at body offset off. */
int srv_add_pattern(struct evbuffer *buf, uint64_t off, size_t len)
{
    struct evbuffer_iovec v;
    unsigned c = (unsigned)(off % 26);

    if (len == 0)
        return 0;
    if (evbuffer_reserve_space(buf, (ev_ssize_t)len, &v, 1) != 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        ((char *)v.iov_base)[i] = (char)('a' + c);
        c = c + 1 == 26 ? 0 : c + 1;
    }
    v.iov_len = len;
    return evbuffer_commit_space(buf, &v, 1);
}
