#include "gr_db.h"

#include <spawn.h>
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
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK && embedded) {
        PQfinish(conn);
        if (!start_embedded()) {
            snprintf(err, errlen, "cannot start the embedded PostgreSQL cluster in %s/pg "
                     "(scripts/pgembed.sh start failed)", gr_var_dir());
            return GR_EUNAVAIL;
        }
        conn = PQconnectdb(conninfo);
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
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    enum gr_rc rc = GR_OK;

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
    PGresult *r = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    enum gr_rc rc;

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
