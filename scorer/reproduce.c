/* `scorer reproduce DIR [--run N]`: a stored run against the report's tables.
 *
 * Reads the report's table TSVs in DIR (the files `scorer check-report`
 * reads, with its reader) and the run's rows of the same tables (the queries
 * of the report.* functions of schema/008_periods.sql, keyed by run id so an
 * older run can be named), matches rows by name and prints every difference
 * as TSV:
 *
 *   table  row  column  printed  computed  size  status
 *
 * status is "differs" (a failure) or "documented: REASON" when the difference
 * is one the documented-differences files name: the report's own errors
 * (tests/data/report/expected_violations.tsv: kind table row name column) and
 * the calibrated scenario's contradictions (the `doc` lines of
 * simweb/report_2014.tsv: doc table name column printed scenario reason;
 * name and column may be "*"). A row of a printed table that the run does not
 * have is column "row", printed "present", computed "absent"; a run row ranked
 * inside a printed top list that the report does not name is column "extra
 * row", printed "absent", computed "present". 表2.7's rows are matched by
 * account (each account is there once), 表4.1's by store and app.
 * Which period each table is of is the periods file's (conf/report/periods_2014.tsv,
 * read by periods_load): a table on its `month` line, or on no line, is compared
 * with the compared run; a table on another line with the latest run of that
 * period under the compared run's methodology (the compared run when there is
 * none). Then one summary line per table ("表2.1: 20/20 rows within 0.01 (run N)";
 * a table on no line says so). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_db.h"
#include "gr_util.h"
#include "scorer.h"
#include "scorer_int.h"

#define DOC_MAX 4096

struct doc {
    char table[64], name[160], column[32], reason[256];
};

struct docs {
    struct doc *d;
    size_t n;
};

struct col {
    const char *tsv;    /* column of the report's table */
    double tol;         /* < 0: compared as text */
};

struct spec {
    const char *table;  /* file name without .tsv */
    const char *label;  /* 表2.1 */
    const char *sql;    /* $1 = run id; returns rank, key, key2 (or NULL), then the columns */
    struct col cols[6];
    const char *tol_text;
};

#define Q_COMBINED(scope)                                                                                   \
    "SELECT c.rank_scope, w.name, b.name, round(c.wci::numeric, 2), round(c.bci::numeric, 2),"              \
    "       round(c.combined::numeric, 2)"                                                                  \
    "  FROM score.combined c LEFT JOIN score.wci w ON w.run_id = c.run_id AND w.biz = c.biz"                \
    "  LEFT JOIN score.bci b ON b.run_id = c.run_id AND b.account = c.account"                              \
    " WHERE c.run_id = $1 AND c.scope = '" scope "' ORDER BY c.rank_scope"
#define Q_WECHAT(scope)                                                                                     \
    "SELECT rank_scope, name, NULL, round(read_index::numeric, 2), round(like_index::numeric, 2),"           \
    "       round(wci::numeric, 2) FROM score.wci WHERE run_id = $1 AND scope = '" scope "' ORDER BY rank_scope"
#define Q_SUB(list)                                                                                         \
    "SELECT row_number() OVER (ORDER BY s.wci DESC, s.biz), w.name, NULL, round(s.read_col::numeric, 2),"  \
    "       round(s.like_col::numeric, 2), round(s.wci::numeric, 2)"                                        \
    "  FROM score.wci_sub s JOIN score.wci w ON w.run_id = s.run_id AND w.biz = s.biz"                      \
    "  JOIN score.sublist_category c ON c.function = s.function AND c.sublist = '" list "'"                \
    " WHERE s.run_id = $1 ORDER BY s.wci DESC, s.biz"
#define Q_WEIBO(scope)                                                                                      \
    "SELECT rank_scope, name, NULL, followers, round(coverage::numeric, 2), round(activity::numeric, 2),"    \
    "       round(interaction::numeric, 2), round(propagation::numeric, 2), round(bci::numeric, 2)"         \
    "  FROM score.bci WHERE run_id = $1 AND scope = '" scope "' ORDER BY rank_scope"

