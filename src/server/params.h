/*
 * params.h - query parameter values: parsing them, and seconds as a timeval.
 */
#ifndef SRV_PARAMS_H
#define SRV_PARAMS_H

#include <stdint.h>
#include <sys/time.h>

struct evkeyvalq;

/*
 * Each parser returns 0, or -1 when the value is malformed or out of range (out is then
 * left alone): a decimal integer in [0, max]; plain decimal seconds in [0, max] (no sign,
 * exponent, "inf", "nan" or hex); the integer parameter key of q, dflt when it is absent.
 */
int srv_parse_u64(const char *s, uint64_t max, uint64_t *out);
int srv_parse_secs(const char *s, double max, double *out);
int srv_opt_u64(const struct evkeyvalq *q, const char *key, uint64_t dflt, uint64_t max,
                uint64_t *out);
/* Whether the parameter key of q is present and not "0". */
int srv_flag(const struct evkeyvalq *q, const char *key);
/* The name of an evhttp request method (enum evhttp_cmd_type), "?" for one unknown. */
const char *srv_method_name(int method);
/* secs (>= 0) as a timeval, rounded to the microsecond. */
struct timeval srv_secs_timeval(double secs);

#endif
