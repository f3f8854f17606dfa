/* loader load: parser output (COPY text TSV with a header) into obs.*.
 *
 * Per file, in one transaction: COPY the rows into a temporary staging
 * table that has the obs table's types and CHECK constraints (so a bad value
 * fails with its line and column), then INSERT ... SELECT ... ON CONFLICT DO
 * NOTHING into the obs table: the first row stored for a key wins, later
 * duplicates, within the file or across files, are skipped. That staging is
 * the slow path: first the file is COPYed straight into the obs table (see
 * load_one). obs.* is partitioned by month (schema/012): both paths create,
 * in the load's transaction, the partitions of months the file has and the
 * database has not. With DO NOTHING,
 * duplicate keys inside one statement are legal, so no DISTINCT ON sort is
 * needed. Then the file's SHA-256 is claimed in meta.load_ledger, in the same
 * transaction: a file already there is skipped (its rows rolled back). The
 * digest is computed from the bytes the COPY sends, so hashing the file does
 * not hold up its load. Nothing from a failing file is committed. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_progress.h"
#include "gr_util.h"
#include "loader.h"

#define CHUNK (256u << 10)
#define MAX_HEADER 65536
#define MAX_NEW_MONTHS 24 /* fast-path retries for months without a partition; then staged */
/* Finishes a SHA-256 digest into 64 lowercase hex digits. */
static bool sha256_hex(EVP_MD_CTX *ctx, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen < 32)
        return false;
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    hex[64] = '\0';
    return true;
}

enum gr_rc loader_sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    EVP_MD_CTX *ctx;
    static unsigned char buf[CHUNK];
    size_t n;
    enum gr_rc rc = GR_OK;

    if (!f) {
        gr_error("cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        rc = GR_ENOMEM;
        goto out;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(ctx, buf, n);
    if (ferror(f)) {
        gr_error("cannot read %s: %s", path, strerror(errno));
        rc = GR_EIO;
        goto out;
    }
    if (!sha256_hex(ctx, hex))
        rc = GR_EINTERNAL;
out:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return rc;
}

/* The record type of "<anything>.<record_type>.tsv", copied into out. */
static bool record_type_of(const char *path, char *out, size_t outlen)
{
    const char *base = strrchr(path, '/');
    size_t n;
    const char *end, *dot;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n < 5 || strcmp(base + n - 4, ".tsv") != 0)
        return false;
    end = base + n - 4;
    dot = end;
    while (dot > base && dot[-1] != '.')
        dot--;
    if (dot == base || (size_t)(end - dot) >= outlen || end == dot)
        return false;
    for (const char *p = dot; p < end; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9')))
            return false;
    memcpy(out, dot, (size_t)(end - dot));
    out[end - dot] = '\0';
    return true;
}

static void copy_error(const char *path, const PGresult *res, PGconn *conn)
{
    const char *prim = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *ctx = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
    long line = 0;
    char column[128] = "";
    const char *p;

    if (!prim)
        prim = PQerrorMessage(conn);
    if (ctx && (p = strstr(ctx, ", line "))) {
        line = strtol(p + 7, NULL, 10) + 1;
        if ((p = strstr(p, ", column "))) {
            size_t n = 0;
            p += 9;
            while (p[n] && p[n] != ':' && n + 1 < sizeof column)
                n++;
            memcpy(column, p, n);
            column[n] = '\0';
        }
    }
    if (line && *column)
        gr_error("unable to load %s line %ld column %s: %s", path, line, column, prim);
    else if (line)
        gr_error("unable to load %s line %ld: %s", path, line, prim);
    else
        gr_error("unable to load %s: %s", path, prim);
}

/* True when a failed fast-path COPY is retried through the staging table:
 * a key already stored (23505), or a CHECK violation (23514), which is also
 * what PostgreSQL reports for a row whose month has no obs partition yet. A
 * real CHECK violation fails again in the staging table, which has the same
 * constraints, and is reported there with its line and column. */
static bool retry_on(const PGresult *res)
{
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return st && (!strcmp(st, "23505") || !strcmp(st, "23514"));
}

/* True when a failed COPY was refused because no partition holds the row:
 * 23514 with the detail "Partition key of the failing row contains
 * (fetched_at) = (VALUE)."; VALUE (the row's fetch time) is copied to out. */
static bool missing_partition(const PGresult *res, char *out, size_t outlen)
{
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *d = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *p, *e;

    if (!st || strcmp(st, "23514") != 0 || !d || !(p = strstr(d, "(fetched_at) = (")))
        return false;
    p += strlen("(fetched_at) = (");
    if (!(e = strchr(p, ')')) || (size_t)(e - p) >= outlen || e == p)
        return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
    return true;
}

/* The file's SHA-256, computed from the bytes a COPY streams (done: hex
 * holds it), or by loader_sha256_file() when no COPY read the whole file. */
struct file_digest {
    EVP_MD_CTX *ctx;
    bool done;
    char hex[65];
};

static bool digest_start(struct file_digest *d, const char *path, FILE *f, long data_start)
{
    static char head[MAX_HEADER];

    if (!d->ctx && !(d->ctx = EVP_MD_CTX_new()))
        return false;
    if (!EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) || data_start < 0 || data_start > (long)sizeof head ||
        fseek(f, 0, SEEK_SET) != 0 || fread(head, 1, (size_t)data_start, f) != (size_t)data_start) {
        gr_debug("%s: digest left for a pass of its own", path);
        return false;
    }
    EVP_DigestUpdate(d->ctx, head, (size_t)data_start);
    return true;
}