static const struct spec specs[] = {
    { "t1_2_central_combined", "表1.2", Q_COMBINED("central"),
      { { "wci", 0.01 }, { "bci", 0.015 }, { "combined", 0.015 } }, "0.01 (WCI), 0.015 (BCI, combined)" },
    { "t1_3_local_combined", "表1.3", Q_COMBINED("local"),
      { { "wci", 0.01 }, { "bci", 0.015 }, { "combined", 0.015 } }, "0.01 (WCI), 0.015 (BCI, combined)" },
    { "t2_1_central_wechat", "表2.1", Q_WECHAT("central"),
      { { "read_index", 0.01 }, { "like_index", 0.01 }, { "wci", 0.01 } }, "0.01" },
    { "t2_2_local_wechat", "表2.2", Q_WECHAT("local"),
      { { "read_index", 0.01 }, { "like_index", 0.01 }, { "wci", 0.01 } }, "0.01" },
    { "t2_3_party_publicity_wechat", "表2.3", Q_SUB("party_publicity"),
      { { "read_col", 0.07 }, { "like_col", 0.07 }, { "wci", 0.07 } }, "0.07" },
    { "t2_4_police_traffic_wechat", "表2.4", Q_SUB("police_traffic"),
      { { "read_col", 0.07 }, { "like_col", 0.07 }, { "wci", 0.07 } }, "0.07" },
    { "t2_5_judicial_wechat", "表2.5", Q_SUB("judicial"),
      { { "read_col", 0.07 }, { "like_col", 0.07 }, { "wci", 0.07 } }, "0.07" },
    { "t2_6_health_wechat", "表2.6", Q_SUB("health"),
      { { "read_col", 0.07 }, { "like_col", 0.07 }, { "wci", 0.07 } }, "0.07" },
    { "t2_7_hot_articles", "表2.7",
      "SELECT h.rank, h.account_name, NULL, h.title,"
      "       to_char(h.published_at AT TIME ZONE coalesce(r.params_effective ->> 'period_timezone', 'Asia/Shanghai'),"
      "               'YYYY-MM-DD HH24:MI:SS'),"
      "       report.reads_shown(h.read_capped, h.read_raw, h.reads), h.likes"
      "  FROM score.hot_article h JOIN score.run r USING (run_id) WHERE h.run_id = $1 ORDER BY h.rank",
      { { "title", -1 }, { "published_at", -1 }, { "reads_raw", -1 }, { "likes", 0 } }, "exact" },
    { "t3_1_central_weibo", "表3.1", Q_WEIBO("central"),
      { { "followers", 0 }, { "coverage", 0.015 }, { "activity", 0.015 }, { "interaction", 0.015 },
        { "propagation", 0.015 }, { "bci", 0.015 } }, "0.015 (followers exact)" },
    { "t3_2_local_weibo", "表3.2", Q_WEIBO("local"),
      { { "followers", 0 }, { "coverage", 0.015 }, { "activity", 0.015 }, { "interaction", 0.015 },
        { "propagation", 0.015 }, { "bci", 0.015 } }, "0.015 (followers exact)" },
    { "t4_1_app_store_top10", "表4.1",
      "WITH p AS (SELECT coalesce((params_effective ->> 'apps_top_n')::integer, 10) AS n FROM score.run WHERE run_id = $1)"
      " SELECT x.rank, x.store || ' ' || x.app, NULL, x.downloads FROM ("
      "  SELECT CASE l.store WHEN 'yyb' THEN 'qq' ELSE l.store END AS store, l.rank_store AS rank,"
      "         l.app_name AS app, l.downloads, 1 AS blk"
      "    FROM score.app_listing l WHERE l.run_id = $1 AND l.rank_store IS NOT NULL"
      "  UNION ALL SELECT 'total', t.rank, t.name, t.downloads, 2 FROM score.app_total t WHERE t.run_id = $1"
      " ) x, p WHERE x.rank <= p.n ORDER BY x.blk, x.store, x.rank",
      { { "downloads", 0 } }, "exact" },
};

#define NSPECS (sizeof specs / sizeof specs[0])

static void copy(char *dst, size_t n, const char *s) { snprintf(dst, n, "%s", s ? s : ""); }

/* ---------------------------------------------------------------- periods */

/* Each table's period, from the periods file. */
struct periods {
    char period[NSPECS][24];    /* the period's name (scorer_period label); "" = the compared run */
    int line[NSPECS];           /* the file's line naming the table; 0 = none */
};

static int tsv_col(const struct tsv *t, const char *name);
static const char *tsv_cell(const struct tsv *t, int row, int col);

