/* loader targets DIR: the five target CSVs (conf/targets/FORMAT.md) into the
 * src.* registry, upserted by natural key in one transaction, and the crawl
 * frontier seeded with each target's start URLs. Every file is validated in
 * full before anything is written: a duplicate key, an unknown level, a
 * missing required field or a dangling reference names its file and line. */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uthash.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_pgarr.h"
#include "gr_source.h"
#include "gr_url.h"
#include "gr_util.h"
#include "loader.h"

#define MAX_COLS 8
#define MAX_CSV_BYTES (256u << 20)

enum check { CK_NONE, CK_LEVEL, CK_STORE, CK_KIND, CK_ORG, CK_APP, CK_URL };

struct colspec {
    const char *name;
    bool required;
    enum check check;
};

struct filespec {
    const char *file;
    const char *table;          /* src table */
    struct colspec cols[MAX_COLS];
    int ncols;
    int key[2];                 /* column indexes of the key; key[1] = -1 if single */
};

static const struct filespec specs[] = {
    { "organisations.csv", "organisation",
      { { "org_key", true, CK_NONE }, { "name", true, CK_NONE }, { "level", true, CK_LEVEL },
        { "province", false, CK_NONE }, { "city", false, CK_NONE }, { "function", false, CK_NONE } },
      6, { 0, -1 } },
    { "wechat_accounts.csv", "wechat_account",
      { { "biz", true, CK_NONE }, { "name", true, CK_NONE }, { "org_key", false, CK_ORG },
        { "level", true, CK_LEVEL }, { "province", false, CK_NONE }, { "function", false, CK_NONE },
        { "verified_body", false, CK_NONE } },
      7, { 0, -1 } },
    { "weibo_accounts.csv", "weibo_account",
      { { "account", true, CK_NONE }, { "name", true, CK_NONE }, { "org_key", false, CK_ORG },
        { "level", true, CK_LEVEL }, { "province", false, CK_NONE }, { "function", false, CK_NONE },
        { "kind", false, CK_KIND } },
      7, { 0, -1 } },
    { "apps.csv", "app",
      { { "app_key", true, CK_NONE }, { "name", true, CK_NONE }, { "org_key", false, CK_ORG },
        { "level", true, CK_LEVEL }, { "province", false, CK_NONE }, { "function", false, CK_NONE } },
      6, { 0, -1 } },
    { "store_listings.csv", "store_listing",
      { { "store", true, CK_STORE }, { "listing_id", true, CK_NONE }, { "app_key", true, CK_APP },
        { "url", true, CK_URL } },
      4, { 0, 1 } },
};
#define NSPECS (sizeof specs / sizeof specs[0])

struct keyset {
    char *key;
    long line;
    UT_hash_handle hh;
};

struct parsed {
    const struct filespec *spec;
    char path[4096];
    int map[64];                /* csv column -> spec column, -1 unknown */
    int ncsv;
    char *cur[MAX_COLS];
    int field;
    long line;                  /* record number; the header is 1 */
    struct gr_buf copy;         /* COPY text of the validated rows */
    struct keyset *keys;
    long rows;
    enum gr_rc rc;
    struct keyset **orgs, **apps;   /* for references, may be NULL */
    bool header_done;
};

static void keyset_free(struct keyset **s)
{
    struct keyset *e, *t;
    HASH_ITER(hh, *s, e, t) {
        HASH_DEL(*s, e);
        free(e->key);
        free(e);
    }
}

static bool keyset_add(struct keyset **s, const char *k, long line, long *prev)
{
    struct keyset *e;
    HASH_FIND_STR(*s, k, e);
    if (e) {
        if (prev)
            *prev = e->line;
        return false;
    }
    e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(k))) {
        free(e);
        return false;
    }
    e->line = line;
    HASH_ADD_KEYPTR(hh, *s, e->key, strlen(e->key), e);
    return true;
}

static bool keyset_has(struct keyset *s, const char *k)
{
    struct keyset *e;
    HASH_FIND_STR(s, k, e);
    return e != NULL;
}

