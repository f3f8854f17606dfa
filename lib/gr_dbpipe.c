/* A libpq connection in pipeline mode with its requests in flight (gr_dbpipe.h). */
#include "gr_dbpipe.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "gr_db.h"
#include "gr_progress.h"

void gr_dbpipe_init(struct gr_dbpipe *p, PGconn *conn)
{
    memset(p, 0, sizeof *p);
    p->conn = conn;
}

void gr_dbpipe_clear(struct gr_dbpipe *p)
{
    while (p->n > 0) {
        PQclear(p->rq[p->head].res);
        p->head = (p->head + 1) % GR_DBPIPE_MAX;
        p->n--;
    }
}

enum gr_rc gr_dbpipe_send(struct gr_dbpipe *p, int op, void *arg, const char *stmt, int n, const char *const *vals,
                          char *err, size_t errlen)
{
    struct gr_dbpipe_req *r;

    if (p->broken) {
        snprintf(err, errlen, "%s", p->broken_err);
        return GR_EUNAVAIL;
    }
    if (p->n == GR_DBPIPE_MAX) {
        snprintf(err, errlen, "too many database requests at once");
        return GR_EINTERNAL;
    }
    if (!PQsendQueryPrepared(p->conn, stmt, n, vals, NULL, NULL, 0) || !PQpipelineSync(p->conn) ||
        PQflush(p->conn) < 0) {
        snprintf(err, errlen, "%s", PQerrorMessage(p->conn));
        return gr_db_classify(p->conn, NULL);
    }
    if (p->n == 0)
        p->last_activity = gr_now();   /* the deadline runs from the oldest request */
    r = &p->rq[(p->head + p->n++) % GR_DBPIPE_MAX];
    memset(r, 0, sizeof *r);
    r->op = op;
    r->arg = arg;
    return GR_OK;
}

void gr_dbpipe_error(const struct gr_dbpipe *p, const PGresult *res, char *err, size_t errlen)
{
    const char *m = res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(p->conn);
    size_t n;
    snprintf(err, errlen, "%s", m);
    n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

/* Waits for the connection at most ms (< 0: for ever); false on timeout. */
static bool wait_socket(PGconn *c, bool out, int ms)
{
    struct pollfd pf = { .fd = PQsocket(c), .events = (short)(POLLIN | (out ? POLLOUT : 0)) };
    int n;
    while ((n = poll(&pf, 1, ms)) < 0 && errno == EINTR)
        ;
    return n != 0;
}

/* No answer within the deadline: the connection counts as lost. */
static void timed_out(struct gr_dbpipe *p, int timeout_ms)
{
    p->broken = true;
    snprintf(p->broken_err, sizeof p->broken_err, "no answer from PostgreSQL within %d ms (connection lost?)",
             timeout_ms);
}

/* The oldest request, which has ended, into done. */
static bool pop(struct gr_dbpipe *p, struct gr_dbpipe_req *done)
{
    *done = p->rq[p->head];
    if (p->broken) {
        PQclear(done->res);
        done->res = NULL;
    }
    p->head = (p->head + 1) % GR_DBPIPE_MAX;
    p->n--;
    return true;
}

bool gr_dbpipe_progress(struct gr_dbpipe *p, bool block, int timeout_ms, struct gr_dbpipe_req *done,
                        bool *want_write)
{
    *want_write = false;
    while (p->n > 0) {
        struct gr_dbpipe_req *h = &p->rq[p->head];
        if (!p->broken && timeout_ms > 0 && gr_now() - p->last_activity > timeout_ms / 1000.0)
            timed_out(p, timeout_ms);
        if (!p->broken) {
            int fl = PQflush(p->conn);
            if (fl < 0 || !PQconsumeInput(p->conn)) {
                p->broken = true;
                gr_dbpipe_error(p, NULL, p->broken_err, sizeof p->broken_err);
            }
            *want_write = fl == 1;
        }
        if (p->broken)
            return pop(p, done);
        while (!PQisBusy(p->conn)) {
            PGresult *r = PQgetResult(p->conn);
            p->last_activity = gr_now();
            if (!r) {
                if (h->ended)
                    break;      /* nothing more has arrived */
                h->ended = true;
                continue;
            }
            if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                return pop(p, done);
            }
            /* keep an error over anything that follows it */
            if (h->res && PQresultStatus(h->res) != PGRES_TUPLES_OK && PQresultStatus(h->res) != PGRES_COMMAND_OK)
                PQclear(r);
            else {
                PQclear(h->res);
                h->res = r;
            }
        }
        if (!block)
            return false;
        if (!wait_socket(p->conn, *want_write, timeout_ms > 0 ? timeout_ms : -1))
            timed_out(p, timeout_ms);
    }
    return false;
}
