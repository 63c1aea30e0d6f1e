/*
 * config.c - the parsed command line: defaults and release.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "template.h"
#include "writeout.h"

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->protos, sizeof cfg->protos, "http,https");
    cfg->parallel = DEFAULT_PARALLEL;
    cfg->summary = -1;
    cfg->max_redirs = 10;
    cfg->retry_delay = 1.0;
    cfg->http_version = CF_HTTP_ANY;
}

void config_free(struct config *cfg)
{
    free(cfg->urls);
    free(cfg->inputs);
    free(cfg->headers);
    for (size_t i = 0; i < cfg->nthens; i++)
        tmpl_free(cfg->thens[i]);
    free(cfg->thens);
    writeout_free(cfg->writeout);
    free(cfg->data);
    memset(cfg, 0, sizeof *cfg);
}
