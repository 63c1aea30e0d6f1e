/*
 * openfiles.h - fitting -j to the open-files limit.
 */
#ifndef CLI_OPENFILES_H
#define CLI_OPENFILES_H

#include "base/config.h"

/* -j N needs about N sockets (and N files with -o, N spill files with --body), plus some
 * slack for connections being replaced and resolver threads' socketpairs (one in eight);
 * more than RLIMIT_NOFILE allows would fail fetches with EMFILE. Raises the soft limit
 * towards the hard one; if that is not enough, returns a lower -j that fits and prints a
 * warning. Returns the -j to run at (cfg->parallel when it fits; --sync always fits). */
long openfiles_fit(const struct config *cfg);

#endif
