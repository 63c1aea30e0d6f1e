/*
 * scheme.c - the scheme at the start of a URL.
 */
#include "base/scheme.h"

static int alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

size_t scheme_len(const char *s)
{
    size_t n = 0;

    if (!alpha(s[0]))
        return 0;
    while (alpha(s[n]) || (s[n] >= '0' && s[n] <= '9') || s[n] == '+' || s[n] == '-' || s[n] == '.')
        n++;
    return s[n] == ':' ? n : 0;
}
