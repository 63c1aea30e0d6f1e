/* cofetch/cofetch.h - the whole runtime in one include. */
#ifndef COFETCH_COFETCH_H
#define COFETCH_COFETCH_H

#include "cofetch/error.h"
#include "cofetch/loop.h"
#include "cofetch/task.h"
#include "cofetch/future.h"
#include "cofetch/queue.h"
#include "cofetch/sem.h"
#include "cofetch/io.h"

#endif
