/*
 * form.h - curl's -F/--form and --form-string arguments, parsed into the fields of a
 * multipart form (struct form_field, base/config.h), which run/curlopts.c hands to
 * libcurl's mime API per fetch.
 */
#ifndef CLI_FORM_H
#define CLI_FORM_H

#include <stddef.h>

#include "base/config.h"

/* Parses one -F argument as curl 7.88 does: NAME=TEXT, NAME=@FILE (a file upload),
 * NAME=<FILE (a text field read from FILE); a value in double quotes may hold ';' and
 * \" and \\; then ;type=, ;filename= and ;headers= parameters (any other is warned
 * about on stderr and skipped, as curl does). literal (--form-string): the value is the
 * rest of the argument, as it is. Fills *f (its strings owned: form_field_free). 0, or
 * -1 with why in err (no '=', an unreadable FILE, out of memory). */
int form_parse(const char *arg, int literal, struct form_field *f, char *err, size_t errlen);

void form_field_free(struct form_field *f);

#endif
