#include "gr_db.h"

#include <errno.h>
#include <poll.h>
#include <spawn.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "gr_log.h"
#include "gr_util.h"

extern char **environ;

const char *gr_db_embedded_conninfo(void)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "host=%s/pg/run port=5432 user=govreach dbname=govreach", gr_var_dir());
    return buf;
}

static bool libpq_env_set(void)
{
    static const char *const vars[] = { "PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", "PGPORT", NULL };
    for (const char *const *v = vars; *v; v++) {
        const char *s = getenv(*v);
        if (s && *s)
            return true;
    }
    return false;
}

static void describe(PGconn *conn, const char *conninfo, char *err, size_t errlen)
{
    const char *host = PQhost(conn), *port = PQport(conn);
    const char *msg = PQerrorMessage(conn);
    size_t n;
    char where[600];

    if (host && host[0] == '/')
        snprintf(where, sizeof where, "socket %s/.s.PGSQL.%s", host, port ? port : "5432");
    else
        snprintf(where, sizeof where, "%s:%s", host && *host ? host : "localhost", port ? port : "5432");
    snprintf(err, errlen, "cannot connect to PostgreSQL at %s%s%s: %s", where,
             conninfo ? " (" : "", conninfo ? "configured conninfo)" : "", msg);
    n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

/* Starts the embedded cluster; returns true when the script succeeded. */
static bool start_embedded(void)
{
    char script[1024];
    char *argv[3];
    pid_t pid;
    int status;
    posix_spawn_file_actions_t fa;

    snprintf(script, sizeof script, "%s/scripts/pgembed.sh", gr_share_dir());
    /* The script must use the same var directory as this program. */
    setenv("GOVREACH_VAR", gr_var_dir(), 0);
    argv[0] = script;
    argv[1] = (char *)"start";
    argv[2] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 01, 0);
    gr_info("starting the embedded PostgreSQL cluster in %s/pg", gr_var_dir());
    if (posix_spawn(&pid, script, &fa, NULL, argv, environ) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return false;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (waitpid(pid, &status, 0) < 0)
        return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int db_timeout_ms;       /* 0 = wait as long as it takes */
/* Connections that missed a deadline: every later call fails at once. */
static const PGconn *dead[16];

static bool is_dead(const PGconn *c)
{
    for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++)
        if (dead[i] == c)
            return true;
    return false;
}

static void mark_dead(const PGconn *c)
{
    if (is_dead(c))
        return;
    for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++)
        if (!dead[i]) {
            dead[i] = c;
            return;
        }
}

void gr_db_set_timeout(int ms)
{
    db_timeout_ms = ms;
}

/* libpq's connection defaults for a lost network: a bounded connect,
 * keepalives and a TCP user timeout (TCP only; a Unix socket fails at
 * once when the server goes). The conninfo comes last and overrides. */
static PGconn *connect_bounded(const char *conninfo)
{
    static const char *const keys[] = { "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                                        "keepalives_count", "tcp_user_timeout", "dbname", NULL };
    const char *vals[] = { "10", "1", "10", "5", "3", "30000", conninfo, NULL };
    return PQconnectdbParams(keys, vals, 1);
}

/* Waits for the reply of the query just sent, at most db_timeout_ms. */
static PGresult *wait_result(PGconn *conn, bool *timed_out)
{
    PGresult *last = NULL, *r;
    struct timespec t0, t;

    *timed_out = false;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        while (!PQisBusy(conn)) {
            r = PQgetResult(conn);
            if (!r)
                return last;
            if (last && PQresultStatus(last) != PGRES_TUPLES_OK && PQresultStatus(last) != PGRES_COMMAND_OK) {
                PQclear(r);
            } else {
                PQclear(last);
                last = r;
            }
            if (PQresultStatus(r) == PGRES_COPY_IN || PQresultStatus(r) == PGRES_COPY_OUT)
                return last;
        }
        struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };
        int left = -1;
        if (db_timeout_ms > 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            left = db_timeout_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
            if (left <= 0) {
                *timed_out = true;
                PQclear(last);
                return NULL;
            }
        }
        int n = poll(&p, 1, left);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && !PQconsumeInput(conn))
            break;
    }
    return last ? last : PQgetResult(conn);
}