/* Appends v as a COPY text field (\N for NULL or empty). */
static enum gr_rc copy_field(struct gr_buf *b, const char *v)
{
    enum gr_rc rc = GR_OK;
    if (!v || !*v)
        return gr_buf_append(b, "\\N", 2);
    for (const char *p = v; *p && !rc; p++) {
        switch (*p) {
        case '\\': rc = gr_buf_append(b, "\\\\", 2); break;
        case '\t': rc = gr_buf_append(b, "\\t", 2); break;
        case '\n': rc = gr_buf_append(b, "\\n", 2); break;
        case '\r': rc = gr_buf_append(b, "\\r", 2); break;
        default: rc = gr_buf_appendc(b, *p);
        }
    }
    return rc;
}

static void fail(struct parsed *p, enum gr_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(struct parsed *p, enum gr_rc rc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (p->rc)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gr_error("unable to load %s line %ld: %s", p->path, p->line, msg);
    p->rc = rc;
}

static void field_cb(void *s, size_t len, void *data)
{
    struct parsed *p = data;
    char *v;

    if (p->rc)
        return;
    if (!gr_utf8_valid(s ? s : "", s ? len : 0) || (s && memchr(s, '\0', len))) {
        fail(p, GR_EDATA, "field %d is not valid UTF-8 text (or holds a NUL byte)", p->field + 1);
        return;
    }
    v = strndup(s ? s : "", s ? len : 0);
    if (!v) {
        p->rc = GR_ENOMEM;
        return;
    }
    if (!p->header_done) {
        int k = -1;
        /* a UTF-8 byte-order mark before the first column name is accepted */
        if (p->field == 0 && strncmp(v, "\xEF\xBB\xBF", 3) == 0)
            memmove(v, v + 3, strlen(v + 3) + 1);
        if (p->field >= 64) {
            free(v);
            fail(p, GR_EDATA, "too many columns");
            return;
        }
        for (int i = 0; i < p->spec->ncols; i++)
            if (!strcmp(p->spec->cols[i].name, v))
                k = i;
        if (k < 0) {
            fail(p, GR_EDATA, "unknown column \"%s\"", v);
            free(v);
            return;
        }
        for (int i = 0; i < p->field; i++)
            if (p->map[i] == k)
                fail(p, GR_EDATA, "column \"%s\" appears twice", v);
        p->map[p->field++] = k;
        free(v);
        return;
    }
    if (p->field >= p->ncsv) {
        free(v);
        p->field++;
        return;
    }
    free(p->cur[p->map[p->field]]);
    p->cur[p->map[p->field]] = v;
    p->field++;
}

static const char *const levels[] = { "central", "province", "city", "county", NULL };
static const char *const stores[] = { "360", "91", "yyb", "baidu", "wandoujia", "appstore", NULL };
static const char *const kinds[] = { "organisation", "civil_servant", NULL };

static bool in_list(const char *v, const char *const *l)
{
    for (; *l; l++)
        if (!strcmp(v, *l))
            return true;
    return false;
}

static void row_cb(int c, void *data)
{
    struct parsed *p = data;
    const struct filespec *sp = p->spec;
    char key[2048];
    long prev = 0;
    (void)c;

    if (p->rc)
        goto reset;
    if (!p->header_done) {
        p->ncsv = p->field;
        p->header_done = true;
        for (int i = 0; i < sp->ncols; i++) {
            bool seen = false;
            for (int j = 0; j < p->ncsv; j++)
                seen |= p->map[j] == i;
            if (!seen && sp->cols[i].required)
                fail(p, GR_EDATA, "the header lacks the required column \"%s\"", sp->cols[i].name);
        }
        goto reset;
    }
    if (p->field == 1 && (!p->cur[p->map[0]] || !*p->cur[p->map[0]]) && p->ncsv > 1)
        goto reset; /* a blank line */
    if (p->field != p->ncsv) {
        char a[32], b[32];
        snprintf(a, sizeof a, "%d", p->field);
        snprintf(b, sizeof b, "%d", p->ncsv);
        fail(p, GR_EDATA, "%s fields, the header has %s", a, b);
        goto reset;
    }
    for (int i = 0; i < sp->ncols; i++) {
        const char *v = p->cur[i];
        const char *name = sp->cols[i].name;
        if (sp->cols[i].required && (!v || !*v)) {
            fail(p, GR_EDATA, "missing required field \"%s\"", name);
            goto reset;
        }
        if (!v || !*v)
            continue;
        switch (sp->cols[i].check) {
        case CK_LEVEL:
            if (!in_list(v, levels)) {
                fail(p, GR_EDATA, "unknown level \"%s\" (expected central, province, city or county)", v);
                goto reset;
            }
            break;
        case CK_STORE:
            if (!in_list(v, stores)) {
                fail(p, GR_EDATA, "unknown store \"%s\" (expected 360, 91, yyb, baidu, wandoujia or appstore)", v);
                goto reset;
            }
            break;
        case CK_KIND:
            if (!in_list(v, kinds)) {
                fail(p, GR_EDATA, "unknown kind \"%s\" (expected organisation or civil_servant)", v);
                goto reset;
            }
            break;
        case CK_ORG:
            if (p->orgs && !keyset_has(*p->orgs, v)) {
                fail(p, GR_EDATA, "org_key \"%s\" is not in organisations.csv nor in the database", v);
                goto reset;
            }
            break;
        case CK_APP:
            if (p->apps && !keyset_has(*p->apps, v)) {
                fail(p, GR_EDATA, "app_key \"%s\" is not in apps.csv nor in the database", v);
                goto reset;
            }
            break;
        case CK_URL:
            /* the crawler fetches http and https only: anything else would
             * sit in the frontier for ever */
            if ((strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0) ||
                !v[strncasecmp(v, "http://", 7) == 0 ? 7 : 8] || strpbrk(v, " \t\r\n")) {
                fail(p, GR_EDATA, "url \"%.200s\" is not an http:// or https:// URL", v);
                goto reset;
            }
            break;
        case CK_NONE:
            break;
        }
    }
    /* Local bodies need a province; the level column is present in all but listings. */
    for (int i = 0; i < sp->ncols; i++) {
        if (sp->cols[i].check == CK_LEVEL && p->cur[i] && strcmp(p->cur[i], "central") != 0) {
            for (int j = 0; j < sp->ncols; j++)
                if (!strcmp(sp->cols[j].name, "province") && (!p->cur[j] || !*p->cur[j])) {
                    fail(p, GR_EDATA, "missing required field \"province\" for a %s-level body", p->cur[i]);
                    goto reset;
                }
        }
    }
    if (sp->key[1] >= 0)
        snprintf(key, sizeof key, "%s\x1f%s", p->cur[sp->key[0]], p->cur[sp->key[1]]);
    else
        snprintf(key, sizeof key, "%s", p->cur[sp->key[0]]);
    if (!keyset_add(&p->keys, key, p->line, &prev)) {
        char a[64];
        snprintf(a, sizeof a, "%ld", prev);
        fail(p, GR_EDATA, "duplicate key \"%s\" (first on line %s)", p->cur[sp->key[0]], a);
        goto reset;
    }
    for (int i = 0; i < sp->ncols && !p->rc; i++) {
        if (i && gr_buf_appendc(&p->copy, '\t'))
            p->rc = GR_ENOMEM;
        if (copy_field(&p->copy, p->cur[i]))
            p->rc = GR_ELIMIT;
    }
    if (gr_buf_appendc(&p->copy, '\n'))
        p->rc = GR_ELIMIT;
    p->rows++;
reset:
    for (int i = 0; i < MAX_COLS; i++) {
        free(p->cur[i]);
        p->cur[i] = NULL;
    }
    p->field = 0;
    p->line++;
}

static enum gr_rc parse_file(struct parsed *p, const char *dir, const struct filespec *sp)
{
    struct csv_parser csv;
    FILE *f;
    char buf[65536];
    size_t n;

    memset(p->map, -1, sizeof p->map);
    p->spec = sp;
    p->line = 1;
    snprintf(p->path, sizeof p->path, "%s/%s", dir, sp->file);
    gr_buf_init(&p->copy, MAX_CSV_BYTES);
    f = fopen(p->path, "rb");
    if (!f) {
        gr_error("cannot open %s: %s", p->path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        return GR_ENOMEM;
    }
    while (!p->rc && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&csv, buf, n, field_cb, row_cb, p) != n) {
            gr_error("unable to load %s line %ld: %s", p->path, p->line, csv_strerror(csv_error(&csv)));
            p->rc = GR_EDATA;
        }
    }
    if (!p->rc && csv_fini(&csv, field_cb, row_cb, p) != 0) {
        gr_error("unable to load %s line %ld: %s", p->path, p->line, csv_strerror(csv_error(&csv)));
        p->rc = GR_EDATA;
    }
    if (!p->rc && !p->header_done) {
        gr_error("unable to load %s line 1: empty file, expected a header line", p->path);
        p->rc = GR_EDATA;
    }
    csv_free(&csv);
    fclose(f);
    return p->rc;
}