/* Reads the periods file: a header naming key, period, label and tables, then
 * one line per period. key `month` is the compared run's period; every other
 * period must be one `scorer run --period` takes; tables are the specs'
 * labels, comma-separated, each on one line at most. Errors name path:line
 * (GR_EDATA). */
static enum gr_rc periods_load(struct periods *pd, const char *path, char *err, size_t errlen)
{
    struct tsv t;
    enum gr_rc rc;
    int ck, cp, ct, cl;

    memset(pd, 0, sizeof *pd);
    if ((rc = scorer__tsv_read(&t, path, true, err, errlen)))
        goto out;
    ck = tsv_col(&t, "key");
    cp = tsv_col(&t, "period");
    cl = tsv_col(&t, "label");
    ct = tsv_col(&t, "tables");
    if (ck < 0 || cp < 0 || cl < 0 || ct < 0) {
        snprintf(err, errlen, "%s: the header must name the columns key, period, label and tables", path);
        rc = GR_EDATA;
        goto out;
    }
    for (int r = 0; r < t.rows && !rc; r++) {
        const char *key = tsv_cell(&t, r, ck), *period = tsv_cell(&t, r, cp);
        char tables[512], *save = NULL;
        struct scorer_period p;
        int line = t.lines[r], n = 0;

        if (!*key) {
            snprintf(err, errlen, "%s:%d: empty key", path, line);
            rc = GR_EDATA;
            break;
        }
        for (int q = 0; q < r; q++)
            if (strcmp(tsv_cell(&t, q, ck), key) == 0) {
                snprintf(err, errlen, "%s:%d: key \"%s\" is on line %d already", path, line, key, t.lines[q]);
                rc = GR_EDATA;
            }
        if (!rc && !scorer_period_parse(period, &p)) {
            snprintf(err, errlen, "%s:%d: \"%s\" is not a period (2014-10, 2014-W46 or 2014-10-01..2014-10-31)", path,
                     line, period);
            rc = GR_EDATA;
        }
        copy(tables, sizeof tables, tsv_cell(&t, r, ct));
        for (char *tok = strtok_r(tables, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
            size_t i = 0;
            while (i < NSPECS && strcmp(specs[i].label, tok) != 0)
                i++;
            if (i == NSPECS) {
                snprintf(err, errlen, "%s:%d: \"%s\" is not one of the report's tables (表1.2, 表1.3, 表2.1-2.7, "
                         "表3.1, 表3.2, 表4.1)", path, line, tok);
                rc = GR_EDATA;
            } else if (pd->line[i]) {
                snprintf(err, errlen, "%s:%d: %s is on line %d already", path, line, tok, pd->line[i]);
                rc = GR_EDATA;
            } else {
                pd->line[i] = line;
                copy(pd->period[i], sizeof pd->period[i], strcmp(key, "month") == 0 ? "" : p.label);
                n++;
            }
        }
        if (!rc && !n) {
            snprintf(err, errlen, "%s:%d: no tables", path, line);
            rc = GR_EDATA;
        }
    }
out:
    scorer__tsv_free(&t);
    return rc;
}

/* ---------------------------------------------------------------- documented differences */

static enum gr_rc docs_add(struct docs *ds, const char *table, const char *name, const char *column,
                           const char *reason)
{
    if (ds->n % 64 == 0) {
        if (ds->n >= DOC_MAX)
            return GR_ELIMIT;
        struct doc *p = realloc(ds->d, (ds->n + 64) * sizeof *p);
        if (!p)
            return GR_ENOMEM;
        ds->d = p;
    }
    struct doc *d = &ds->d[ds->n++];
    copy(d->table, sizeof d->table, table);
    copy(d->name, sizeof d->name, name);
    copy(d->column, sizeof d->column, column);
    copy(d->reason, sizeof d->reason, reason);
    return GR_OK;
}

/* Reads one documented-differences file: expected_violations.tsv rows
 * (kind table row name column) and `doc` lines (doc table name column printed
 * scenario reason); other lines are ignored. */
static enum gr_rc docs_load(struct docs *ds, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    long lineno = 0;
    enum gr_rc rc = GR_OK;

    if (!f) {
        snprintf(err, errlen, "cannot open the documented differences %s", path);
        return GR_ENOINPUT;
    }
    while (!rc && fgets(line, sizeof line, f)) {
        char *fl[8];
        int nf = 0;
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line || *line == '#')
            continue;
        for (char *p = line; nf < 8;) {
            fl[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        if (strcmp(fl[0], "doc") == 0 && nf >= 7) {
            char reason[256];
            snprintf(reason, sizeof reason, "scenario: %s", fl[6]);
            rc = docs_add(ds, fl[1], fl[2], fl[3], reason);
        } else if (nf == 5 && strcmp(fl[0], "kind") != 0) {
            char name[160], reason[128];
            /* 表4.1's total block is its own published figure (a "total" row) */
            snprintf(name, sizeof name, "%s%s", strcmp(fl[0], "total") == 0 ? "total " : "", fl[3]);
            snprintf(reason, sizeof reason, "report error (%s)", fl[0]);
            rc = docs_add(ds, fl[1], name, fl[4], reason);
        }
    }
    if (rc == GR_ELIMIT)
        snprintf(err, errlen, "%s:%ld: more than %d documented differences", path, lineno, DOC_MAX);
    fclose(f);
    return rc;
}

/* Does documented name dn stand for the printed row name rn? Exactly, "*",
 * a prefix followed by a space (a store block of 表4.1), or either account of
 * a combined row "A(B)". */
static bool name_match(const char *dn, const char *rn)
{
    size_t n = strlen(dn);
    const char *paren = strchr(rn, '(');
    if (strcmp(dn, "*") == 0 || strcmp(dn, rn) == 0)
        return true;
    if (strncmp(rn, dn, n) == 0 && (rn[n] == ' ' || rn[n] == '('))
        return true;
    return paren && strncmp(paren + 1, dn, n) == 0 && paren[1 + n] == ')';
}

static const struct doc *docs_find(const struct docs *ds, const char *table, const char *name, const char *column,
                                   bool any_table)
{
    for (size_t i = 0; i < ds->n; i++) {
        const struct doc *d = &ds->d[i];
        if ((any_table || strcmp(d->table, table) == 0) && name_match(d->name, name) &&
            (strcmp(d->column, "*") == 0 || strcmp(d->column, column) == 0))
            return d;
    }
    return NULL;
}

/* The documentation of a difference. In the combined tables a WCI or BCI
 * documented for the account in any table counts, and a combined value
 * follows from a documented WCI or BCI of the same row. */
static const struct doc *documented(const struct docs *ds, const char *table, const char *name, const char *column)
{
    bool comb = strncmp(table, "t1_", 3) == 0;
    const struct doc *d = docs_find(ds, table, name, column, false);
    if (d || !comb)
        return d;
    if (strcmp(column, "combined") == 0)
        return (d = documented(ds, table, name, "wci")) ? d : documented(ds, table, name, "bci");
    if (strcmp(column, "wci") == 0 || strcmp(column, "bci") == 0) {
        char a[160];
        const char *paren = strchr(name, '(');
        copy(a, sizeof a, name);
        if (paren && strcmp(column, "bci") == 0) {
            copy(a, sizeof a, paren + 1);
            a[strcspn(a, ")")] = '\0';
        } else if (paren) {
            a[paren - name] = '\0';
        }
        for (size_t i = 0; i < ds->n; i++)
            if (strncmp(ds->d[i].table, "t1_", 3) != 0 && strcmp(ds->d[i].name, a) == 0 &&
                strcmp(ds->d[i].column, column) == 0)
                return &ds->d[i];
    }
    return NULL;
}

/* ---------------------------------------------------------------- comparison */

struct tally {
    int rows, within, documented_rows, failed_rows;
};

struct out_ctx {
    FILE *out;
    const struct docs *docs;
    size_t failures;
};

/* Prints one difference; true when it is documented. */
static bool diff(struct out_ctx *o, const struct spec *s, const char *row, const char *column, const char *printed,
                 const char *computed, double size, bool has_size)
{
    const struct doc *d = documented(o->docs, s->table, row, column);
    fprintf(o->out, "%s\t%s\t%s\t%s\t%s\t", s->table, row, column, printed, computed);
    if (has_size)
        fprintf(o->out, "%.3f", size);
    if (d) {
        fprintf(o->out, "\tdocumented: %s\n", d->reason);
        return true;
    }
    fputs("\tdiffers\n", o->out);
    o->failures++;
    return false;
}

static const char *tsv_cell(const struct tsv *t, int row, int col)
{
    return col < 0 || row >= t->rows ? "" : t->cells[row * t->ncols + col];
}

static int tsv_col(const struct tsv *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0)
            return i;
    return -1;
}

/* The printed row's name as reproduce keys it (表4.1: "store app"). */
static void row_key(const struct spec *s, const struct tsv *t, int r, char *out, size_t n)
{
    if (strcmp(s->table, "t4_1_app_store_top10") == 0)
        snprintf(out, n, "%s %s", tsv_cell(t, r, tsv_col(t, "store")), tsv_cell(t, r, tsv_col(t, "app")));
    else if (strcmp(s->table, "t2_7_hot_articles") == 0)
        snprintf(out, n, "%s", tsv_cell(t, r, tsv_col(t, "account")));
    else
        snprintf(out, n, "%s", tsv_cell(t, r, tsv_col(t, "name")));
}

/* Does computed row i (key, key2) answer for the printed name? */
static bool row_match(const PGresult *res, int i, const char *name)
{
    const char *k = PQgetvalue(res, i, 1), *k2 = PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2);
    const char *paren = strchr(name, '(');
    if (!paren)
        return strcmp(k, name) == 0 || (k2 && strcmp(k2, name) == 0);
    size_t a = (size_t)(paren - name), b = strlen(paren + 1);
    return strncmp(k, name, a) == 0 && k[a] == '\0' && k2 && b > 0 && strncmp(k2, paren + 1, b - 1) == 0 &&
           k2[b - 1] == '\0';
}

