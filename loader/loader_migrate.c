/* loader migrate: schema/NNN_name.sql applied in order, each in its own
 * transaction, recorded in meta.migrations. A session advisory lock keeps two
 * concurrent migrations from interleaving. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_util.h"
#include "loader.h"

#define MIGRATE_LOCK_KEY "7243001"
#define MAX_MIGRATION_BYTES (16u << 20)

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_migration(const char *name)
{
    size_t n = strlen(name);
    return n > 8 && isdigit((unsigned char)name[0]) && isdigit((unsigned char)name[1]) &&
           isdigit((unsigned char)name[2]) && name[3] == '_' && strcmp(name + n - 4, ".sql") == 0;
}

/* The months ahead get their obs.* partitions now, so that a night's COPY
 * normally finds its month in place (loader load creates a missing one in its
 * own transaction). The current month is the database server's. */
static enum gr_rc ensure_partitions_ahead(PGconn *conn, int ahead)
{
    char err[1024], n[16];
    const char *params[1];
    PGresult *res = NULL;
    enum gr_rc rc;

    snprintf(n, sizeof n, "%d", ahead);
    params[0] = n;
    rc = gr_db_execp(conn, "SELECT to_regprocedure('meta.obs_ensure_partitions(date,date)') IS NOT NULL", 0, NULL,
                     &res, err, sizeof err);
    if (!rc && strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        PQclear(res); /* a schema older than 012 (loader migrate --schema DIR) */
        return GR_OK;
    }
    PQclear(res);
    res = NULL;
    if (!rc)
        rc = gr_db_execp(conn,
                         "SELECT meta.obs_ensure_partitions(current_date,"
                         " (date_trunc('month', current_date) + make_interval(months => $1::int))::date)",
                         1, params, &res, err, sizeof err);
    if (rc) {
        gr_error("cannot create the obs partitions of the next %s month(s): %s", n, err);
        return rc;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
        gr_info("created %s obs partition(s) for the current month and %s month(s) ahead", PQgetvalue(res, 0, 0),
                n);
    PQclear(res);
    return GR_OK;
}

enum gr_rc loader_migrate(PGconn *conn, const struct loader_opts *o, int *applied)
{
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    char err[1024];
    enum gr_rc rc;
    struct gr_buf sql;

    *applied = 0;
    gr_buf_init(&sql, MAX_MIGRATION_BYTES);
    rc = gr_db_exec(conn,
                    "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ");"
                    "CREATE SCHEMA IF NOT EXISTS meta;"
                    "CREATE TABLE IF NOT EXISTS meta.migrations ("
                    " version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now());"
                    "COMMENT ON TABLE meta.migrations IS 'Schema migrations applied by loader migrate.';"
                    "COMMENT ON COLUMN meta.migrations.version IS 'NNN of schema/NNN_name.sql.';"
                    "COMMENT ON COLUMN meta.migrations.name IS 'File name of the migration.';"
                    "COMMENT ON COLUMN meta.migrations.sha256 IS 'SHA-256 of the file when applied.';"
                    "COMMENT ON COLUMN meta.migrations.applied_at IS 'When it was applied.';",
                    err, sizeof err);
    if (rc) {
        gr_error("cannot prepare the migrations table: %s", err);
        goto out;
    }
    d = opendir(o->schema_dir);
    if (!d) {
        gr_error("cannot open the schema directory %s: %s", o->schema_dir, strerror(errno));
        rc = GR_ENOINPUT;
        goto out;
    }
    while ((de = readdir(d))) {
        if (!is_migration(de->d_name))
            continue;
        {
            char **p = gr_grow(names, n, &cap, sizeof *p, 16);
            if (!p) {
                rc = GR_ENOMEM;
                goto out;
            }
            names = p;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = GR_ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, cmp_str);

    for (size_t i = 0; i < n; i++) {
        char path[4096], hex[65], version[8];
        const char *params[3];
        PGresult *res = NULL;

        memcpy(version, names[i], 3);
        version[3] = '\0';
        snprintf(path, sizeof path, "%s/%s", o->schema_dir, names[i]);
        rc = loader_sha256_file(path, hex);
        if (rc)
            goto out;
        params[0] = version;
        rc = gr_db_execp(conn, "SELECT name, sha256 FROM meta.migrations WHERE version = $1::int", 1, params,
                         &res, err, sizeof err);
        if (rc) {
            gr_error("cannot read meta.migrations: %s", err);
            goto out;
        }
        if (PQntuples(res) == 1) {
            if (strcmp(PQgetvalue(res, 0, 1), hex) != 0)
                gr_warn("migration %s changed since it was applied (as %s); not reapplied", names[i],
                        PQgetvalue(res, 0, 0));
            PQclear(res);
            continue;
        }
        PQclear(res);
        gr_buf_reset(&sql);
        rc = gr_buf_read_file(&sql, path);
        if (rc)
            goto out;
        if (!gr_utf8_valid(sql.data, sql.len)) {
            gr_error("%s: not valid UTF-8", path);
            rc = GR_EDATA;
            goto out;
        }
        rc = gr_db_exec(conn, "BEGIN", err, sizeof err);
        if (!rc)
            rc = gr_db_exec(conn, sql.data, err, sizeof err);
        if (rc && strstr(err, "pg_authid_rolname_index")) {
            /* Roles are the cluster's, not the database's: a migration of
             * another database of the cluster created the same role (001's
             * research) between this one's check and its CREATE ROLE. It
             * exists now; the migration's check sees it the second time. */
            gr_debug("migration %s: role created concurrently by another database's migration; again", names[i]);
            gr_db_rollback(conn);
            rc = gr_db_exec(conn, "BEGIN", err, sizeof err);
            if (!rc)
                rc = gr_db_exec(conn, sql.data, err, sizeof err);
        }
        if (rc) {
            gr_error("migration %s failed: %s", names[i], err);
            gr_db_rollback(conn);
            goto out;
        }
        params[1] = names[i];
        params[2] = hex;
        rc = gr_db_execp(conn, "INSERT INTO meta.migrations (version, name, sha256) VALUES ($1::int, $2, $3)",
                         3, params, &res, err, sizeof err);
        PQclear(res);
        if (!rc)
            rc = gr_db_exec(conn, "COMMIT", err, sizeof err);
        if (rc) {
            gr_error("cannot record migration %s: %s", names[i], err);
            gr_db_rollback(conn);
            goto out;
        }
        gr_info("applied migration %s", names[i]);
        (*applied)++;
    }
    rc = ensure_partitions_ahead(conn, o->partitions_ahead);
out:
    { char e2[256]; (void)gr_db_exec(conn, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", e2, sizeof e2); }
    if (d)
        closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    gr_buf_free(&sql);
    return rc;
}