static void digest_end(struct file_digest *d)
{
    d->done = sha256_hex(d->ctx, d->hex);
}

static enum gr_rc digest_need(struct file_digest *d, const char *path)
{
    enum gr_rc rc = GR_OK;

    if (!d->done && !(rc = loader_sha256_file(path, d->hex)))
        d->done = true;
    return rc;
}

/* Streams the file from data_start into an open COPY command. On a COPY
 * error, the error is logged with file, line and column (with quiet_retry,
 * not when retry_on() it), and *res keeps the failed result for the caller
 * to inspect (caller PQclear()s). */
static enum gr_rc copy_stream(PGconn *conn, const char *path, FILE *f, long data_start, const char *sql,
                              bool quiet_retry, long long *rows, PGresult **resp, struct file_digest *d)
{
    static char chunk[CHUNK];
    char err[1024];
    PGresult *res = NULL;
    size_t n;
    enum gr_rc rc = GR_OK;
    bool hash = d && !d->done;

    *resp = NULL;
    /* The digest covers the header line too: read from the start. */
    if (hash && !digest_start(d, path, f, data_start))
        hash = false;
    if (fseek(f, data_start, SEEK_SET) != 0) {
        gr_error("cannot read %s: %s", path, strerror(errno));
        return GR_EIO;
    }
    rc = gr_db_copy_begin(conn, sql, err, sizeof err);
    if (rc) {
        gr_error("unable to load %s: %s", path, err);
        return rc;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (hash)
            EVP_DigestUpdate(d->ctx, chunk, n);
        if ((rc = gr_db_copy_put(conn, chunk, n, err, sizeof err)))
            break;
    }
    if (hash && !rc && !ferror(f))
        digest_end(d);
    if (ferror(f) || rc) {
        if (ferror(f))
            gr_error("cannot read %s: %s", path, strerror(errno));
        else
            gr_error("unable to load %s: %s", path, err);
        if (rc != GR_EUNAVAIL) {
            (void)gr_db_copy_end(conn, "read error", &res, err, sizeof err);
            PQclear(res);
        }
        return rc ? rc : GR_EIO;
    }
    rc = gr_db_copy_end(conn, NULL, &res, err, sizeof err);
    if (rc) {
        if (rc == GR_EINTERNAL)
            rc = GR_EDATA;
        if (!res)
            gr_error("unable to load %s: %s", path, err);
        else if (rc == GR_EDATA && !(quiet_retry && retry_on(res)))
            copy_error(path, res, conn);
        else if (rc != GR_EDATA)
            gr_error("unable to load %s: %s", path, err);
        *resp = res;
        return rc;
    }
    *rows = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return GR_OK;
}

/* Claims the file's SHA-256 in the ledger with its counts, inside the load's
 * transaction (params: sha256, file name, record type, rows read, rows new).
 * *skipped: the ledger already had it, from an earlier load, or from a
 * concurrent loader of the same file, which this one waited for on the key
 * (the caller then rolls its rows back). */
static enum gr_rc claim(PGconn *conn, const char *const *params, bool *skipped, char *err, size_t errlen)
{
    PGresult *res = NULL;
    enum gr_rc rc = gr_db_execp(conn,
                                "INSERT INTO meta.load_ledger (sha256, file_name, record_type, rows_read, rows_new)"
                                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING 1",
                                5, params, &res, err, errlen);