static enum gr_rc db_keys(PGconn *conn, const char *sql, struct keyset **out)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        gr_error("cannot read the registry (has `loader migrate` run?): %s", PQresultErrorMessage(res));
        enum gr_rc rc = gr_db_classify(conn, res);
        PQclear(res);
        return rc;
    }
    for (int i = 0; i < PQntuples(res); i++)
        keyset_add(out, PQgetvalue(res, i, 0), 0, NULL);
    PQclear(res);
    return GR_OK;
}

static enum gr_rc copy_in(PGconn *conn, const struct parsed *p)
{
    char sql[1024], cols[512] = "";
    PGresult *res;
    enum gr_rc rc = GR_OK;

    for (int i = 0; i < p->spec->ncols; i++) {
        strncat(cols, i ? "," : "", sizeof cols - strlen(cols) - 1);
        strncat(cols, p->spec->cols[i].name, sizeof cols - strlen(cols) - 1);
    }
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE t_%s ON COMMIT DROP AS SELECT %s FROM src.%s WITH NO DATA",
             p->spec->table, cols, p->spec->table);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(res);
    snprintf(sql, sizeof sql, "COPY t_%s (%s) FROM STDIN", p->spec->table, cols);
    res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COPY_IN)
        goto fail;
    PQclear(res);
    if (p->copy.len && PQputCopyData(conn, p->copy.data, (int)p->copy.len) != 1) {
        PQputCopyEnd(conn, "write failed");
    } else {
        PQputCopyEnd(conn, NULL);
    }
    res = PQgetResult(conn);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(res);
    while ((res = PQgetResult(conn)))
        PQclear(res);
    return GR_OK;
