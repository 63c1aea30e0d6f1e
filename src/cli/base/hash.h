/*
 * hash.h - FNV-1a, 64 bits: the one hash of the command (--shard, the journal's table,
 * -o names cut to length). Stable across runs and machines: shards and file names
 * depend on it.
 */
#ifndef CLI_HASH_H
#define CLI_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t fnv1a64(const void *data, size_t len);
/* Continues hash h over data: fnv1a64(a ++ b) == fnv1a64_more(fnv1a64(a), b). */
uint64_t fnv1a64_more(uint64_t h, const void *data, size_t len);

#endif