enum gr_rc gr_db_connect(const char *conninfo, PGconn **out, char *err, size_t errlen)
{
    PGconn *conn;
    bool embedded = false;

    *out = NULL;
    if (!conninfo || !*conninfo) {
        if (libpq_env_set()) {
            conninfo = "";
        } else {
            conninfo = gr_db_embedded_conninfo();
            embedded = true;
        }
    }
    conn = connect_bounded(conninfo);
    if (PQstatus(conn) != CONNECTION_OK && embedded) {
        PQfinish(conn);
        if (!start_embedded()) {
            snprintf(err, errlen, "cannot start the embedded PostgreSQL cluster in %s/pg "
                     "(scripts/pgembed.sh start failed)", gr_var_dir());
            return GR_EUNAVAIL;
        }
        conn = connect_bounded(conninfo);
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        describe(conn, embedded || !*conninfo ? NULL : conninfo, err, errlen);
        PQfinish(conn);
        return GR_EUNAVAIL;
    }
    /* Quiet NOTICEs (e.g. "relation already exists, skipping"). */
    PQclear(PQexec(conn, "SET client_min_messages = warning"));
    *out = conn;
    return GR_OK;
}

enum gr_rc gr_db_classify(PGconn *conn, const PGresult *res)
{
    const char *state;

    if (PQstatus(conn) != CONNECTION_OK)
        return GR_EUNAVAIL;
    state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state)
        return GR_EUNAVAIL;
    if (strncmp(state, "40", 2) == 0 || strncmp(state, "57", 2) == 0 || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "53", 2) == 0)
        return GR_ETEMP;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
        return GR_EDATA;
    return GR_EINTERNAL;
}

static void copy_msg(char *err, size_t errlen, const char *msg)
{
    size_t n;
    snprintf(err, errlen, "%s", msg);
    n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

enum gr_rc gr_db_exec(PGconn *conn, const char *sql, char *err, size_t errlen)
{
    PGresult *res = NULL;
    ExecStatusType st;
    enum gr_rc rc = GR_OK;
    bool timed_out = false;

    if (db_timeout_ms <= 0) {
        res = PQexec(conn, sql);
    } else if (is_dead(conn)) {
        timed_out = true;
    } else if (PQsendQuery(conn, sql)) {
        res = wait_result(conn, &timed_out);
    }
    if (timed_out) {
        mark_dead(conn);
        {
            snprintf(err, errlen, "no answer from PostgreSQL within %d ms", db_timeout_ms);
            return GR_EUNAVAIL;
        }
    }
    st = PQresultStatus(res);

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        copy_msg(err, errlen, PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(conn));
        rc = gr_db_classify(conn, res);
    }
    PQclear(res);
    return rc;
}

enum gr_rc gr_db_execp(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       PGresult **res, char *err, size_t errlen)
{
    PGresult *r = NULL;
    ExecStatusType st;
    enum gr_rc rc;
    bool timed_out = false;

    if (db_timeout_ms <= 0) {
        r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    } else if (is_dead(conn)) {
        timed_out = true;
    } else if (PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)) {
        r = wait_result(conn, &timed_out);
    }
    if (timed_out) {
        mark_dead(conn);
        {
            snprintf(err, errlen, "no answer from PostgreSQL within %d ms", db_timeout_ms);
            *res = NULL;
            return GR_EUNAVAIL;
        }
    }
    st = PQresultStatus(r);

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        *res = r;
        return GR_OK;
    }
    copy_msg(err, errlen, PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    rc = gr_db_classify(conn, r);
    PQclear(r);
    *res = NULL;
    return rc;
}

