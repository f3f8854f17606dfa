/* See report.h. The report reads report.* only, in one read-only snapshot, so
 * every number on the page comes from the same moment: report.run_info picks
 * the run, the period-aware functions report.tN(period, methodology) give the
 * tables, report.movers(run) and the registry views (011) the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gr_db.h"
#include "gr_log.h"
#include "report.h"

/* $1 period, $2 methodology, $3 run id: every statement gets all three (a
 * statement that needs fewer still names them, so their types are known). */
struct table_spec {
    const char *name, *title, *section;
    const char *sql;
};

#define FN(f, order) "SELECT * FROM report." f "($1, $2) WHERE $3::bigint IS NOT NULL ORDER BY " order

#define PANORAMA                                                                                               \
    "SELECT * FROM report.panorama WHERE $1::text IS NULL OR $2::text IS NULL OR $3::bigint IS NOT NULL"      \
    " ORDER BY platform, dimension, accounts DESC, value"

static const struct table_spec specs[] = {
    { "panorama", "全景：注册账号按省份、级别、职能", "panorama", PANORAMA },
    { "t1_2_central_combined", "表1.2 中央机构微信、微博综合传播力", "ranking",
      FN("t1_2_central_combined", "rank") },
    { "t1_3_local_combined", "表1.3 地方政府微信、微博综合传播力", "ranking",
      FN("t1_3_local_combined", "rank") },
    { "t2_1_central_wechat", "表2.1 中央机构政务微信传播力（WCI）", "wechat",
      FN("t2_1_central_wechat", "rank") },
    { "t2_2_local_wechat", "表2.2 地方政务微信传播力（WCI）", "wechat",
      FN("t2_2_local_wechat", "rank") },
    { "t2_3_party_publicity_wechat", "表2.3 党政宣传类政务微信", "sublist",
      FN("t2_3_party_publicity_wechat", "rank") },
    { "t2_4_police_traffic_wechat", "表2.4 公安交通类政务微信", "sublist",
      FN("t2_4_police_traffic_wechat", "rank") },
    { "t2_5_judicial_wechat", "表2.5 司法类政务微信", "sublist",
      FN("t2_5_judicial_wechat", "rank") },
    { "t2_6_health_wechat", "表2.6 卫生类政务微信", "sublist",
      FN("t2_6_health_wechat", "rank") },
    { "t2_7_hot_articles", "表2.7 政务微信热门文章", "wechat",
      FN("t2_7_hot_articles", "rank") },
    { "t3_1_central_weibo", "表3.1 中央机构腾讯政务微博传播力（BCI）", "weibo",
      FN("t3_1_central_weibo", "rank") },
    { "t3_2_local_weibo", "表3.2 地方腾讯政务微博传播力（BCI）", "weibo",
      FN("t3_2_local_weibo", "rank") },
    { "accounts_by_group", "参评账号分布（省份、级别、职能）", "distribution",
      FN("accounts_by_group", "platform, dimension, accounts DESC, value") },
    { "aggregates", "总体指标（均值以上比例、CR20 集中度）", "distribution",
      FN("aggregates", "platform, metric") },
    { "t4_1_app_store_top10", "表4.1 各应用商店政务应用下载量前十", "apps",
      FN("t4_1_app_store_top10", "store, rank") },
    { "app_store_summary", "各应用商店政务应用概况", "apps", FN("app_store_summary", "store") },
    { "app_province_summary", "各省份政务应用概况", "apps", FN("app_province_summary", "downloads DESC, province") },
    { "movers", "与上一期相比的排名变化（上升、下降、新进、退出）", "movers",
      "SELECT * FROM report.movers($3::bigint) WHERE $1::text IS NULL OR $2::text IS NULL OR true"
      " ORDER BY list, rank NULLS LAST, prev_rank, key" },
    { "run_coverage", "覆盖情况：本期参评与未参评的注册条目（按原因计数）", "provenance",
      "SELECT * FROM report.run_coverage($3::bigint) WHERE $1::text IS NULL OR $2::text IS NULL OR true"
      " ORDER BY platform, scored DESC, entries DESC, reason" },
};

