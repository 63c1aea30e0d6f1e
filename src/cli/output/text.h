/*
 * text.h - the default output: one aligned line per record (status, bytes, time, URL,
 * and the error of a failed one); control bytes shown as \xNN.
 */
#ifndef CLI_TEXT_H
#define CLI_TEXT_H

#include "base/record.h"
#include "base/strbuf.h"

/* Appends r's line to sb: colour (status by class) when color is set, the chain step's
 * arrow when chain is. 0 or CF_ENOMEM. */
int output_text_line(struct strbuf *sb, const struct rec *r, int color, int chain);

#endif
