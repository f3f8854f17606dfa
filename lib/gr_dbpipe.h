/* A libpq connection in non-blocking pipeline mode and its requests in
 * flight: each request is one prepared statement and its sync (so its own
 * transaction), answered in the order sent, with a deadline on every wait
 * (a server that stops answering breaks the pipe: every request then ends
 * with the reason). The crawler's frontier keeps a claim and a completion on
 * the wire together this way while its transfers go on; the caller polls
 * the connection's socket in its own loop and calls gr_dbpipe_progress(). */
#ifndef GR_DBPIPE_H
#define GR_DBPIPE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "gr_err.h"

#define GR_DBPIPE_MAX 4        /* requests in flight at most */

struct gr_dbpipe_req {
    int op;                    /* the caller's kind of request */
    void *arg;                 /* the caller's data for it */
    PGresult *res;             /* its result (an error kept over what follows); NULL when the pipe broke */
    bool ended;                /* its results are in; the sync is next */
};

struct gr_dbpipe {
    PGconn *conn;              /* non-blocking, in pipeline mode */
    struct gr_dbpipe_req rq[GR_DBPIPE_MAX];
    int head, n;               /* oldest first */
    bool broken;               /* the connection failed: every request fails */
    char broken_err[512];
    double last_activity;      /* oldest request sent or last result read */
};

void gr_dbpipe_init(struct gr_dbpipe *p, PGconn *conn);
/* Frees the results of the requests still in flight. */
void gr_dbpipe_clear(struct gr_dbpipe *p);
/* Queues prepared statement stmt with its n parameters and a sync, without
 * waiting. GR_EUNAVAIL when the pipe is broken, GR_EINTERNAL when
 * GR_DBPIPE_MAX requests are in flight. */
enum gr_rc gr_dbpipe_send(struct gr_dbpipe *p, int op, void *arg, const char *stmt, int n, const char *const *vals,
                          char *err, size_t errlen);
/* Reads what has arrived (with block, waits for it; no wait and no
 * silence lasts longer than timeout_ms, 0 = none: the pipe breaks). True
 * with *done the oldest request that ended (its res the caller's to
 * PQclear); false when no more has ended or nothing is in flight.
 * *want_write when output is still to be flushed. */
bool gr_dbpipe_progress(struct gr_dbpipe *p, bool block, int timeout_ms, struct gr_dbpipe_req *done,
                        bool *want_write);
/* The error text of a failed result res (or of the connection), trimmed. */
void gr_dbpipe_error(const struct gr_dbpipe *p, const PGresult *res, char *err, size_t errlen);

#endif