    if (!rc)
        *skipped = PQntuples(res) == 0;
    PQclear(res);
    return rc;
}

/* Outside a transaction: *yes when the ledger has the SHA-256. */
static enum gr_rc in_ledger(PGconn *conn, const char *hex, bool *yes, char *err, size_t errlen)
{
    PGresult *res = NULL;
    const char *params[] = { hex };
    enum gr_rc rc = gr_db_execp(conn, "SELECT 1 FROM meta.load_ledger WHERE sha256 = $1", 1, params, &res, err, errlen);

    if (!rc)
        *yes = PQntuples(res) > 0;
    PQclear(res);
    return rc;
}

/* Loads one file. *skipped is set when the ledger already had it. */
static enum gr_rc load_one(PGconn *conn, const char *path, bool *skipped,
                           long long *rows_read, long long *rows_new)
{
    char type[64], err[2048], sql[4096], rr[32], rn[32];
    const char *params[5];
    struct file_digest dg = { NULL, false, "" };
    PGresult *res = NULL;
    FILE *f = NULL;
    char *header = NULL, *cols = NULL, *ident = NULL, *keys = NULL;
    enum gr_rc rc;
    bool in_tx = false;
    long data_start;
    char months[MAX_NEW_MONTHS][64];
    int nmonths = 0;

    *skipped = false;
    *rows_read = *rows_new = 0;
    if (!record_type_of(path, type, sizeof type)) {
        gr_error("unable to load %s: the name must end in .<record_type>.tsv", path);
        return GR_EDATA;
    }
    params[0] = type;
    rc = gr_db_execp(conn,
                     "SELECT array_to_string(ARRAY(SELECT quote_ident(k) FROM unnest(r.key_columns) k), ','),"
                     " (SELECT string_agg(c.column_name, E'\\t' ORDER BY c.ordinal_position)"
                     "    FROM information_schema.columns c"
                     "   WHERE c.table_schema = 'obs' AND c.table_name = r.record_type"
                     "     AND c.column_name <> 'loaded_at'),"
                     " (SELECT string_agg(quote_ident(c.column_name), ',' ORDER BY c.ordinal_position)"
                     "    FROM information_schema.columns c"
                     "   WHERE c.table_schema = 'obs' AND c.table_name = r.record_type"
                     "     AND c.column_name <> 'loaded_at'),"
                     " quote_ident(r.record_type)"
                     " FROM meta.record_type r WHERE r.record_type = $1",
                     1, params, &res, err, sizeof err);
    if (rc) {
        gr_error("cannot read the record types (has `loader migrate` run?): %s", err);
        return rc;
    }
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 1)) {
        gr_error("unable to load %s: unknown record type \"%s\"", path, type);
        PQclear(res);
        return GR_EDATA;
    }
    keys = strdup(PQgetvalue(res, 0, 0));
    header = strdup(PQgetvalue(res, 0, 1));
    cols = strdup(PQgetvalue(res, 0, 2));
    ident = strdup(PQgetvalue(res, 0, 3));
    PQclear(res);
    res = NULL;
    if (!keys || !header || !cols || !ident) {
        rc = GR_ENOMEM;
        goto out;
    }

    f = fopen(path, "rb");
    if (!f) {
        gr_error("cannot open %s: %s", path, strerror(errno));
        rc = errno == ENOENT ? GR_ENOINPUT : GR_EIO;
        goto out;
    }
    {
        char line[MAX_HEADER];
        size_t len;
        if (!fgets(line, sizeof line, f)) {
            gr_error("unable to load %s line 1: empty file, expected a header line", path);
            rc = GR_EDATA;
            goto out;
        }
        len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (strcmp(line, header) != 0) {
            gr_error("unable to load %s line 1: the header does not match record type %s; expected \"%s\"",
                     path, type, header);
            rc = GR_EDATA;
            goto out;
        }
        data_start = ftell(f);
    }

    /* Fast path: COPY straight into the obs table, as fast as a plain COPY.
     * A row of a month without a partition aborts it with a CHECK violation
     * naming the row's fetched_at: the month's partition is then created in
     * the retried load transaction and the COPY streamed again (once per
     * missing month, up to MAX_NEW_MONTHS). A key already stored (an
     * overlapping file) aborts it with a unique violation; then the slow path
     * stages the rows, creates any missing months' partitions and skips the
     * duplicates. The first COPY also computes the file's digest. */
    for (;;) {
        char month[64];
        rc = gr_db_exec(conn, "BEGIN", err, sizeof err);
        in_tx = rc == GR_OK;
        if (rc)
            goto dberr;
        for (int i = 0; i < nmonths; i++) {
            const char *mp[] = { type, months[i] };
            rc = gr_db_execp(conn, "SELECT meta.obs_ensure_partition($1, ($2::timestamptz AT TIME ZONE 'UTC')::date)",
                             2, mp, &res, err, sizeof err);
            PQclear(res);
            res = NULL;
            if (rc)
                goto dberr;
        }
        snprintf(sql, sizeof sql, "COPY obs.%s (%s) FROM STDIN", ident, cols);
        rc = copy_stream(conn, path, f, data_start, sql, true, rows_read, &res, &dg);
        if (!(rc == GR_EDATA && nmonths < MAX_NEW_MONTHS && missing_partition(res, month, sizeof month)))
            break;
        gr_debug("%s: no obs.%s partition for a row fetched at %s; creating it", path, type, month);
        snprintf(months[nmonths++], sizeof months[0], "%s", month);
        PQclear(res);
        res = NULL;
        gr_db_rollback(conn);
        in_tx = false;
    }
    if (nmonths && !rc)
        gr_info("%s: created %d obs.%s partition(s) for its months", path, nmonths, type);
    if (rc == GR_EDATA && retry_on(res)) {
        PQclear(res);
        res = NULL;
        /* The transaction is aborted. Keys already stored: the file itself
         * may be in the ledger (loaded before: skipped, as a rerun should
         * be); else start again, staged this time. */
        gr_db_rollback(conn);
        in_tx = false;
        if ((rc = digest_need(&dg, path)))
            goto out;
        if ((rc = in_ledger(conn, dg.hex, skipped, err, sizeof err)))
            goto dberr;
        if (*skipped)
            goto out;
        gr_debug("%s: keys already stored, loading through a staging table", path);
        rc = gr_db_exec(conn, "BEGIN", err, sizeof err);
        in_tx = rc == GR_OK;
        if (rc)
            goto dberr;
        snprintf(sql, sizeof sql,
                 "CREATE TEMP TABLE gr_stage (LIKE obs.%s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) ON COMMIT DROP",
                 ident);
        rc = gr_db_exec(conn, sql, err, sizeof err);
        if (rc)
            goto dberr;
        snprintf(sql, sizeof sql, "COPY gr_stage (%s) FROM STDIN", cols);
        rc = copy_stream(conn, path, f, data_start, sql, false, rows_read, &res, NULL);
        if (rc)
            goto out;
        /* Partitions for the file's months, created in this transaction: a
         * failed load leaves none behind, a concurrent loader waits for it. */
        params[0] = type;
        rc = gr_db_execp(conn,
                         "SELECT count(*) FILTER (WHERE meta.obs_ensure_partition($1, m)) FROM"
                         " (SELECT DISTINCT date_trunc('month', fetched_at AT TIME ZONE 'UTC')::date AS m"
                         "    FROM gr_stage) x",
                         1, params, &res, err, sizeof err);
        if (rc)
            goto dberr;
        if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
            gr_info("%s: created %s obs.%s partition(s) for its months", path, PQgetvalue(res, 0, 0), type);
        PQclear(res);
        res = NULL;
        snprintf(sql, sizeof sql, "INSERT INTO obs.%s (%s) SELECT %s FROM gr_stage ON CONFLICT (%s) DO NOTHING",
                 ident, cols, cols, keys);
        rc = gr_db_execp(conn, sql, 0, NULL, &res, err, sizeof err);
        if (rc) {
            if (rc == GR_EINTERNAL)
                rc = GR_EDATA;
            goto dberr;
        }
        *rows_new = strtoll(PQcmdTuples(res), NULL, 10);
        PQclear(res);
        res = NULL;
    } else if (rc) {
        goto out;
    } else {
        *rows_new = *rows_read;
    }
    if ((rc = digest_need(&dg, path)))
        goto out;
    snprintf(rr, sizeof rr, "%lld", *rows_read);
    snprintf(rn, sizeof rn, "%lld", *rows_new);
    params[0] = dg.hex;
    params[1] = path;
    params[2] = type;
    params[3] = rr;
    params[4] = rn;
    if ((rc = claim(conn, params, skipped, err, sizeof err)))
        goto dberr;
    if (*skipped) {
        *rows_read = *rows_new = 0;
        goto out; /* its rows rolled back below */
    }
    /* Discovery pages feed the registry in the same transaction: the rows
     * just stored (loader_candidates.c) are folded into src.discovered_* and
     * classified, so a file is in both or in neither. */
    if (!strcmp(type, "discovered_account") && (rc = loader_candidates_absorb(conn, path)))
        goto out;
    rc = gr_db_exec(conn, "COMMIT", err, sizeof err);
    if (rc)
        goto dberr;
    in_tx = false;
    goto out;

