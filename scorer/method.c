/* Methodology files: INI (through lib/gr_config and inih), every parameter
 * named in one key table, validated, and turned into two JSON objects: the
 * parameters as written (stored with the run) and the effective parameters
 * the SQL reads through jsonb_to_record (one query parameter, never spliced
 * into the statement text). */
#include "scorer.h"
#include "scorer_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_config.h"
#include "gr_util.h"

#define METHOD_MAX_BYTES (1024 * 1024)

/* The methodology key table. Defaults are the 2014 methodology, so a preset
 * file only needs the keys it changes; the stored parameters always hold every
 * key. Section and key names are part of the file format: do not rename. */
static const struct gr_config_key method_keys[] = {
    { "methodology.name", GR_CFG_STR, NULL, 0, 0, "methodology name (required); runs are grouped by it" },
    { "methodology.version", GR_CFG_STR, "1", 0, 0, "version label of this parameter set" },
    { "methodology.description", GR_CFG_STR, "", 0, 0, "one line for humans" },
    { "period.timezone", GR_CFG_STR, "Asia/Shanghai", 0, 0, "time zone in which period days start and end" },
    { "period.stat_grace_days", GR_CFG_INT, "7", 0, 27,
      "settle days: flow counts come from the latest snapshot fetched before the period end plus this many "
      "days, stock snapshots count up to then, and a run is final once they have passed" },
    { "period.stock_before_days", GR_CFG_INT, "7", 0, 27,
      "stock metrics (followers, downloads) take the snapshot nearest the period end within this many days "
      "before it and the settle days after it (the same window around the start for new followers)" },
    { "wci.aggregation", GR_CFG_STR, "linear_of_indices", 0, 0,
      "linear_of_indices: w_read*k*a^2 + w_like*k*b^2; square_of_linear: k*(w_read*a + w_like*b)^2" },
    { "wci.k", GR_CFG_DOUBLE, "10", 0, 0, "index scale k" },
    { "wci.w_read", GR_CFG_DOUBLE, "0.6", 0, 0, "weight of the read side" },
    { "wci.w_like", GR_CFG_DOUBLE, "0.4", 0, 0, "weight of the like side" },
    { "wci.log_offset", GR_CFG_DOUBLE, "1", 0, 0, "L(x) = ln(x + offset); 0 = ln(x) with ln(0) = 0" },
    { "wci.per_day", GR_CFG_BOOL, "false", 0, 0, "divide the total and headline terms by the period's days" },
    { "wci.read_cap", GR_CFG_INT, "100001", 1, 1000000000, "reads counted for a capped (10万+) article" },
    { "wci.read.w_total", GR_CFG_DOUBLE, "0.40", 0, 0, "weight of L(R) (or L(R/d))" },
    { "wci.read.w_avg", GR_CFG_DOUBLE, "0.45", 0, 0, "weight of L(R/N)" },
    { "wci.read.w_max", GR_CFG_DOUBLE, "0.15", 0, 0, "weight of L(Rmax)" },
    { "wci.read.w_head", GR_CFG_DOUBLE, "0", 0, 0, "weight of L(Rt) (or L(Rt/d)), headline reads" },
    { "wci.like.w_total", GR_CFG_DOUBLE, "0.40", 0, 0, "weight of L(s*Z)" },
    { "wci.like.w_avg", GR_CFG_DOUBLE, "0.45", 0, 0, "weight of L(s*Z/N)" },
    { "wci.like.w_max", GR_CFG_DOUBLE, "0.15", 0, 0, "weight of L(s*Zmax)" },
    { "wci.like.w_head", GR_CFG_DOUBLE, "0", 0, 0, "weight of L(s*Zt)" },
    { "wci.like.scale", GR_CFG_DOUBLE, "10", 0, 0, "s: likes are multiplied by this inside the logs" },
    { "wci_sub.k", GR_CFG_DOUBLE, "10", 0, 0, "sub-list scale" },
    { "wci_sub.w_read", GR_CFG_DOUBLE, "0.6", 0, 0, "sub-list weight of L(read_col)" },
    { "wci_sub.w_like", GR_CFG_DOUBLE, "0.4", 0, 0, "sub-list weight of L(like_col)" },
    { "wci_sub.log_offset", GR_CFG_DOUBLE, "0", 0, 0, "sub-list L(x) = ln(x + offset); 0 = ln(x), ln(0) = 0" },
    { "wci_sub.read.w_total", GR_CFG_DOUBLE, "0.40", 0, 0, "read_col weight of R" },
    { "wci_sub.read.w_avg", GR_CFG_DOUBLE, "0.45", 0, 0, "read_col weight of R/N" },
    { "wci_sub.read.w_max", GR_CFG_DOUBLE, "0.15", 0, 0, "read_col weight of Rmax" },
    { "wci_sub.like.w_total", GR_CFG_DOUBLE, "0.40", 0, 0, "like_col weight of Z" },
    { "wci_sub.like.w_avg", GR_CFG_DOUBLE, "0.45", 0, 0, "like_col weight of Z/N" },
    { "wci_sub.like.w_max", GR_CFG_DOUBLE, "0.15", 0, 0, "like_col weight of Zmax" },
    { "bci.w_coverage", GR_CFG_DOUBLE, "0.2", 0, 0, "weight of 覆盖度" },
    { "bci.w_activity", GR_CFG_DOUBLE, "0.5", 0, 0, "weight of 活跃度" },
    { "bci.w_interaction", GR_CFG_DOUBLE, "0.5", 0, 0, "weight of 互动度" },
    { "bci.w_propagation", GR_CFG_DOUBLE, "0.8", 0, 0, "weight of 传播度" },
    { "bci.window", GR_CFG_STR, "period", 0, 0,
      "the Weibo window: period (the period's days) or year (from 1 January of the year the period ends in to "
      "the period end; WeChat and the apps keep the period)" },
    { "bci.sub_k", GR_CFG_DOUBLE, "100", 0, 0, "sub-score = sub_k * sum w_i L(x_i)" },
    { "bci.log_offset", GR_CFG_DOUBLE, "1", 0, 0, "L(x) = ln(x + offset)" },
    { "bci.unobservable", GR_CFG_STR, "renormalise", 0, 0,
      "counts a public crawl cannot see (private messages, likes): renormalise (drop, rescale the rest) or zero" },
    { "bci.coverage.w_followers", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(followers at period end)" },
    { "bci.coverage.w_new_followers", GR_CFG_DOUBLE, "0.7", 0, 0, "weight of L(new followers)" },
    { "bci.activity.w_posts", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(posts written)" },
    { "bci.activity.w_originals", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(original posts)" },
    { "bci.activity.w_reposts", GR_CFG_DOUBLE, "0.4", 0, 0, "weight of L(reposts made)" },
    { "bci.interaction.w_private", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(private messages) (unobservable)" },
    { "bci.interaction.w_replies", GR_CFG_DOUBLE, "0.4", 0, 0, "weight of L(replies and comments written)" },
    { "bci.interaction.w_mentions", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(mentions)" },
    { "bci.propagation.w_reposts", GR_CFG_DOUBLE, "0", 0, 0, "weight of L(reposts received, all posts)" },
    { "bci.propagation.w_comments", GR_CFG_DOUBLE, "0", 0, 0, "weight of L(comments received, all posts)" },
    { "bci.propagation.w_orig_reposts", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(reposts of originals)" },
    { "bci.propagation.w_second_reposts", GR_CFG_DOUBLE, "0.2", 0, 0, "weight of L(reposts of reposts)" },
    { "bci.propagation.w_orig_comments", GR_CFG_DOUBLE, "0.3", 0, 0, "weight of L(comments on originals)" },
    { "bci.propagation.w_second_comments", GR_CFG_DOUBLE, "0.2", 0, 0, "weight of L(comments on reposts)" },
    { "bci.propagation.w_likes", GR_CFG_DOUBLE, "0", 0, 0, "weight of L(likes received) (unobservable)" },
    { "combined.w_wci", GR_CFG_DOUBLE, "0.6", 0, 0, "combined index weight of WCI" },
    { "combined.w_bci", GR_CFG_DOUBLE, "0.4", 0, 0, "combined index weight of BCI" },
    { "apps.top_n", GR_CFG_INT, "10", 1, 100000, "apps per store in report.t4_1_app_store_top10" },
    { "report.hot_articles", GR_CFG_INT, "20", 1, 100000, "rows in score.hot_article" },
    { "report.cr_n", GR_CFG_INT, "20", 1, 100000, "N of the CR-N concentration ratios" },
    { NULL, 0, NULL, 0, 0, NULL },
};

static const char *const method_sections[] = {
    "methodology", "period", "wci", "wci.read", "wci.like", "wci_sub", "wci_sub.read", "wci_sub.like",
    "bci", "bci.coverage", "bci.activity", "bci.interaction", "bci.propagation", "combined", "apps",
    "report", NULL,
};

void scorer_method_init(struct scorer_method *m) { memset(m, 0, sizeof *m); }

void scorer_method_free(struct scorer_method *m)
{
    if (!m)
        return;
    free(m->path);
    free(m->text);
    free(m->name);
    free(m->version);
    free(m->params_json);
    free(m->sql_json);
    gr_config_free(m->cfg);
    memset(m, 0, sizeof *m);
}

const char *scorer_default_method_path(void)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/conf/methodology/2014.conf", gr_share_dir());
    return buf;
}

void scorer_method_print_keys(FILE *f) { gr_config_print_keys(method_keys, f); }

static enum gr_rc read_text(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    enum gr_rc rc = GR_OK;

    if (!f) {
        snprintf(err, errlen, "%s: cannot open methodology: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    buf = malloc(METHOD_MAX_BYTES + 1);
    if (!buf) {
        rc = GR_ENOMEM;
        goto out;
    }
    n = fread(buf, 1, METHOD_MAX_BYTES + 1, f);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read methodology: %s", path, strerror(errno));
        rc = GR_EIO;
        goto out;
    }
    if (n > METHOD_MAX_BYTES) {
        snprintf(err, errlen, "%s: methodology larger than %d bytes", path, METHOD_MAX_BYTES);
        rc = GR_ECONFIG;
        goto out;
    }
    if (!gr_utf8_valid(buf, n) || memchr(buf, '\0', n)) {
        snprintf(err, errlen, "%s: methodology is not UTF-8 text", path);
        rc = GR_ECONFIG;
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return rc;
}

struct section_check {
    const char *path;
    char *err;
    size_t errlen;
    enum gr_rc rc;
};

static void section_cb(const char *section, void *arg)
{
    struct section_check *c = arg;
    for (const char *const *s = method_sections; *s; s++)
        if (strcmp(*s, section) == 0)
            return;
    if (!c->rc) {
        snprintf(c->err, c->errlen, "%s: unknown section [%s] in a methodology file", c->path, section);
        c->rc = GR_ECONFIG;
    }
}

/* "wci.read.w_total" -> "wci_read_w_total" */
static void sql_name(const char *name, char *out, size_t outlen)
{
    size_t i;
    for (i = 0; name[i] && i + 1 < outlen; i++)
        out[i] = name[i] == '.' ? '_' : name[i];
    out[i] = '\0';
}

static json_t *typed_value(const struct gr_config *cfg, const struct gr_config_key *k)
{
    switch (k->type) {
    case GR_CFG_INT: return json_integer((json_int_t)gr_config_int(cfg, k->name));
    case GR_CFG_DOUBLE: return json_real(gr_config_double(cfg, k->name));
    case GR_CFG_BOOL: return json_boolean(gr_config_bool(cfg, k->name));
    case GR_CFG_STR:
    case GR_CFG_SECRET: break;
    }
    return json_string(gr_config_get(cfg, k->name) ? gr_config_get(cfg, k->name) : "");
}

static double D(const struct scorer_method *m, const char *name) { return gr_config_double(m->cfg, name); }

/* Weights that a public crawl cannot observe are dropped; with "renormalise"
 * the remaining weights of the same sub-score are scaled so the sub-score
 * keeps its total weight (DESIGN.md, BCI). */
static void effective_weights(const struct scorer_method *m, json_t *sql)
{
    bool renorm = strcmp(gr_config_get(m->cfg, "bci.unobservable"), "renormalise") == 0;
    static const char *const inter_obs[] = { "bci.interaction.w_replies", "bci.interaction.w_mentions", NULL };
    static const char *const prop_obs[] = { "bci.propagation.w_reposts", "bci.propagation.w_comments",
                                            "bci.propagation.w_orig_reposts", "bci.propagation.w_second_reposts",
                                            "bci.propagation.w_orig_comments",
                                            "bci.propagation.w_second_comments", NULL };
    struct {
        const char *hidden;
        const char *const *obs;
    } groups[] = { { "bci.interaction.w_private", inter_obs }, { "bci.propagation.w_likes", prop_obs } };

    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        double hidden = D(m, groups[g].hidden), seen = 0, factor = 1;
        char sn[128];
        for (const char *const *o = groups[g].obs; *o; o++)
            seen += D(m, *o);
        if (renorm && seen > 0)
            factor = (seen + hidden) / seen;
        sql_name(groups[g].hidden, sn, sizeof sn);
        json_object_set_new(sql, sn, json_real(0));
        for (const char *const *o = groups[g].obs; *o; o++) {
            sql_name(*o, sn, sizeof sn);
            json_object_set_new(sql, sn, json_real(D(m, *o) * factor));
        }
    }
}

enum gr_rc scorer_method_load(struct scorer_method *m, const char *path, char *err, size_t errlen)
{
    json_t *params = NULL, *sql = NULL;
    struct section_check sc = { path, err, errlen, GR_OK };
    const char *v;
    enum gr_rc rc;

    scorer_method_free(m);
    m->path = strdup(path);
    m->cfg = gr_config_new(method_keys, method_sections);
    if (!m->path || !m->cfg)
        return GR_ENOMEM;
    rc = read_text(path, &m->text, &m->text_len, err, errlen);
    if (rc)
        goto out;
    rc = gr_config_load_file(m->cfg, path, false, err, errlen);
    if (rc)
        goto out;
    gr_config_each_section(m->cfg, "", section_cb, &sc);
    if ((rc = sc.rc))
        goto out;

    v = gr_config_get(m->cfg, "methodology.name");
    if (!v || !*v) {
        snprintf(err, errlen, "%s: [methodology] name is required", path);
        rc = GR_ECONFIG;
        goto out;
    }
    v = gr_config_get(m->cfg, "wci.aggregation");
    if (strcmp(v, "linear_of_indices") != 0 && strcmp(v, "square_of_linear") != 0) {
        snprintf(err, errlen, "%s: %s: wci.aggregation \"%s\" is not linear_of_indices or square_of_linear",
                 path, gr_config_origin(m->cfg, "wci.aggregation"), v);
        rc = GR_ECONFIG;
        goto out;
    }
    v = gr_config_get(m->cfg, "bci.window");
    if (strcmp(v, "period") != 0 && strcmp(v, "year") != 0) {
        snprintf(err, errlen, "%s: bci.window \"%s\" is not period or year", gr_config_origin(m->cfg, "bci.window"), v);
        rc = GR_ECONFIG;
        goto out;
    }
    v = gr_config_get(m->cfg, "bci.unobservable");
    if (strcmp(v, "renormalise") != 0 && strcmp(v, "zero") != 0) {
        snprintf(err, errlen, "%s: bci.unobservable \"%s\" is not renormalise or zero",
                 gr_config_origin(m->cfg, "bci.unobservable"), v);
        rc = GR_ECONFIG;
        goto out;
    }
    for (const struct gr_config_key *k = method_keys; k->name; k++) {
        if (k->type == GR_CFG_DOUBLE && gr_config_double(m->cfg, k->name) < 0) {
            snprintf(err, errlen, "%s: %s must not be negative", gr_config_origin(m->cfg, k->name), k->name);
            rc = GR_ECONFIG;
            goto out;
        }
    }

    params = json_object();
    sql = json_object();
    if (!params || !sql) {
        rc = GR_ENOMEM;
        goto out;
    }
    for (const struct gr_config_key *k = method_keys; k->name; k++) {
        char sn[128];
        sql_name(k->name, sn, sizeof sn);
        json_object_set_new(params, k->name, typed_value(m->cfg, k));
        json_object_set_new(sql, sn, typed_value(m->cfg, k));
    }
    effective_weights(m, sql);
    m->name = strdup(gr_config_get(m->cfg, "methodology.name"));
    m->version = strdup(gr_config_get(m->cfg, "methodology.version"));
    /* 15 digits print the file's values as written (0.6, not 0.59999999999999998). */
    m->params_json = json_dumps(params, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(15));
    m->sql_json = json_dumps(sql, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17));
    if (!m->name || !m->version || !m->params_json || !m->sql_json)
        rc = GR_ENOMEM;
out:
    json_decref(params);
    json_decref(sql);
    return rc;
}

size_t scorer__method_sql_columns(char *out, size_t outlen)
{
    size_t n = 0;
    for (const struct gr_config_key *k = method_keys; k->name; k++) {
        char sn[128];
        const char *type = "text";
        sql_name(k->name, sn, sizeof sn);
        if (k->type == GR_CFG_INT)
            type = "bigint";
        else if (k->type == GR_CFG_DOUBLE)
            type = "double precision";
        else if (k->type == GR_CFG_BOOL)
            type = "boolean";
        n += (size_t)snprintf(out + (n < outlen ? n : outlen), n < outlen ? outlen - n : 0, "%s%s %s",
                              n ? ", " : "", sn, type);
    }
    return n;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    long era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int month_days(int y, int m)
{
    static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : md[m - 1];
}

/* Monday of ISO week 1 of year y: the week that holds 4 January. */
static long iso_week1_monday(int y)
{
    long jan4 = days_from_civil(y, 1, 4);
    long wd = ((jan4 % 7) + 7 + 3) % 7; /* 0 = Monday (1970-01-01 was a Thursday) */
    return jan4 - wd;
}

static void fmt_day(long z, char out[11])
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool scorer_period_month(const char *s, struct scorer_period *p)
{
    int64_t y, m;
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || !gr_parse_i64n(s, 4, &y) ||
        !gr_parse_i64n(s + 5, 2, &m) || y < 1990 || y > 2200 || m < 1 || m > 12)
        return false;
    snprintf(p->start, sizeof p->start, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)m % 100u);
    snprintf(p->end, sizeof p->end, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)month_days((int)y, (int)m) % 100u);
    snprintf(p->kind, sizeof p->kind, "month");
    snprintf(p->label, sizeof p->label, "%04d-%02d", (int)y, (int)m);
    return true;
}

bool scorer_period_parse(const char *s, struct scorer_period *p)
{
    size_t n = strlen(s);
    int64_t y, w;

    memset(p, 0, sizeof *p);
    if (n == 7)
        return scorer_period_month(s, p);
    if (n == 8 && s[4] == '-' && s[5] == 'W') {
        long mon;
        if (!digits(s, 4) || !digits(s + 6, 2) || !gr_parse_i64n(s, 4, &y) || !gr_parse_i64n(s + 6, 2, &w) ||
            y < 1990 || y > 2200 || w < 1)
            return false;
        mon = iso_week1_monday((int)y) + (w - 1) * 7;
        if (w > 52 && mon >= iso_week1_monday((int)y + 1))
            return false; /* the year has 52 weeks */
        fmt_day(mon, p->start);
        fmt_day(mon + 6, p->end);
        snprintf(p->kind, sizeof p->kind, "week");
        snprintf(p->label, sizeof p->label, "%04d-W%02d", (int)y, (int)w);
        return true;
    }
    if (!scorer_parse_period(s, p->start, p->end))
        return false;
    {
        int64_t ys, ms, ds, ye, me, de;
        long a, b;
        (void)gr_parse_i64n(p->start, 4, &ys), (void)gr_parse_i64n(p->start + 5, 2, &ms),
            (void)gr_parse_i64n(p->start + 8, 2, &ds);
        (void)gr_parse_i64n(p->end, 4, &ye), (void)gr_parse_i64n(p->end + 5, 2, &me),
            (void)gr_parse_i64n(p->end + 8, 2, &de);
        a = days_from_civil((int)ys, (int)ms, (int)ds);
        b = days_from_civil((int)ye, (int)me, (int)de);
        if (ys == ye && ms == me && ds == 1 && de == month_days((int)ye, (int)me))
            return scorer_period_month(p->start, p);
        if (b - a == 6 && ((a % 7) + 7 + 3) % 7 == 0) {
            /* a Monday-to-Sunday week: its ISO year is the year of its Thursday */
            int ty, tm, td;
            civil_from_days(a + 3, &ty, &tm, &td);
            snprintf(p->kind, sizeof p->kind, "week");
            snprintf(p->label, sizeof p->label, "%04d-W%02ld", ty % 10000,
                     ((a - iso_week1_monday(ty)) / 7 + 1) % 100);
            return true;
        }
    }
    snprintf(p->kind, sizeof p->kind, "custom");
    snprintf(p->label, sizeof p->label, "%s..%s", p->start, p->end);
    return true;
}

bool scorer_parse_period(const char *s, char start[11], char end[11])
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const char *parts[2];
    int y[2], mo[2], d[2];

    if (strlen(s) != 22 || s[10] != '.' || s[11] != '.')
        return false;
    parts[0] = s;
    parts[1] = s + 12;
    for (int i = 0; i < 2; i++) {
        const char *p = parts[i];
        int64_t v;
        for (int j = 0; j < 10; j++) {
            if (j == 4 || j == 7) {
                if (p[j] != '-')
                    return false;
            } else if (p[j] < '0' || p[j] > '9') {
                return false;
            }
        }
        if (!gr_parse_i64n(p, 4, &v))
            return false;
        y[i] = (int)v;
        if (!gr_parse_i64n(p + 5, 2, &v))
            return false;
        mo[i] = (int)v;
        if (!gr_parse_i64n(p + 8, 2, &v))
            return false;
        d[i] = (int)v;
        if (y[i] < 1990 || y[i] > 2200 || mo[i] < 1 || mo[i] > 12 || d[i] < 1 || d[i] > mdays[mo[i] - 1])
            return false;
        if (mo[i] == 2 && d[i] == 29 && !((y[i] % 4 == 0 && y[i] % 100 != 0) || y[i] % 400 == 0))
            return false;
    }
    if (memcmp(parts[0], parts[1], 10) > 0)
        return false;
    memcpy(start, parts[0], 10);
    start[10] = '\0';
    memcpy(end, parts[1], 10);
    end[10] = '\0';
    return true;
}