/* with the first day of the run's Weibo window (score.run.weibo_window_start,
 * bci.window): 1 January under the 2014 methodology, else the period start */
static const char run_sql[] =
    "SELECT i.*, (SELECT to_char(r.weibo_window_start AT TIME ZONE (r.params_effective ->> 'period_timezone'),"
    "                            'YYYY-MM-DD') FROM score.run r WHERE r.run_id = i.run_id) AS weibo_start"
    "  FROM report.run_info($1, $2) i";
static enum gr_rc query(PGconn *conn, const char *sql, int n, const char *const *p, PGresult **res,
                        const char *what, char *err, size_t errlen)
{
    char e[768];
    enum gr_rc rc = gr_db_execp(conn, sql, n, p, res, e, sizeof e);
    if (rc)
        snprintf(err, errlen, "unable to read %s: %s", what, e);
    return rc;
}

enum gr_rc report_data_read(PGconn *conn, const char *period, const char *methodology, struct report_data *d,
                            char *err, size_t errlen)
{
    const char *params[3] = { period, methodology, NULL };
    enum gr_rc rc;
    time_t now = time(NULL);
    struct tm tm;

    memset(d, 0, sizeof *d);
    gmtime_r(&now, &tm);
    strftime(d->generated_at, sizeof d->generated_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rc = gr_db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen);
    if (rc)
        goto out;
    /* Each statement runs once: compiling it (JIT) costs more than it saves,
     * and sorts of the largest tables fit in memory. */
    rc = gr_db_exec(conn, "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'", err, errlen);
    if (rc)
        goto out;
    rc = query(conn, run_sql, 2, params, &d->run, "report.run_info", err, errlen);
    if (rc)
        goto out;
    if (PQntuples(d->run) != 1) {
        snprintf(err, errlen, "no scoring run for period %s and methodology %s", period ? period : "(latest final)",
                 methodology ? methodology : "(default)");
        rc = GR_ENOINPUT;
        goto out;
    }
    params[2] = report_run_value(d, "run_id");
    for (size_t i = 0; i < sizeof specs / sizeof specs[0] && d->ntables < REPORT_MAX_TABLES; i++) {
        const struct table_spec *s = &specs[i];
        struct report_table *t = &d->tables[d->ntables];
        rc = query(conn, s->sql, 3, params, &t->res, s->name, err, errlen);
        if (rc)
            goto out;
        t->name = s->name;
        t->title = s->title;
        t->section = s->section;
        d->ntables++;
    }
    rc = gr_db_exec(conn, "COMMIT", err, errlen);
out:
    if (rc) {
        gr_db_rollback(conn);
        report_data_free(d);
    }
    return rc;
}

void report_data_free(struct report_data *d)
{
    if (!d)
        return;
    PQclear(d->run);
    for (int i = 0; i < d->ntables; i++)
        PQclear(d->tables[i].res);
    memset(d, 0, sizeof *d);
}

const struct report_table *report_data_table(const struct report_data *d, const char *name)
{
    for (int i = 0; i < d->ntables; i++)
        if (strcmp(d->tables[i].name, name) == 0)
            return &d->tables[i];
    return NULL;
}

const char *report_run_value(const struct report_data *d, const char *col)
{
    int c;
    if (!d->run || PQntuples(d->run) < 1)
        return "";
    c = PQfnumber(d->run, col);
    if (c < 0 || PQgetisnull(d->run, 0, c))
        return "";
    return PQgetvalue(d->run, 0, c);
}

int report_table_shown(const struct report_table *t, int html_rows)
{
    int nr = PQntuples(t->res);
    if (html_rows > 0 && nr > html_rows && PQfnumber(t->res, "rank") >= 0)
        return html_rows;
    return nr;
}