dberr:
    gr_error("unable to load %s: %s", path, err);
out:
    PQclear(res);
    if (in_tx)
        gr_db_rollback(conn);
    if (f)
        fclose(f);
    EVP_MD_CTX_free(dg.ctx);
    free(keys);
    free(header);
    free(cols);
    free(ident);
    return rc;
}

/* Moves a file that failed to load into dir and records why (issue 13: a
 * bad file never blocks the good ones). */
static enum gr_rc quarantine(PGconn *conn, const char *dir, const char *path, const char *why)
{
    const char *base = strrchr(path, '/');
    char to[4096], hex[65], err[1024];
    const char *params[4];
    PGresult *res = NULL;
    bool moved = false;
    enum gr_rc rc;

    base = base ? base + 1 : path;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        gr_warn("cannot create %s: %s", dir, strerror(errno));
    if (loader_sha256_file(path, hex) != GR_OK)
        hex[0] = '\0';
    for (int i = 0; i < 1000 && !moved; i++) {
        if ((size_t)(i ? snprintf(to, sizeof to, "%s/%s.%d", dir, base, i) : snprintf(to, sizeof to, "%s/%s", dir, base)) >=
            sizeof to)
            break;
        if (access(to, F_OK) == 0)
            continue;
        if (rename(path, to) != 0) {
            gr_warn("cannot move %s to %s: %s", path, to, strerror(errno));
            break;
        }
        moved = true;
    }
    params[0] = path;
    params[1] = moved ? to : NULL;
    params[2] = hex[0] ? hex : NULL;
    params[3] = why && *why ? why : "failed to load";
    rc = gr_db_execp(conn, "INSERT INTO meta.load_quarantine (file, moved_to, sha256, error) VALUES ($1, $2, $3, $4)",
                     4, params, &res, err, sizeof err);
    PQclear(res);
    if (rc) {
        gr_error("cannot record the quarantined file %s: %s", path, err);
        return rc;
    }
    gr_warn("%s quarantined%s%s: %s", path, moved ? " to " : "", moved ? to : "", params[3]);
    return GR_OK;
}

