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

#endif
