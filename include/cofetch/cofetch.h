/* cofetch/cofetch.h - the whole runtime in one include. */
#ifndef COFETCH_COFETCH_H
#define COFETCH_COFETCH_H

#include "cofetch/error.h"
#include "cofetch/loop.h"
#include "cofetch/task.h"
#include "cofetch/future.h"
#include "cofetch/queue.h"
#include "cofetch/sem.h"
#include "cofetch/event.h"
#include "cofetch/lock.h"
#include "cofetch/cond.h"
#include "cofetch/taskgroup.h"
#include "cofetch/wait.h"
#include "cofetch/timeout.h"
#include "cofetch/thread.h"
#include "cofetch/io.h"

#endif
