/* loader targets DIR: the five target CSVs (conf/targets/FORMAT.md) into the
 * src.* registry, upserted by natural key in one transaction, and the crawl
 * frontier seeded with each target's start URLs. Every file is validated in
 * full before anything is written: a duplicate key, an unknown level, a
 * missing required field or a dangling reference names its file and line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uthash.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_pgarr.h"
#include "gr_rows.h"
#include "gr_source.h"
#include "gr_targets.h"
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
    int map[GR_TARGETS_MAX_COLS];   /* csv column -> spec column */
    struct gr_buf copy;             /* COPY text of the validated rows */
    struct keyset *keys;
    long rows;
    struct keyset **orgs, **apps;   /* for references, may be NULL */
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

static const char *const levels[] = { "central", "province", "city", "county", NULL };
static const char *const kinds[] = { "organisation", "civil_servant", NULL };

static bool in_list(const char *v, const char *const *l)
{
    for (; *l; l++)
        if (!strcmp(v, *l))
            return true;
    return false;
}

#define FAIL(...) return (snprintf(msg, msglen, __VA_ARGS__), GR_EDATA)

/* The header: every column known, none twice, the required ones present. */
static enum gr_rc header_row(struct parsed *p, const struct gr_targets_row *r, char *msg, size_t msglen)
{
    const struct filespec *sp = p->spec;

    for (int j = 0; j < r->n; j++) {
        int k = -1;
        for (int i = 0; i < sp->ncols; i++)
            if (!strcmp(sp->cols[i].name, r->f[j]))
                k = i;
        if (k < 0)
            FAIL("unknown column \"%s\"", r->f[j]);
        for (int i = 0; i < j; i++)
            if (p->map[i] == k)
                FAIL("column \"%s\" appears twice", r->f[j]);
        p->map[j] = k;
    }
    for (int i = 0; i < sp->ncols; i++) {
        bool seen = false;
        for (int j = 0; j < r->n; j++)
            seen |= p->map[j] == i;
        if (!seen && sp->cols[i].required)
            FAIL("the header lacks the required column \"%s\"", sp->cols[i].name);
    }
    return GR_OK;
}

/* One record (lib/gr_targets has checked its text and length): validated,
 * then appended to the COPY text. */
static enum gr_rc row_cb(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen)
{
    struct parsed *p = arg;
    const struct filespec *sp = p->spec;
    const char *cur[MAX_COLS] = { NULL };
    char key[2048];
    long prev = 0;

    if (r->line == 1)
        return header_row(p, r, msg, msglen);
    for (int j = 0; j < r->n; j++)
        cur[p->map[j]] = r->f[j];
    for (int i = 0; i < sp->ncols; i++) {
        const char *v = cur[i];
        const char *name = sp->cols[i].name;
        if (sp->cols[i].required && (!v || !*v))
            FAIL("missing required field \"%s\"", name);
        if (!v || !*v)
            continue;
        switch (sp->cols[i].check) {
        case CK_LEVEL:
            if (!in_list(v, levels))
                FAIL("unknown level \"%s\" (expected central, province, city or county)", v);
            break;
        case CK_STORE:
            if (!in_list(v, gr_store_names))
                FAIL("unknown store \"%s\" (expected 360, 91, yyb, baidu, wandoujia or appstore)", v);
            break;
        case CK_KIND:
            if (!in_list(v, kinds))
                FAIL("unknown kind \"%s\" (expected organisation or civil_servant)", v);
            break;
        case CK_ORG:
            if (p->orgs && !keyset_has(*p->orgs, v))
                FAIL("org_key \"%s\" is not in organisations.csv nor in the database", v);
            break;
        case CK_APP:
            if (p->apps && !keyset_has(*p->apps, v))
                FAIL("app_key \"%s\" is not in apps.csv nor in the database", v);
            break;
        case CK_URL:
            /* the crawler fetches http and https only: anything else would
             * sit in the frontier for ever */
            if ((strncasecmp(v, "http://", 7) != 0 && strncasecmp(v, "https://", 8) != 0) ||
                !v[strncasecmp(v, "http://", 7) == 0 ? 7 : 8] || strpbrk(v, " \t\r\n"))
                FAIL("url \"%.200s\" is not an http:// or https:// URL", v);
            break;
        case CK_NONE:
            break;
        }
    }
    /* Local bodies need a province; the level column is present in all but listings. */
    for (int i = 0; i < sp->ncols; i++) {
        if (sp->cols[i].check == CK_LEVEL && cur[i] && strcmp(cur[i], "central") != 0) {
            for (int j = 0; j < sp->ncols; j++)
                if (!strcmp(sp->cols[j].name, "province") && (!cur[j] || !*cur[j]))
                    FAIL("missing required field \"province\" for a %s-level body", cur[i]);
        }
    }
    if (sp->key[1] >= 0)
        snprintf(key, sizeof key, "%s\x1f%s", cur[sp->key[0]], cur[sp->key[1]]);
    else
        snprintf(key, sizeof key, "%s", cur[sp->key[0]]);
    if (!keyset_add(&p->keys, key, r->line, &prev))
        FAIL("duplicate key \"%s\" (first on line %ld)", cur[sp->key[0]], prev);
    for (int i = 0; i < sp->ncols; i++) {
        if (i && gr_buf_appendc(&p->copy, '\t'))
            return GR_ENOMEM;
        if (copy_field(&p->copy, cur[i]))
            return GR_ELIMIT;
    }
    if (gr_buf_appendc(&p->copy, '\n'))
        return GR_ELIMIT;
    p->rows++;
    return GR_OK;
}