fail:
    gr_error("unable to load %s: %s", p->path, PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    rc = gr_db_classify(conn, res);
    PQclear(res);
    while ((res = PQgetResult(conn)))
        PQclear(res);
    return rc ? rc : GR_EINTERNAL;
}

/* Upserts: new rows inserted, changed rows updated, unchanged rows untouched. */
static const char *const upserts[NSPECS] = {
    "INSERT INTO src.organisation AS t (org_key, name, level, province, city, function)"
    " SELECT org_key, name, level, province, city, function FROM t_organisation"
    " ON CONFLICT (org_key) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level,"
    " province = EXCLUDED.province, city = EXCLUDED.city, function = EXCLUDED.function, updated_at = now()"
    " WHERE (t.name, t.level, t.province, t.city, t.function) IS DISTINCT FROM"
    " (EXCLUDED.name, EXCLUDED.level, EXCLUDED.province, EXCLUDED.city, EXCLUDED.function)",
    "INSERT INTO src.wechat_account AS t (biz, name, org_key, level, province, function, verified_body)"
    " SELECT biz, name, org_key, level, province, function, verified_body FROM t_wechat_account"
    " ON CONFLICT (biz) DO UPDATE SET name = EXCLUDED.name, org_key = EXCLUDED.org_key, level = EXCLUDED.level,"
    " province = EXCLUDED.province, function = EXCLUDED.function, verified_body = EXCLUDED.verified_body,"
    " updated_at = now()"
    " WHERE (t.name, t.org_key, t.level, t.province, t.function, t.verified_body) IS DISTINCT FROM"
    " (EXCLUDED.name, EXCLUDED.org_key, EXCLUDED.level, EXCLUDED.province, EXCLUDED.function, EXCLUDED.verified_body)",
    "INSERT INTO src.weibo_account AS t (account, name, org_key, level, province, function, kind)"
    " SELECT account, name, org_key, level, province, function, coalesce(kind, 'organisation') FROM t_weibo_account"
    " ON CONFLICT (account) DO UPDATE SET name = EXCLUDED.name, org_key = EXCLUDED.org_key, level = EXCLUDED.level,"
    " province = EXCLUDED.province, function = EXCLUDED.function, kind = EXCLUDED.kind, updated_at = now()"
    " WHERE (t.name, t.org_key, t.level, t.province, t.function, t.kind) IS DISTINCT FROM"
    " (EXCLUDED.name, EXCLUDED.org_key, EXCLUDED.level, EXCLUDED.province, EXCLUDED.function, EXCLUDED.kind)",
    "INSERT INTO src.app AS t (app_key, name, org_key, level, province, function)"
    " SELECT app_key, name, org_key, level, province, function FROM t_app"
    " ON CONFLICT (app_key) DO UPDATE SET name = EXCLUDED.name, org_key = EXCLUDED.org_key, level = EXCLUDED.level,"
    " province = EXCLUDED.province, function = EXCLUDED.function, updated_at = now()"
    " WHERE (t.name, t.org_key, t.level, t.province, t.function) IS DISTINCT FROM"
    " (EXCLUDED.name, EXCLUDED.org_key, EXCLUDED.level, EXCLUDED.province, EXCLUDED.function)",
    "INSERT INTO src.store_listing AS t (store, listing_id, app_key, url)"
    " SELECT store, listing_id, app_key, url FROM t_store_listing"
    " ON CONFLICT (store, listing_id) DO UPDATE SET app_key = EXCLUDED.app_key, url = EXCLUDED.url, updated_at = now()"
    " WHERE (t.app_key, t.url) IS DISTINCT FROM (EXCLUDED.app_key, EXCLUDED.url)",
};

