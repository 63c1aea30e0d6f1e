/*
 * hash.c - FNV-1a, 64 bits.
 */
#include "base/hash.h"

uint64_t fnv1a64_more(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t fnv1a64(const void *data, size_t len)
{
    return fnv1a64_more(0xcbf29ce484222325ULL, data, len);
}