static enum gr_rc parse_file(struct parsed *p, const char *dir, const struct filespec *sp)
{
    char err[2048];
    long line;
    enum gr_rc rc;

    memset(p->map, -1, sizeof p->map);
    p->spec = sp;
    snprintf(p->path, sizeof p->path, "%s/%s", dir, sp->file);
    gr_buf_init(&p->copy, MAX_CSV_BYTES);
    rc = gr_targets_read(p->path, row_cb, p, &line, err, sizeof err);
    if (rc)
        gr_error(line ? "unable to load %s" : "%s", err);
    return rc;
}

static enum gr_rc db_keys(PGconn *conn, const char *sql, struct keyset **out)
{
    PGresult *res = NULL;
    char err[1024];
    enum gr_rc rc = gr_db_execp(conn, sql, 0, NULL, &res, err, sizeof err);
    if (rc) {
        gr_error("cannot read the registry (has `loader migrate` run?): %s", err);
        return rc;
    }
    for (int i = 0; i < PQntuples(res); i++)
        keyset_add(out, PQgetvalue(res, i, 0), 0, NULL);
    PQclear(res);
    return GR_OK;
}

static enum gr_rc copy_in(PGconn *conn, const struct parsed *p)
{
    char sql[1024], cols[512] = "", err[1024];
    enum gr_rc rc;

    for (int i = 0; i < p->spec->ncols; i++) {
        strncat(cols, i ? "," : "", sizeof cols - strlen(cols) - 1);
        strncat(cols, p->spec->cols[i].name, sizeof cols - strlen(cols) - 1);
    }
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE t_%s ON COMMIT DROP AS SELECT %s FROM src.%s WITH NO DATA",
             p->spec->table, cols, p->spec->table);
    rc = gr_db_exec(conn, sql, err, sizeof err);
    if (!rc) {
        snprintf(sql, sizeof sql, "COPY t_%s (%s) FROM STDIN", p->spec->table, cols);
        rc = loader_copy_buf(conn, sql, &p->copy, err, sizeof err);
    }
    if (rc)
        gr_error("unable to load %s: %s", p->path, err);
    return rc;
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

/* Seeds the frontier from target rows: rows_sql returns (table, key, store,
 * url) as gr_target has them; the sources say what each seeds. */
enum gr_rc loader_seed_targets(PGconn *conn, const char *rows_sql, char *err, size_t errlen)
{
    struct gr_pgarr a[NSEEDCOL];
    const char *params[NSEEDCOL];
    struct gr_seeds seeds;
    PGresult *rows = NULL, *res = NULL;
    enum gr_rc rc;

    rc = gr_db_execp(conn, rows_sql, 0, NULL, &rows, err, errlen);
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
        PGresult *res = NULL;
        char msg[768];
        rc = gr_db_execp(conn, upserts[i], 0, NULL, &res, msg, sizeof msg);
        if (rc) {
            snprintf(err, sizeof err, "%s: %s", p[i].path, msg);
            goto dberr;
        }
        gr_info("%s: %ld rows, %s inserted or changed", p[i].path, p[i].rows, PQcmdTuples(res));
        PQclear(res);
    }
    rc = loader_seed_targets(conn, seed_rows_sql, err, sizeof err);
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
        gr_db_rollback(conn);
    for (size_t i = 0; i < NSPECS; i++) {
        gr_buf_free(&p[i].copy);
        keyset_free(&p[i].keys);
    }
    keyset_free(&orgs);
    keyset_free(&apps);
    return rc;
}
