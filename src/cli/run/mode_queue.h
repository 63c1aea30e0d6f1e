/*
 * mode_queue.h - the worker queue: -j workers take lines from a bounded queue; records
 * come out in completion order.
 */
#ifndef CLI_MODE_QUEUE_H
#define CLI_MODE_QUEUE_H

#include "run/mode.h"

extern const struct mode mode_queue;

#endif
