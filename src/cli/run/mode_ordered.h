/*
 * mode_ordered.h - the modes whose records come out in input order: gather (one fetch
 * per line) and chain (1 + --then steps per line). --sync is gather with -j 1.
 */
#ifndef CLI_MODE_ORDERED_H
#define CLI_MODE_ORDERED_H

#include "run/mode.h"

extern const struct mode mode_gather;
extern const struct mode mode_chain;

#endif