static enum gr_rc compare_table(PGconn *conn, const struct spec *s, const char *dir, const char *run,
                                struct out_ctx *o, struct tally *ty, char *err, size_t errlen)
{
    struct tsv t;
    PGresult *res = NULL;
    const char *params[1] = { run };
    bool *used = NULL;
    enum gr_rc rc;

    memset(ty, 0, sizeof *ty);
    if ((rc = scorer__tsv_load(&t, dir, s->table, err, errlen)))
        goto out;
    if ((rc = gr_db_execp(conn, s->sql, 1, params, &res, err, errlen)))
        goto out;
    if (!(used = calloc((size_t)PQntuples(res) + 1, sizeof *used))) {
        rc = GR_ENOMEM;
        goto out;
    }
    for (int r = 0; r < t.rows; r++) {
        char name[512];
        int found = -1;
        bool bad = false, doc = false;
        row_key(s, &t, r, name, sizeof name);
        for (int i = 0; i < PQntuples(res) && found < 0; i++)
            if (!used[i] && row_match(res, i, name))
                found = i;
        ty->rows++;
        if (found < 0) {
            if (diff(o, s, name, "row", "present", "absent", 0, false))
                doc = true;
            else
                bad = true;
        } else {
            used[found] = true;
            for (int c = 0; c < 6 && s->cols[c].tsv; c++) {
                int tc = tsv_col(&t, s->cols[c].tsv);
                const char *pv = tsv_cell(&t, r, tc), *cv = PQgetvalue(res, found, 3 + c);
                double a, b;
                if (tc < 0) {
                    snprintf(err, errlen, "%s: no column \"%s\"", s->table, s->cols[c].tsv);
                    rc = GR_EDATA;
                    goto out;
                }
                if (s->cols[c].tol < 0 || !gr_parse_double(pv, &a) || !gr_parse_double(cv, &b)) {
                    if (strcmp(pv, cv) == 0)
                        continue;
                    if (diff(o, s, name, s->cols[c].tsv, pv, PQgetisnull(res, found, 3 + c) ? "\\N" : cv, 0, false))
                        doc = true;
                    else
                        bad = true;
                } else if (fabs(a - b) > s->cols[c].tol + 1e-9) {
                    if (diff(o, s, name, s->cols[c].tsv, pv, cv, fabs(a - b), true))
                        doc = true;
                    else
                        bad = true;
                }
            }
        }
        if (bad)
            ty->failed_rows++;
        else if (doc)
            ty->documented_rows++;
        else
            ty->within++;
    }
    /* run rows ranked inside a printed list that the report does not name */
    for (int i = 0; i < PQntuples(res); i++) {
        char name[512];
        long rank = strtol(PQgetvalue(res, i, 0), NULL, 10);
        const char *k = PQgetvalue(res, i, 1);
        int inlist = 0;
        if (used[i])
            continue;
        if (strcmp(s->table, "t4_1_app_store_top10") == 0) {
            for (int r = 0; r < t.rows; r++) {
                const char *st = tsv_cell(&t, r, tsv_col(&t, "store"));
                size_t n = strlen(st);
                inlist += strncmp(k, st, n) == 0 && k[n] == ' ';
            }
        } else {
            inlist = t.rows;
        }
        if (rank > inlist)
            continue;
        if (PQgetisnull(res, i, 2))
            snprintf(name, sizeof name, "%s", k);
        else
            snprintf(name, sizeof name, "%s(%s)", k, PQgetvalue(res, i, 2));
        if (!diff(o, s, name, "extra row", "absent", "present", 0, false))
            ty->failed_rows++;
    }
out:
    free(used);
    PQclear(res);
    scorer__tsv_free(&t);
    return rc;
}

