/*
 * retry.h - the /retry table: how many requests each id has had.
 */
#ifndef SRV_RETRY_H
#define SRV_RETRY_H

#include "server.h"

/*
 * Counts one more request for id and sets *earlier to the number counted for id before it.
 * 0, or CF_ENOMEM (nothing counted) when id is new and its entry cannot be made.
 */
int srv_retry_hit(cf_server *srv, const char *id, unsigned long *earlier);
/* Frees the table (cf_server_free()). */
void srv_retry_free_all(cf_server *srv);

#endif
