/* `scorer pending` and `scorer run --pending`: which periods new observations
 * touch. The rule lives here and nowhere else (the loader and the nightly
 * driver only call the scorer).
 *
 * Every obs row loaded after the methodology's mark (score.pending_mark) is
 * reduced to a (kind, local day) pair, and a day touches the calendar months
 * whose inputs it can change:
 *  - flow (an article's or post's publish time): the month it falls in;
 *  - a count snapshot (article stats, post counts) fetched on day d: every
 *    month m with start(m) <= d < end(m) + settle days;
 *  - a stock snapshot (followers, downloads): every month whose end window
 *    [end - stock_before_days, end + settle) or start window (the same around
 *    its first day, for new followers) holds d.
 * Under bci.window = year a Weibo month's window starts on 1 January: a post
 * posted on day d touches the months of d's year from d's month on, a post
 * snapshot every month of the year whose cut-off is after d, and a follower
 * snapshot near 1 January (start window) every month of that year; the
 * months touched only so are those up to the newest fetch's month (later
 * months have no run yet; they are scored when their own data comes).
 * A provisional month whose settle days have passed by the newest fetch time
 * of the new rows is listed too: it becomes final when scored again.
 * The marks advance only after every touched month was scored, to the latest
 * loaded_at seen in the same snapshot as the list, so rows loaded meanwhile
 * are listed next time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_config.h"
#include "gr_db.h"
#include "gr_log.h"
#include "scorer.h"

/* The obs tables, in the order of the marks' parameters below. */
static const char *const obs_tables[] = { "obs.wechat_article", "obs.wechat_history", "obs.wechat_stat",
                                          "obs.weibo_account", "obs.weibo_post", "obs.app_listing" };
#define NOBS ((int)(sizeof obs_tables / sizeof obs_tables[0]))
_Static_assert(NOBS == 6, "sql_pending takes the six marks as $5..$10, and scorer_pending passes six");

/* The methodology's marks, one row per table ('-infinity' when none yet). */
static const char sql_since[] =
    "SELECT coalesce((SELECT loaded_through FROM score.pending_mark WHERE methodology = $1 AND obs_table = t),"
    "                '-infinity')::text FROM unnest($2::text[]) WITH ORDINALITY u(t, i) ORDER BY i";

/* Each table's rows loaded after its mark, $5..$10 (the marks, in the order
 * of obs_tables) as constants: PostgreSQL plans the BRIN index on loaded_at
 * of each partition for the value and reads only the block ranges loaded
 * since, so the cost follows the rows loaded since the last run, not the
 * history (a mark read by a subquery inside the statement would be estimated
 * at a third of every table and scanned). */
#define SINCE(i) " loaded_at > $" #i "::timestamptz"
#define NEW_ROWS                                                                                           \
    "    SELECT 'obs.wechat_article' AS tb, 'flow' AS k, published_at AS t, fetched_at AS f, loaded_at AS l" \
    "      FROM obs.wechat_article WHERE published_at IS NOT NULL AND" SINCE(5)                              \
    "    UNION ALL SELECT 'obs.wechat_history', 'flow', published_at, fetched_at, loaded_at"                 \
    "      FROM obs.wechat_history WHERE" SINCE(6)                                                           \
    "    UNION ALL SELECT 'obs.wechat_stat', 'snap', fetched_at, fetched_at, loaded_at"                      \
    "      FROM obs.wechat_stat WHERE" SINCE(7)                                                              \
    "    UNION ALL SELECT 'obs.weibo_post', 'wflow', posted_at, fetched_at, loaded_at"                       \
    "      FROM obs.weibo_post WHERE posted_at IS NOT NULL AND" SINCE(9)                                     \
    "    UNION ALL SELECT 'obs.weibo_post', 'wsnap', fetched_at, fetched_at, loaded_at"                      \
    "      FROM obs.weibo_post WHERE" SINCE(9)                                                               \
    "    UNION ALL SELECT 'obs.weibo_account', 'wstock', fetched_at, fetched_at, loaded_at"                  \
    "      FROM obs.weibo_account WHERE" SINCE(8)                                                            \
    "    UNION ALL SELECT 'obs.app_listing', 'stock', fetched_at, fetched_at, loaded_at"                     \
    "      FROM obs.app_listing WHERE" SINCE(10)

