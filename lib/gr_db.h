/* PostgreSQL connections for every stage.
 *
 * gr_db_connect() uses, in order: an explicit libpq conninfo (--db or the
 * db.conninfo config key); the libpq environment (PGHOST, PGDATABASE,
 * PGSERVICE, ...) when any is set; otherwise the project-local cluster in
 * $GOVREACH_VAR/pg, started on demand through scripts/pgembed.sh. */
#ifndef GR_DB_H
#define GR_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "gr_err.h"

/* On failure *out is NULL, err names the host or socket tried, and the code
 * is GR_EUNAVAIL. The caller owns the connection (PQfinish). */
enum gr_rc gr_db_connect(const char *conninfo, PGconn **out, char *err, size_t errlen);

/* The conninfo of the embedded cluster (static buffer). */
const char *gr_db_embedded_conninfo(void);

/* Runs one statement without parameters and checks its status (COMMAND_OK or
 * TUPLES_OK). On failure writes the server's message into err. */
/* A deadline on every gr_db_execp() wait (ms; 0 = none, the default): no
 * answer in time is GR_EUNAVAIL ("no answer from PostgreSQL within ...").
 * Connections are made with connect_timeout 10 s, TCP keepalives and a TCP
 * user timeout of 30 s whatever the deadline (the conninfo may override). */
void gr_db_set_timeout(int ms);
/* The batch stages' deadline (loader, scorer): above the longest statement
 * at 100x report scale (about a minute), below a night, so a stalled server
 * cannot hold the nightly lock into the next run. */
#define GR_DB_STAGE_DEADLINE_MS (15 * 60 * 1000)
enum gr_rc gr_db_exec(PGconn *conn, const char *sql, char *err, size_t errlen);

/* Runs one parameterised statement (text parameters, NULL = SQL NULL). On
 * success *res holds the result (caller PQclear()s), else NULL and err. */
enum gr_rc gr_db_execp(PGconn *conn, const char *sql, int nparams, const char *const *params,
                       PGresult **res, char *err, size_t errlen);

/* Maps a failed connection or result to GR_EUNAVAIL (connection lost),
 * GR_ETEMP (serialization failure, deadlock, admin shutdown) or GR_EDATA. */
enum gr_rc gr_db_classify(PGconn *conn, const PGresult *res);

/* COPY FROM STDIN under the same deadline as every other wait: begin (the
 * connection is then non-blocking until the end), put chunks, end (failure
 * non-NULL aborts the COPY with that message). gr_db_copy_end() leaves the
 * final result in *res (caller PQclear()s) whatever the outcome. */
enum gr_rc gr_db_copy_begin(PGconn *conn, const char *sql, char *err, size_t errlen);
enum gr_rc gr_db_copy_put(PGconn *conn, const char *data, size_t n, char *err, size_t errlen);
enum gr_rc gr_db_copy_end(PGconn *conn, const char *failure, PGresult **res, char *err, size_t errlen);

/* ROLLBACK, bounded by the deadline, errors ignored (the caller already has one). */
void gr_db_rollback(PGconn *conn);

#endif
