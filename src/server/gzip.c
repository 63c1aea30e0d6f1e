/*
 * gzip.c - a gzip member of N zero bytes, deflated with the fixed Huffman codes.
 */
#include "gzip.h"

enum { HEADER_BYTES = 10, TRAILER_BYTES = 8, COPY_LEN = 258 };

/* ---- CRC-32 of zeros: the CRC register advanced over zero bytes is linear in it, so
 * advancing by N bytes is a 32 x 32 matrix over GF(2) raised to N (by squaring). ---- */

static uint32_t mat_times(const uint32_t *m, uint32_t v)
{
    uint32_t r = 0;
    for (int i = 0; v; i++, v >>= 1)
        if (v & 1)
            r ^= m[i];
    return r;
}

static void mat_square(uint32_t *sq, const uint32_t *m)
{
    for (int i = 0; i < 32; i++)
        sq[i] = mat_times(m, m[i]);
}

/* CRC-32 (the gzip one) of n zero bytes. */
static uint32_t crc32_zeros(uint64_t n)
{
    uint32_t odd[32], even[32];
    uint32_t crc = 0xffffffffu; /* the register before any byte */

    /* odd: one zero bit through the register (reflected polynomial 0xedb88320). */
    odd[0] = 0xedb88320u;
    for (int i = 1; i < 32; i++)
        odd[i] = 1u << (i - 1);
    mat_square(even, odd); /* 2 bits */
    mat_square(odd, even); /* 4 bits */
    mat_square(even, odd); /* 8 bits: one byte */
    for (uint32_t *m = even, *t = odd; n; n >>= 1) {
        uint32_t *swap;
        if (n & 1)
            crc = mat_times(m, crc);
        mat_square(t, m);
        swap = m, m = t, t = swap;
    }
    return crc ^ 0xffffffffu;
}

/* ---- the bit stream ---- */

static void put_bits(struct srv_gzip *g, uint32_t bits, int len)
{
    g->acc |= (uint64_t)bits << g->nacc;
    g->nacc += len;
}

/* A Huffman code: written from its most significant bit. */
static void put_code(struct srv_gzip *g, uint32_t code, int len)
{
    uint32_t rev = 0;
    for (int i = 0; i < len; i++)
        rev |= ((code >> i) & 1u) << (len - 1 - i);
    put_bits(g, rev, len);
}

static size_t drain(struct srv_gzip *g, unsigned char *out, size_t cap, size_t n, int all)
{
    while (n < cap && (g->nacc >= 8 || (all && g->nacc > 0))) {
        out[n++] = (unsigned char)g->acc;
        g->acc >>= 8;
        g->nacc = g->nacc >= 8 ? g->nacc - 8 : 0;
    }
    return n;
}

void srv_gzip_init(struct srv_gzip *g, uint64_t n)
{
    *g = (struct srv_gzip){.n = n};
    if (n > 0) {
        g->first = 1;
        g->copies = (n - 1) / COPY_LEN;
        g->tail = (n - 1) % COPY_LEN;
    }
}

uint64_t srv_gzip_size(uint64_t n)
{
    uint64_t copies = n ? (n - 1) / COPY_LEN : 0, literals = n ? 1 + (n - 1) % COPY_LEN : 0;
    uint64_t bits = 3 + 13 * copies + 8 * literals + 7; /* header, data, end of block */
    return HEADER_BYTES + (bits + 7) / 8 + TRAILER_BYTES;
}

size_t srv_gzip_next(struct srv_gzip *g, unsigned char *out, size_t cap)
{
    static const unsigned char header[HEADER_BYTES] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    size_t n = 0;

    if (g->stage == 0) {
        for (int i = 0; i < HEADER_BYTES; i++)
            out[n++] = header[i];
        put_bits(g, 1, 1); /* BFINAL */
        put_bits(g, 1, 2); /* BTYPE 01: fixed codes */
        g->stage = 1;
    }
    while (g->stage == 1 && n + 8 <= cap) {
        if (g->first || (!g->copies && g->tail)) {
            put_code(g, 0x30, 8); /* literal 0 */
            if (g->first)
                g->first = 0;
            else
                g->tail--;
        } else if (g->copies) {
            put_code(g, 0xc5, 8); /* length 258 (symbol 285) */
            put_code(g, 0, 5);    /* distance 1 */
            g->copies--;
        } else {
            g->stage = 2;
        }
        n = drain(g, out, cap, n, 0);
    }
    if (g->stage == 2 && n + 8 <= cap) {
        put_code(g, 0, 7); /* end of block (256) */
        n = drain(g, out, cap, n, 1);
        g->stage = 3;
    }
    if (g->stage == 3 && n + TRAILER_BYTES <= cap) {
        uint32_t crc = crc32_zeros(g->n), size = (uint32_t)g->n;
        for (int i = 0; i < 4; i++)
            out[n++] = (unsigned char)(crc >> (8 * i));
        for (int i = 0; i < 4; i++)
            out[n++] = (unsigned char)(size >> (8 * i));
        g->stage = 4;
    }
    return n;
}