/* $1 methodology name, $2 time zone, $3 settle days, $4 stock days before,
 * $5..$10 the marks, $11 bci.window. Kinds: flow, snap, stock; wflow, wsnap,
 * wstock the same of Weibo (the same rules under bci.window = period). Rows: ('mark', table, newest loaded_at of its new rows)
 * for the tables with new rows, then ('month', 'YYYY-MM', NULL) for every
 * month to score. */
static const char sql_pending[] =
    "WITH x AS MATERIALIZED (" NEW_ROWS "),"
    " ev AS (SELECT DISTINCT CASE WHEN $11 = 'year' THEN k ELSE ltrim(k, 'w') END AS k,"
    "               (t AT TIME ZONE $2)::date AS d FROM x),"
    " nw AS (SELECT max(f) AS f, date_trunc('month', (max(f) AT TIME ZONE $2)) AS m FROM x),"
    /* a provisional month whose settle days have passed by the newest fetch
     * time: scored again to become final, even if nothing of it changed */
    " settled AS ("
    "  SELECT r.period_start AS m FROM ("
    "    SELECT DISTINCT ON (r.period) r.period_start, r.status, r.stat_cutoff"
    "      FROM score.run r JOIN score.methodology me USING (methodology_id)"
    "     WHERE me.name = $1 AND r.period_kind = 'month' ORDER BY r.period, r.run_id DESC) r, nw"
    "   WHERE r.status = 'provisional' AND r.stat_cutoff <= nw.f"
    "), m AS ("
    "  SELECT DISTINCT mo::date AS m FROM ev CROSS JOIN nw"
    "   CROSS JOIN LATERAL generate_series(date_trunc('month', (ev.d - 62)::timestamp),"
    "                                      date_trunc('month', (ev.d + 62)::timestamp), interval '1 month') mo"
    "   WHERE CASE ev.k"
    "           WHEN 'flow' THEN mo = date_trunc('month', ev.d::timestamp)"
    "           WHEN 'snap' THEN ev.d >= mo::date AND ev.d < (mo + interval '1 month')::date + $3::integer"
    "           WHEN 'stock' THEN (ev.d >= (mo + interval '1 month')::date - $4::integer"
    "                 AND ev.d < (mo + interval '1 month')::date + $3::integer)"
    "             OR (ev.d >= mo::date - $4::integer AND ev.d < mo::date + $3::integer)"
    "         END"
    "  UNION SELECT mo::date FROM ev CROSS JOIN nw"
    "   CROSS JOIN LATERAL generate_series(date_trunc('month', (ev.d - 62)::timestamp), nw.m, interval '1 month') mo"
    "   WHERE CASE ev.k"
    "           WHEN 'wflow' THEN mo >= date_trunc('month', ev.d::timestamp)"
    "                        AND extract(year FROM mo) = extract(year FROM ev.d)"
    "           WHEN 'wsnap' THEN extract(year FROM mo) = extract(year FROM ev.d)"
    "                        AND ev.d < (mo + interval '1 month')::date + $3::integer"
    "           WHEN 'wstock' THEN (ev.d >= (mo + interval '1 month')::date - $4::integer"
    "                 AND ev.d < (mo + interval '1 month')::date + $3::integer)"
    "             OR (ev.d >= date_trunc('year', mo)::date - $4::integer"
    "                 AND ev.d < date_trunc('year', mo)::date + $3::integer)"
    "         END"
    ") "
    "SELECT 'mark', tb, max(l)::text FROM x GROUP BY tb"
    " UNION ALL SELECT 'month', to_char(m, 'YYYY-MM'), NULL FROM (SELECT m FROM m UNION SELECT m FROM settled) u"
    " ORDER BY 1, 2";

void scorer_pending_free(struct scorer_pending *p)
{
    if (!p)
        return;
    free(p->months);
    memset(p, 0, sizeof *p);
}

static enum gr_rc param(const struct scorer_method *m, const char *key, char *out, size_t n, char *err,
                        size_t errlen)
{
    const char *v = gr_config_get(m->cfg, key);
    if (!v) {
        snprintf(err, errlen, "internal: methodology key %s has no value", key);
        return GR_EINTERNAL;
    }
    snprintf(out, n, "%s", v);
    return GR_OK;
}

