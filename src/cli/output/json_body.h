/*
 * json_body.h - --jsonl-body: a response body as a member of its JSON record.
 *
 * A body whose response said it is JSON (application/json, or a type ending in +json)
 * and that parses (libjansson) is the value itself, written compact: "body":{...}.
 * Otherwise a body of valid UTF-8 is a string, "body":"...", and any other body is its
 * bytes in base64, "body_b64":"...". A record without a body (failed, or --jsonl-body
 * not given) has neither member. Never suspends.
 */
#ifndef CLI_JSON_BODY_H
#define CLI_JSON_BODY_H

#include "base/record.h"
#include "base/strbuf.h"

/* Whether a Content-Type value (NULL: none) names JSON. */
int json_body_type_is_json(const char *content_type);

/* Appends ,"body":... or ,"body_b64":"..." for r's kept body. 0 or CF_ENOMEM. */
int json_body_member(struct strbuf *out, const struct rec *r);

#endif
