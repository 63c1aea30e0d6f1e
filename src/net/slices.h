/*
 * slices.h - no transfer keeps the loop from the others.
 *
 * libcurl delivers what it has in one go: a compressed body that decodes to gigabytes
 * (a gzip bomb) is decoded inside one curl_multi_socket_action, and every other transfer,
 * timer and signal waits. So a transfer takes at most CF_SLICE_BYTES of body per call
 * into libcurl: past that its body callback pauses it (CURL_WRITEFUNC_PAUSE), and a
 * zero-delay loop timer unpauses it once the loop has polled and run the others
 * (libcurl keeps what it had decoded and hands it over again then). Its timeout is
 * libcurl's as ever, and is checked between slices.
 *
 *   cf_slice_over   from the body callback: whether to pause this transfer now
 *   cf_slice_stop   the transfer leaves the multi: forget a pending unpause
 */
#ifndef CF_NET_SLICES_H
#define CF_NET_SLICES_H

#include <stddef.h>

/* Body bytes a transfer may take in one call into libcurl. */
#define CF_SLICE_BYTES (1024 * 1024)

struct cf_xfer;

/* Counts len more bytes for x in this call into libcurl; 1 when they would go past its
 * slice: the caller returns CURL_WRITEFUNC_PAUSE (the bytes are not taken) and x is
 * unpaused on the next loop iteration. */
int cf_slice_over(struct cf_xfer *x, size_t len);
void cf_slice_stop(struct cf_xfer *x);

#endif
