/*
 * writefull.h - all of a buffer to a descriptor.
 */
#ifndef CLI_WRITEFULL_H
#define CLI_WRITEFULL_H

#include <stddef.h>

/* Writes all len bytes to fd (blocking), again after EINTR. 0 or an errno value (EIO
 * when write() wrote nothing). */
int write_full(int fd, const void *data, size_t len);

#endif
