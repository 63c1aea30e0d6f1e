/*
 * mode.c - the table of modes.
 */
#include <string.h>

#include "run/mode.h"
#include "run/mode_ordered.h"
#include "run/mode_queue.h"

static const struct mode *const modes[] = {&mode_gather, &mode_queue, &mode_chain};

const struct mode *mode_find(const char *name)
{
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(modes[i]->name, name) == 0)
            return modes[i];
    return NULL;
}

const struct mode *mode_default(void)
{
    return modes[0];
}

const char *mode_label(const struct config *cfg)
{
    return cfg->sync ? "sync" : cfg->mode->name;
}