enum gr_rc scorer_pending(PGconn *conn, const struct scorer_method *m, struct scorer_pending *out, char *err,
                          size_t errlen)
{
    char tz[128], settle[16], before[16], since[NOBS][64], wbwin[16];
    const char *pa[5 + NOBS] = { m->name, tz, settle, before, since[0], since[1], since[2], since[3], since[4], since[5],
                                 wbwin };
    PGresult *res = NULL;
    enum gr_rc rc;
    bool in_tx = false;

    memset(out, 0, sizeof *out);
    if ((rc = param(m, "period.timezone", tz, sizeof tz, err, errlen)) ||
        (rc = param(m, "period.stat_grace_days", settle, sizeof settle, err, errlen)) ||
        (rc = param(m, "period.stock_before_days", before, sizeof before, err, errlen)) ||
        (rc = param(m, "bci.window", wbwin, sizeof wbwin, err, errlen)))
        return rc;
    /* One snapshot for the list and the marks it will advance to. */
    if ((rc = gr_db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen)))
        return rc;
    in_tx = true;
    {
        char arr[256] = "{";
        for (int i = 0; i < NOBS; i++)
            snprintf(arr + strlen(arr), sizeof arr - strlen(arr), "%s%s", i ? "," : "", obs_tables[i]);
        snprintf(arr + strlen(arr), sizeof arr - strlen(arr), "}");
        const char *sp[2] = { m->name, arr };
        if ((rc = gr_db_execp(conn, sql_since, 2, sp, &res, err, errlen)))
            goto out;
        if (PQntuples(res) != NOBS) {
            snprintf(err, errlen, "internal: %d marks for %d obs tables", PQntuples(res), NOBS);
            rc = GR_EINTERNAL;
            goto out;
        }
        for (int i = 0; i < NOBS; i++)
            snprintf(since[i], sizeof since[i], "%s", PQgetvalue(res, i, 0));
        PQclear(res);
        res = NULL;
    }
    if ((rc = gr_db_execp(conn, sql_pending, 5 + NOBS, pa, &res, err, errlen)))
        goto out;
    for (int i = 0; i < PQntuples(res); i++)
        out->n += strcmp(PQgetvalue(res, i, 0), "month") == 0;
    if (out->n && !(out->months = calloc((size_t)out->n, sizeof *out->months))) {
        rc = GR_ENOMEM;
        goto out;
    }
    for (int i = 0, j = 0; i < PQntuples(res); i++) {
        if (strcmp(PQgetvalue(res, i, 0), "month") == 0) {
            snprintf(out->months[j++], sizeof out->months[0], "%s", PQgetvalue(res, i, 1));
        } else if (out->nmarks < SCORER_PENDING_TABLES) {
            snprintf(out->marks[out->nmarks].table, sizeof out->marks[0].table, "%s", PQgetvalue(res, i, 1));
            snprintf(out->marks[out->nmarks].through, sizeof out->marks[0].through, "%s", PQgetvalue(res, i, 2));
            out->nmarks++;
        }
    }
    rc = gr_db_exec(conn, "COMMIT", err, errlen);
    in_tx = false;
out:
    PQclear(res);
    if (in_tx) {
        char e2[256];
        (void)gr_db_exec(conn, "ROLLBACK", e2, sizeof e2);
    }
    if (rc)
        scorer_pending_free(out);
    return rc;
}

enum gr_rc scorer_pending_done(PGconn *conn, const struct scorer_method *m, const struct scorer_pending *p,
                               char *err, size_t errlen)
{
    enum gr_rc rc = gr_db_exec(conn, "BEGIN", err, errlen);
    for (int i = 0; i < p->nmarks && !rc; i++) {
        const char *pa[3] = { m->name, p->marks[i].table, p->marks[i].through };
        PGresult *res = NULL;
        rc = gr_db_execp(conn,
                         "INSERT INTO score.pending_mark (methodology, obs_table, loaded_through) VALUES ($1, $2, $3)"
                         " ON CONFLICT (methodology, obs_table) DO UPDATE SET loaded_through ="
                         " greatest(score.pending_mark.loaded_through, EXCLUDED.loaded_through)",
                         3, pa, &res, err, errlen);
        PQclear(res);
    }
    if (!rc)
        return gr_db_exec(conn, "COMMIT", err, errlen);
    {
        char e2[256];
        (void)gr_db_exec(conn, "ROLLBACK", e2, sizeof e2);
    }
    return rc;
}
