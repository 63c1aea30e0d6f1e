/*
 * params.c - query parameter values. A parameter is valid only in its whole: every parser
 * takes the full string or fails, so "5x" or " 5" is a 400 at the caller, never a 5; and
 * a parser that fails leaves its output alone.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "params.h"

int srv_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int srv_parse_secs(const char *s, double max, double *out)
{
    char *end;
    double v;

    /* Plain decimal only: strtod would also take "inf", "nan" and hex floats. */
    if (s == NULL || s[strspn(s, "0123456789.")] != '\0' || *s == '\0')
        return -1;
    v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v) || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

struct timeval srv_secs_timeval(double secs)
{
    struct timeval tv;
    long long us = (long long)(secs * 1e6 + 0.5);

    tv.tv_sec = (time_t)(us / 1000000);
    tv.tv_usec = (suseconds_t)(us % 1000000);
    return tv;
}

/* An optional parameter: absent gives dflt, present must parse. */
int srv_opt_u64(const struct evkeyvalq *q, const char *key, uint64_t dflt, uint64_t max,
                uint64_t *out)
{
    const char *v = evhttp_find_header(q, key);

    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    return srv_parse_u64(v, max, out);
}

int srv_flag(const struct evkeyvalq *q, const char *key)
{
    const char *v = evhttp_find_header(q, key);
    return v != NULL && strcmp(v, "0") != 0;
}

const char *srv_method_name(int m)
{
    switch ((enum evhttp_cmd_type)m) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    }
    return "?";
}
