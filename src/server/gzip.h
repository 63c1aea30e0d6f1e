/*
 * gzip.h - a gzip member whose content is N zero bytes, made piece by piece: the body of
 * /gzip, a compression bomb on demand (about 13 bits of deflate per 258 zeros, so 10 GiB
 * of zeros is 65 MB on the wire).
 *
 * The deflate data is one block with the fixed Huffman codes: a literal zero, then
 * length-258 / distance-1 copies, then literal zeros for the rest; the trailer carries
 * the CRC-32 of the zeros (computed in O(log N)) and N modulo 2^32.
 */
#ifndef SRV_GZIP_H
#define SRV_GZIP_H

#include <stddef.h>
#include <stdint.h>

struct srv_gzip {
    uint64_t n;      /* zeros in all */
    int first;       /* the literal zero the copies repeat is still to write */
    uint64_t copies; /* length-258 copies still to write */
    uint64_t tail;   /* literal zeros after them still to write */
    uint64_t acc;    /* bits not yet written, LSB first */
    int nacc;
    int stage; /* 0 header, 1 the block, 2 end of block, 3 trailer, 4 done */
};

void srv_gzip_init(struct srv_gzip *g, uint64_t n);
/* The member's size in bytes, for Content-Length. */
uint64_t srv_gzip_size(uint64_t n);
/* Writes up to cap bytes of the member to out; the count (0 once it is all out). cap must
 * be at least 16. */
size_t srv_gzip_next(struct srv_gzip *g, unsigned char *out, size_t cap);

#endif