/* The seeds go in through the crawler's own enqueue form (gr_url_enqueue_form:
 * one normaliser, one host rule); the sources say what each target row
 * seeds (gr_source_seed). */
static const char seed_rows_sql[] =
    "SELECT 'wechat_account', biz, NULL, NULL FROM t_wechat_account"
    " UNION ALL SELECT 'weibo_account', account, NULL, NULL FROM t_weibo_account"
    " UNION ALL SELECT 'store_listing', listing_id, store, url FROM t_store_listing";

static const char seed_sql[] =
    "WITH h AS (SELECT DISTINCT ON (url) * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
    "           AS h(url, host, source, kind, target_key) ORDER BY url),"
    " hosts AS (INSERT INTO crawl.host (host) SELECT DISTINCT host FROM h ON CONFLICT DO NOTHING)"
    " INSERT INTO crawl.frontier AS f (url, host, source, kind, target_key, depth)"
    " SELECT url, host, source, kind, target_key, 0 FROM h"
    /* a seed the crawler gave up on (failed for crawler.failed_give_up_seconds)
     * or that waits for its next later-night retry is armed again */
    " ON CONFLICT (url, method, post_body) DO UPDATE SET state = 'queued', attempts = 0, failures = 0,"
    "   failed_since = NULL, due_at = now()"
    " WHERE f.state = 'failed'";

enum { SEED_URL, SEED_HOST, SEED_SOURCE, SEED_KIND, SEED_TARGET_KEY, NSEEDCOL };

/* Seeds the frontier from the target rows loaded into the temp tables. */
static enum gr_rc seed_frontier(PGconn *conn, char *err, size_t errlen)
{
    struct gr_pgarr a[NSEEDCOL];
    const char *params[NSEEDCOL];
    struct gr_seeds seeds;
    PGresult *rows = NULL, *res = NULL;
    enum gr_rc rc;