/* Milliseconds left of the deadline started at t0 (-1: no deadline, 0: passed). */
static int left_ms(const struct timespec *t0)
{
    struct timespec t;
    long used;

    if (db_timeout_ms <= 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t);
    used = (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
    return used >= db_timeout_ms ? 0 : (int)(db_timeout_ms - used);
}

static enum gr_rc missed(const PGconn *conn, char *err, size_t errlen)
{
    mark_dead(conn);
    snprintf(err, errlen, "no answer from PostgreSQL within %d ms", db_timeout_ms);
    return GR_EUNAVAIL;
}

/* Sends what libpq has queued, waiting at most the deadline for the socket
 * to take it (a server that stopped reading cannot block us for good). */
static enum gr_rc flush_bounded(PGconn *conn, char *err, size_t errlen)
{
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int f = PQflush(conn), left, n;
        if (f == 0)
            return GR_OK;
        if (f < 0) {
            copy_msg(err, errlen, PQerrorMessage(conn));
            return GR_EUNAVAIL;
        }
        left = left_ms(&t0);
        if (left == 0)
            return missed(conn, err, errlen);
        struct pollfd p = { .fd = PQsocket(conn), .events = POLLOUT | POLLIN };
        n = poll(&p, 1, left);
        if (n < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for PostgreSQL: %s", strerror(errno));
            return GR_EUNAVAIL;
        }
        if (n > 0 && (p.revents & POLLIN) && !PQconsumeInput(conn)) {
            copy_msg(err, errlen, PQerrorMessage(conn));
            return GR_EUNAVAIL;
        }
    }
}

enum gr_rc gr_db_copy_begin(PGconn *conn, const char *sql, char *err, size_t errlen)
{
    PGresult *r = NULL;
    bool timed_out = false;
    enum gr_rc rc;

    if (is_dead(conn))
        return missed(conn, err, errlen);
    if (!PQsendQuery(conn, sql)) {
        copy_msg(err, errlen, PQerrorMessage(conn));
        return gr_db_classify(conn, NULL);
    }
    r = wait_result(conn, &timed_out);
    if (timed_out)
        return missed(conn, err, errlen);
    if (PQresultStatus(r) == PGRES_COPY_IN) {
        PQclear(r);
        PQsetnonblocking(conn, 1);
        return GR_OK;
    }
    copy_msg(err, errlen, r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    rc = gr_db_classify(conn, r);
    PQclear(r);
    while ((r = PQgetResult(conn)))
        PQclear(r);
    return rc;
}

/* The data goes to libpq in pieces of at most COPY_PIECE bytes, and each
 * piece is flushed (under the deadline) before the next is put. On a
 * non-blocking connection PQputCopyData never refuses data: it grows its
 * output buffer to hold everything the socket has not taken yet, and moves
 * the unsent rest to the buffer's start after every partial send. Put
 * without flushing, a file faster than the server grew that buffer to
 * megabytes and the loader spent 91 % of its CPU in that memmove (perf,
 * bench/run loader), loading at 0.4x psql's \copy. */
#define COPY_PIECE (64u << 10)

enum gr_rc gr_db_copy_put(PGconn *conn, const char *data, size_t n, char *err, size_t errlen)
{
    while (n > 0) {
        size_t k = n < COPY_PIECE ? n : COPY_PIECE;
        int r = PQputCopyData(conn, data, (int)k);
        if (r < 0) {
            copy_msg(err, errlen, PQerrorMessage(conn));
            return GR_EUNAVAIL;
        }
        if (r == 1) {
            data += k;
            n -= k;
        }
        /* r == 0: libpq could not make room; either way, send what it holds */
        enum gr_rc rc = flush_bounded(conn, err, errlen);
        if (rc)
            return rc;
    }
    return GR_OK;
}

enum gr_rc gr_db_copy_end(PGconn *conn, const char *failure, PGresult **res, char *err, size_t errlen)
{
    PGresult *r, *extra;
    bool timed_out = false;
    enum gr_rc rc;
    int e;

    *res = NULL;
    while ((e = PQputCopyEnd(conn, failure)) == 0)
        if ((rc = flush_bounded(conn, err, errlen)))
            return rc;
    if (e < 0 || (rc = flush_bounded(conn, err, errlen))) {
        copy_msg(err, errlen, PQerrorMessage(conn));
        return GR_EUNAVAIL;
    }
    PQsetnonblocking(conn, 0);
    r = wait_result(conn, &timed_out);
    if (timed_out)
        return missed(conn, err, errlen);
    while ((extra = PQgetResult(conn)))
        PQclear(extra);
    *res = r;
    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        return GR_OK;
    copy_msg(err, errlen, r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    return gr_db_classify(conn, r);
}

void gr_db_rollback(PGconn *conn)
{
    char err[256];
    (void)gr_db_exec(conn, "ROLLBACK", err, sizeof err);
}
