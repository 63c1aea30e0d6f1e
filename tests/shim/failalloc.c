/*
 * failalloc.c - an LD_PRELOAD shim that makes calloc() fail for big requests, so a test
 * can see what the command does when memory runs out where it asks for the most.
 *
 * FAILALLOC_OVER=N: a calloc of more than N bytes returns NULL with ENOMEM; smaller ones
 * (and every other allocation) go to glibc as usual. Unset or 0: nothing fails.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

void *__libc_calloc(size_t n, size_t size); /* glibc's own */
void *calloc(size_t n, size_t size);

void *calloc(size_t n, size_t size)
{
    const char *s = getenv("FAILALLOC_OVER");
    size_t over = s ? (size_t)strtoull(s, NULL, 10) : 0;

    if (over && size && n > over / size) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, size);
}