    rc = gr_db_execp(conn, seed_rows_sql, 0, NULL, &rows, err, errlen);
    if (rc)
        return rc;
    gr_seeds_init(&seeds);
    for (int i = 0; i < PQntuples(rows) && !rc; i++) {
        struct gr_target t = { PQgetvalue(rows, i, 0), PQgetvalue(rows, i, 1),
                               PQgetisnull(rows, i, 2) ? NULL : PQgetvalue(rows, i, 2),
                               PQgetisnull(rows, i, 3) ? NULL : PQgetvalue(rows, i, 3) };
        rc = gr_source_seed(&t, &seeds);
        if (rc == GR_EDATA) {
            /* a listing URL its store's patterns do not claim */
            gr_warn("store_listings.csv: %s:%s: %s is not a listing URL of %s: not seeded", t.store ? t.store : "",
                    t.key, t.url ? t.url : "", t.store ? t.store : "");
            rc = GR_OK;
        }
    }
    PQclear(rows);
    for (int c = 0; c < NSEEDCOL; c++)
        gr_pgarr_init(&a[c]);
    for (size_t i = 0; i < seeds.n && !rc; i++) {
        char *url, host[512];
        if (!gr_url_enqueue_form(seeds.v[i].url, &url, host, sizeof host)) {
            gr_warn("%s (target %s): not a URL the crawler fetches: not seeded", seeds.v[i].url, seeds.v[i].target_key);
            continue;
        }
        gr_pgarr_str(&a[SEED_URL], url);
        gr_pgarr_str(&a[SEED_HOST], host);
        gr_pgarr_str(&a[SEED_SOURCE], seeds.v[i].source);
        gr_pgarr_str(&a[SEED_KIND], seeds.v[i].kind);
        gr_pgarr_str(&a[SEED_TARGET_KEY], seeds.v[i].target_key);
        free(url);
    }
    for (int c = 0; c < NSEEDCOL; c++)
        params[c] = gr_pgarr_end(&a[c]);
    if (!rc)
        rc = gr_db_execp(conn, seed_sql, NSEEDCOL, params, &res, err, errlen);
    if (!rc)
        gr_info("crawl frontier: %s new seed URLs", PQcmdTuples(res));
    PQclear(res);
    for (int c = 0; c < NSEEDCOL; c++)
        gr_pgarr_free(&a[c]);
    gr_seeds_free(&seeds);
    if (rc == GR_ENOMEM)
        snprintf(err, errlen, "out of memory seeding the frontier");
    return rc;
}

enum gr_rc loader_targets(PGconn *conn, const char *dir)
{
    struct parsed p[NSPECS];
    struct keyset *orgs = NULL, *apps = NULL;
    enum gr_rc rc = GR_OK;
    char err[2048];
    bool in_tx = false;

    memset(p, 0, sizeof p);
    rc = db_keys(conn, "SELECT org_key FROM src.organisation", &orgs);
    if (!rc)
        rc = db_keys(conn, "SELECT app_key FROM src.app", &apps);
    if (rc)
        goto out;
    for (size_t i = 0; i < NSPECS && !rc; i++) {
        p[i].orgs = &orgs;
        p[i].apps = &apps;
        rc = parse_file(&p[i], dir, &specs[i]);
        /* Keys of organisations.csv and apps.csv become valid references. */
        if (!rc && i == 0)
            for (struct keyset *e = p[0].keys; e; e = e->hh.next)
                keyset_add(&orgs, e->key, 0, NULL);
        if (!rc && i == 3)
            for (struct keyset *e = p[3].keys; e; e = e->hh.next)
                keyset_add(&apps, e->key, 0, NULL);
    }
    if (rc)
        goto out;

    rc = gr_db_exec(conn, "BEGIN", err, sizeof err);
    if (rc)
        goto dberr;
    in_tx = true;
    for (size_t i = 0; i < NSPECS && !rc; i++)
        rc = copy_in(conn, &p[i]);
    if (rc)
        goto out;
    for (size_t i = 0; i < NSPECS; i++) {
        PGresult *res = PQexec(conn, upserts[i]);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            snprintf(err, sizeof err, "%s: %s", p[i].path, PQresultErrorMessage(res));
            rc = gr_db_classify(conn, res);
            PQclear(res);
            goto dberr;
        }
        gr_info("%s: %ld rows, %s inserted or changed", p[i].path, p[i].rows, PQcmdTuples(res));
        PQclear(res);
    }
    rc = seed_frontier(conn, err, sizeof err);
    if (rc)
        goto dberr;
    rc = gr_db_exec(conn, "COMMIT", err, sizeof err);
    if (rc)
        goto dberr;
    in_tx = false;
    gr_notice("targets loaded from %s: %ld organisations, %ld WeChat accounts, %ld Weibo accounts, %ld apps, "
              "%ld store listings", dir, p[0].rows, p[1].rows, p[2].rows, p[3].rows, p[4].rows);
    goto out;
dberr:
    gr_error("unable to load targets from %s: %s", dir, err);
out:
    if (in_tx)
        PQclear(PQexec(conn, "ROLLBACK"));
    for (size_t i = 0; i < NSPECS; i++) {
        gr_buf_free(&p[i].copy);
        keyset_free(&p[i].keys);
        for (int j = 0; j < MAX_COLS; j++)
            free(p[i].cur[j]);
    }
    keyset_free(&orgs);
    keyset_free(&apps);
    return rc;
}
