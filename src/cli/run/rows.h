/*
 * rows.h - --colsep: an input line as a row of fields, and the request built from it.
 *
 * The line is split on the separator (every occurrence; empty fields count). The URL is
 * the URL template (the one URL argument given with --colsep) expanded over the fields,
 * or the first field when there is none; -d and each -H are expanded too ({1}, {2}, ...
 * and {line}, the whole line; other braces are text). The result is the item's request
 * (input/request.h): a built URL is checked like a URL line, a built header like a
 * request line's, and a field that is not there is an error of that line.
 *
 *   rows_init / rows_free   the scratch of one input (borrows cfg)
 *   rows_expand             input_set_rows' function: one line into it->rq
 *
 * Never suspends. The layer: run/ (it expands run/template.h's templates), called from
 * input/ through input_set_rows().
 */
#ifndef CLI_ROWS_H
#define CLI_ROWS_H

#include <stddef.h>

#include "base/config.h"
#include "base/strbuf.h"
#include "input/input.h"

struct rows {
    const struct config *cfg;
    const char **fields;
    size_t *lens;
    size_t cap;
    struct strbuf scratch;
};

void rows_init(struct rows *r, const struct config *cfg);
void rows_free(struct rows *r);

/* ctx: a struct rows. 0; 1 when the line is bad (it->why says why); CF_ENOMEM. */
int rows_expand(void *ctx, struct item *it);

#endif
