/* error.c - CF_E* codes to text. */
#include "cofetch/error.h"

const char *cf_strerror(int err)
{
    switch (err) {
    case CF_OK: return "success";
    case CF_ENOMEM: return "out of memory";
    case CF_EINVAL: return "invalid argument";
    case CF_ECANCELED: return "cancelled";
    case CF_ETIMEDOUT: return "timed out";
    case CF_ECLOSED: return "queue closed";
    case CF_ESTATE: return "invalid state";
    case CF_EOF: return "end of input";
    case CF_ETOOLONG: return "line too long";
    case CF_EIO: return "input/output error";
    case CF_EAGAIN: return "would suspend";
    case CF_ENOTASK: return "not called from a task";
    case CF_EDEADLK: return "main task can never finish";
    case CF_ESTOPPED: return "loop stopped";
    case CF_EBUSY: return "still in use";
    case CF_ELOOP: return "belongs to another loop";
    case CF_EURL: return "malformed URL";
    case CF_EPROTO: return "protocol not allowed";
    case CF_EDNS: return "could not resolve host";
    case CF_ECONNECT: return "could not connect";
    case CF_ETLS: return "TLS error";
    case CF_ESEND: return "failed sending request";
    case CF_ERECV: return "failed receiving response";
    case CF_EHTTP: return "HTTP error status";
    case CF_ETOOBIG: return "response too large";
    case CF_EREDIRECTS: return "too many redirects";
    case CF_EBADRESP: return "malformed response";
    case CF_ENET: return "transfer failed";
    }
    return "unknown error";
}