enum gr_rc scorer_reproduce(PGconn *conn, const char *dir, int64_t run_id, const char *periods_path,
                            const char *const *doc_files, FILE *out, size_t *failures, char *err, size_t errlen)
{
    struct periods pd;
    struct docs ds = { NULL, 0 };
    struct out_ctx o = { out, &ds, 0 };
    struct tally ty[NSPECS];
    PGresult *res = NULL;
    char run[32], runs[NSPECS][32];
    enum gr_rc rc = GR_OK;

    if ((rc = periods_load(&pd, periods_path, err, errlen)))
        goto out;
    for (const char *const *f = doc_files; f && *f; f++)
        if ((rc = docs_load(&ds, *f, err, errlen)))
            goto out;
    if (run_id <= 0) {
        if ((rc = gr_db_execp(conn, "SELECT run_id FROM report.run_info()", 0, NULL, &res, err, errlen)))
            goto out;
        if (PQntuples(res) != 1) {
            snprintf(err, errlen, "no final run of the default methodology to compare (report.run_info() is empty)");
            rc = GR_ENOINPUT;
            goto out;
        }
        snprintf(run, sizeof run, "%s", PQgetvalue(res, 0, 0));
    } else {
        const char *p[1] = { run };
        snprintf(run, sizeof run, "%lld", (long long)run_id);
        if ((rc = gr_db_execp(conn, "SELECT 1 FROM score.run WHERE run_id = $1", 1, p, &res, err, errlen)))
            goto out;
        if (PQntuples(res) != 1) {
            snprintf(err, errlen, "no run %s", run);
            rc = GR_ENOINPUT;
            goto out;
        }
    }
    PQclear(res);
    res = NULL;
    for (size_t i = 0; i < NSPECS; i++) {
        const char *p[2] = { pd.period[i], run };
        snprintf(runs[i], sizeof runs[i], "%s", run);
        if (!*pd.period[i])
            continue;
        if ((rc = gr_db_execp(conn,
                              "SELECT coalesce(report.run_of($1, m.name), r.run_id) FROM score.run r"
                              "  JOIN score.methodology m USING (methodology_id) WHERE r.run_id = $2::bigint",
                              2, p, &res, err, errlen)))
            goto out;
        if (PQntuples(res) == 1)
            snprintf(runs[i], sizeof runs[i], "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
        res = NULL;
    }
    fputs("table\trow\tcolumn\tprinted\tcomputed\tsize\tstatus\n", out);
    for (size_t i = 0; i < NSPECS; i++)
        if ((rc = compare_table(conn, &specs[i], dir, runs[i], &o, &ty[i], err, errlen)))
            goto out;
    fprintf(out, "\n");
    for (size_t i = 0; i < NSPECS; i++) {
        fprintf(out, "%s: %d/%d rows within %s", specs[i].label, ty[i].within, ty[i].rows, specs[i].tol_text);
        if (ty[i].documented_rows)
            fprintf(out, ", %d with documented differences", ty[i].documented_rows);
        if (ty[i].failed_rows)
            fprintf(out, ", %d DIFFER", ty[i].failed_rows);
        if (pd.line[i])
            fprintf(out, " (run %s)\n", runs[i]);
        else
            fprintf(out, " (run %s, the compared run: %s gives %s no period)\n", runs[i], periods_path,
                    specs[i].label);
    }
    *failures = o.failures;
out:
    PQclear(res);
    free(ds.d);
    return rc;
}