enum gr_rc loader_load(PGconn *conn, const struct loader_opts *o, char *const *files, int nfiles)
{
    struct gr_progress prog;
    long long total_new = 0, total_read = 0;
    int loaded = 0, skipped_n = 0, quarantined = 0;
    enum gr_rc rc = GR_OK;

    (void)o;
    gr_progress_start(&prog, "files", (uint64_t)nfiles, 0);
    for (int i = 0; i < nfiles; i++) {
        bool skipped;
        long long rr, rn;
        rc = load_one(conn, files[i], &skipped, &rr, &rn);
        if ((rc == GR_EDATA || rc == GR_ELIMIT) && o->quarantine_dir && PQstatus(conn) == CONNECTION_OK) {
            char why[4096];
            snprintf(why, sizeof why, "%s", gr_log_last_error());
            rc = quarantine(conn, o->quarantine_dir, files[i], why);
            if (rc)
                break;
            quarantined++;
            continue;
        }
        if (rc)
            break;
        if (skipped) {
            skipped_n++;
            gr_info("%s: already loaded (same SHA-256), nothing to do", files[i]);
        } else {
            loaded++;
            total_read += rr;
            total_new += rn;
            gr_info("%s: %lld rows, %lld new, %lld already stored", files[i], rr, rn, rr - rn);
        }
        gr_progress_tick(&prog, (uint64_t)i + 1, 0);
    }
    gr_progress_end(&prog);
    gr_notice("loaded %d file(s) (%lld rows, %lld new), %d already loaded%s", loaded, total_read, total_new,
              skipped_n, rc ? ", stopped at the first failing file" : "");
    if (quarantined)
        gr_notice("%d file(s) quarantined in %s (see meta.load_quarantine)", quarantined, o->quarantine_dir);
    return !rc && quarantined ? GR_EPARTIAL : rc;
}
