/* `scorer run`: one scoring run, computed in PostgreSQL, in one transaction.
 *
 * The methodology's parameters reach the SQL as one jsonb query parameter,
 * unpacked by jsonb_to_record into the one-row temporary table sc_p; every
 * later statement is constant text that joins sc_p. Nothing from a file or
 * the database is ever spliced into a statement. The statements run in one
 * transaction: a failed or killed run leaves no trace (temporary tables are
 * ON COMMIT DROP and vanish with the session).
 *
 * Observation rules (documented again in conf/methodology/2014.conf):
 *  - An article belongs to the period when an ok fetch of its page gives a
 *    publish time inside the period (the latest such fetch gives title and
 *    account name); when no ok page fetch with a publish time exists at all,
 *    the latest history listing (obs.wechat_history) gives the publish time.
 *  - Its counts are the latest ok obs.wechat_stat snapshot with a read count
 *    fetched before stat_cutoff (period end + period.stat_grace_days); at equal
 *    fetch times the getappmsgext JSON wins over the page footer. Capped reads
 *    count as wci.read_cap. An article with no such snapshot is "unobserved":
 *    it is counted in score.wci.articles_unobserved, not as zero reads.
 *  - Weibo: followers at period end = latest ok account snapshot in the
 *    period, new followers = that minus the earliest ok one in the period
 *    (a loss counts as 0); an account needs at least one such snapshot to be
 *    scored. Posts: each post posted in the period, counts from its latest
 *    snapshot fetched before stat_cutoff.
 *  - Apps: each listing's latest ok snapshot fetched before the end of the
 *    period (and not older than apps.max_age_days when that is not 0).
 *  - Only accounts, apps and listings in the registry (src.*) are scored.
 *  - Only observations inside the run's windows count (FLOW, STOCK below):
 *    nothing fetched after stat_cutoff, nor, for articles, stats and posts,
 *    before the period start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gr_db.h"
#include "gr_log.h"
#include "scorer.h"
#include "scorer_int.h"

/* obs.* is partitioned by month of fetched_at (schema/012). Every read of an
 * obs table bounds fetched_at by the run's windows, passed to each statement
 * as the query parameters $1..$4 (WIN_* below, read back from sc_p once it is
 * filled): PostgreSQL plans each statement for their values, so the
 * partitions outside the windows are pruned when it is planned (they are not
 * in the plan at all) and the row estimates are those of the window's
 * partitions. A join condition on sc_p, or a scalar subquery over it, would
 * leave every partition in the plan and its rows in the estimates.
 * FLOW: articles and posts published in the period, and their stats, can only
 * have been fetched from the period start on, and only fetches before the
 * stat cutoff count. STOCK: follower and listing snapshots near the period
 * start and end. WINDOW_FROM: all the run can read (its inputs). */
enum { WIN_T0, WIN_TSTAT, WIN_TS_LO, WIN_T0_LO, WIN_WB_T0, WIN_WB_T0_LO, WIN_WB_T0_HI, WIN_T1, WIN_N };
static const Oid win_types[WIN_N] = { 1184, 1184, 1184, 1184, 1184, 1184, 1184, 1184 }; /* timestamptz */
static const char *const win_cols =
    "t0::text, tstat::text, ts_lo::text, t0_lo::text, wb_t0::text, wb_t0_lo::text, wb_t0_hi::text, t1::text";
#define SC_t0 "$1::timestamptz"
#define SC_tstat "$2::timestamptz"
#define SC_ts_lo "$3::timestamptz"
#define SC_t0_lo "$4::timestamptz"
/* Weibo's window (bci.window): the period's, or from 1 January of the year
 * the period ends in (the 2014 report's Weibo lists are of January-October,
 * its WeChat lists of October). It ends where the period ends. */
#define SC_wb_t0 "$5::timestamptz"
#define SC_wb_t0_lo "$6::timestamptz"
#define SC_wb_t0_hi "$7::timestamptz"
/* The period's end (published_at < t1 for the period's articles). */
#define SC_t1 "$8::timestamptz"
/* The score.* rows of this run: compared with an uncorrelated subquery (an
 * InitPlan), each step reads only this run's rows through the (run_id, ...)
 * primary keys, whatever the number of earlier runs; a join on sc_p.run_id
 * hashes or scans every run ever scored. Not a constant either: the new run's
 * id is outside the column's statistics, so a constant is estimated at one
 * row and the planner picks nested loops over 186,697 accounts; the InitPlan
 * is estimated at an average run's rows. */
#define SC_run "(SELECT run_id FROM pg_temp.sc_p)"
#define SC(col) SC_##col
#define FLOW_FROM(a, t0) " AND " a ".fetched_at >= " t0 " AND " a ".fetched_at < " SC(tstat)
#define FLOW(a) FLOW_FROM(a, SC(t0))
#define FLOW_WB(a) FLOW_FROM(a, SC(wb_t0))
#define STOCK_END(a) " AND " a ".fetched_at >= " SC(ts_lo) " AND " a ".fetched_at < " SC(tstat)
#define WINDOW_FROM(lo) " WHERE fetched_at >= " lo " AND fetched_at < " SC(tstat)
/* Per obs table: rows, newest load and newest fetch inside the run's window;
 * the newest fetch is the stat cutoff itself when rows fetched after it exist
 * (which makes the run final), found in the first partition after it. */
#define INPUT_WHERE(t, where)                                                                             \
    " 'obs." t "', (SELECT jsonb_build_array(count(*), max(loaded_at), greatest(max(fetched_at),"        \
    "   CASE WHEN EXISTS (SELECT 1 FROM obs." t " x WHERE x.fetched_at >= " SC(tstat) ") THEN " SC(tstat) \
    "   END)) FROM obs." t where "),"
#define INPUT(t) INPUT_WHERE(t, WINDOW_FROM(SC(t0_lo)))
#define INPUT_WB(t) INPUT_WHERE(t, WINDOW_FROM(SC(wb_t0_lo)))
/* Follower snapshots: only the two stock windows (the start one is months
 * before the end one under bci.window = year; the months between are not read). */
#define WB_STOCK_START " fetched_at >= " SC(wb_t0_lo) " AND fetched_at < " SC(wb_t0_hi)
#define WB_STOCK_END " fetched_at >= " SC(ts_lo) " AND fetched_at < " SC(tstat)
#define INPUT_WB_STOCK(t) INPUT_WHERE(t, " WHERE (" WB_STOCK_END ") OR (" WB_STOCK_START ")")

/* Per account the ok follower snapshot nearest TARGET inside WINDOW (the
 * earlier one at equal distance), as an aggregate over the account's
 * snapshots: min() of (key, followers), over the rows inside WINDOW only
 * (FILTER: its arguments are computed for those rows). The key is
 * |4d + 1|, d the signed distance in whole microseconds (exact: the stock
 * windows span days): 1 for d = 0, then 3, 5, 7, 9 for d = -1, +1, -2, +2,
 * ..., so it orders by distance, the earlier snapshot first at equal
 * distance, and is unique per account (one snapshot per account and fetch
 * time). A DISTINCT ON sort by a numeric distance took 3.8 of 11 s with a
 * snapshot every night (2.6 M in the end window); an array of (|d|, d,
 * followers) a tenth longer than this. NEAREST_AT: that snapshot's fetch
 * time, d read back from the key. */
#define NEAREST_FOLLOWERS(target, window)                                                                   \
    " min(ARRAY[abs(4 * round(date_part('epoch', fetched_at - " target ") * 1e6)::bigint + 1), followers])" \
    " FILTER (WHERE" window ")"
#define NEAREST_AT(target, m)                                                                         \
    " " target " + CASE WHEN " m "[1] % 4 = 1 THEN (" m "[1] - 1) / 4 ELSE -(" m "[1] + 1) / 4 END" \
    " * interval '1 microsecond'"

static const char sql_inputs[] =
    "SELECT x.inputs::text, encode(sha256(convert_to(x.inputs::text, 'UTF8')), 'hex') FROM (SELECT jsonb_build_object("
    INPUT("wechat_article") INPUT("wechat_history") INPUT("wechat_stat") INPUT_WB_STOCK("weibo_account")
    INPUT_WB("weibo_post") INPUT("app_listing")
    " 'src.organisation', (SELECT jsonb_build_array(count(*), max(updated_at)) FROM src.organisation),"
    " 'src.wechat_account', (SELECT jsonb_build_array(count(*), max(updated_at)) FROM src.wechat_account),"
    " 'src.weibo_account', (SELECT jsonb_build_array(count(*), max(updated_at)) FROM src.weibo_account),"
    " 'src.app', (SELECT jsonb_build_array(count(*), max(updated_at)) FROM src.app),"
    " 'src.store_listing', (SELECT jsonb_build_array(count(*), max(updated_at)) FROM src.store_listing),"
    " 'score.sublist_category', (SELECT jsonb_agg(c ORDER BY c.sublist, c.function) FROM score.sublist_category c)"
    ") AS inputs OFFSET 0) x";  /* OFFSET 0: computed once, not once per use of x.inputs */

/* The steps after sc_p exists: constant SQL, each one statement. */
static const struct step {
    const char *what;
    const char *sql;
} steps[] = {
    /* The period's articles, each with its counts (NULL reads: unobserved),
     * in one statement: the latest page fetch of each article and the latest
     * stats snapshot of each are both DISTINCT ON sorts by (biz, mid, idx),
     * so they meet in a merge join of the two sorted streams; neither reads a
     * temporary table (the windows are parameters, the read cap is applied
     * above the join), so PostgreSQL may sort each in parallel workers. The
     * stats sort also holds the window's snapshots of articles published
     * before the period (fetched at their later offsets), which the join then
     * drops: a few per cent of the sort, against a hash of every article. Two
     * tables, the stats joined to the articles by hash and sorted after,
     * took 30 of 40 s at 100x the report's articles; this takes 18. */
    { "articles of the period",
      "CREATE TEMP TABLE sc_art ON COMMIT DROP AS "
      "WITH page AS ("
      "  SELECT DISTINCT ON (a.biz, a.mid, a.idx) a.biz, a.mid, a.idx, a.published_at, a.title, a.account_name"
      "    FROM obs.wechat_article a"
      "   WHERE a.status = 'ok' AND a.published_at >= " SC(t0) " AND a.published_at < " SC(t1) FLOW("a")
      "   ORDER BY a.biz, a.mid, a.idx, a.fetched_at DESC"
      "), hist AS ("
      "  SELECT DISTINCT ON (h.biz, h.mid, h.idx) h.biz, h.mid, h.idx, h.published_at, h.title, NULL::text"
      "    FROM obs.wechat_history h"
      "   WHERE h.published_at >= " SC(t0) " AND h.published_at < " SC(t1) FLOW("h")
      "     AND NOT EXISTS (SELECT 1 FROM obs.wechat_article a WHERE a.biz = h.biz AND a.mid = h.mid"
      "                      AND a.idx = h.idx AND a.status = 'ok' AND a.published_at IS NOT NULL" FLOW("a") ")"
      "   ORDER BY h.biz, h.mid, h.idx, h.fetched_at DESC"
      "), st AS ("
      "  SELECT DISTINCT ON (s.biz, s.mid, s.idx) s.biz, s.mid, s.idx, s.read_num, s.read_capped, s.read_raw, s.like_num"
      "    FROM obs.wechat_stat s"
      "   WHERE s.status = 'ok' AND s.read_num IS NOT NULL" FLOW("s")
      "   ORDER BY s.biz, s.mid, s.idx, s.fetched_at DESC, (s.origin = 'appmsgext') DESC"
      ") "
      "SELECT x.*, CASE WHEN st.read_capped THEN p.wci_read_cap ELSE st.read_num END AS reads,"
      "       st.read_capped, st.read_raw, st.like_num AS likes"
      "  FROM (SELECT * FROM page UNION ALL SELECT * FROM hist) x"
      "  JOIN src.wechat_account w ON w.biz = x.biz"
      "  LEFT JOIN st ON st.biz = x.biz AND st.mid = x.mid AND st.idx = x.idx"
      "  CROSS JOIN pg_temp.sc_p p" },
    { "statistics of sc_art", "ANALYZE pg_temp.sc_art" },
    /* The later temporary tables have one row per account (sc_wa) or two
     * (sc_wb, followers and posts): a sample of 3,000 rows shows that as well as one of 30,000, and
     * ANALYZE's cost is that of sorting the sample once per column (sc_pa's
     * twelve columns: 206 ms at the default target of 100, about 20 at 10;
     * the 38,237 articles of sc_art, many per account, keep the default). */
    { "statistics sample of the per-account tables", "SELECT set_config('default_statistics_target', '10', true)" },
    { "WeChat account totals",
      "CREATE TEMP TABLE sc_wa ON COMMIT DROP AS "
      "SELECT biz, count(reads)::integer AS n, (count(*) - count(reads))::integer AS unobserved,"
      "       count(*) FILTER (WHERE read_capped)::integer AS capped,"
      "       coalesce(score.sum8(reads), 0) AS r, coalesce(score.sum8(likes), 0) AS z,"
      "       coalesce(max(reads), 0)::bigint AS rmax, coalesce(max(likes), 0)::bigint AS zmax,"
      "       count(reads) FILTER (WHERE idx = 1)::integer AS head_n,"
      "       coalesce(score.sum8(reads) FILTER (WHERE idx = 1), 0) AS rt,"
      "       coalesce(score.sum8(likes) FILTER (WHERE idx = 1), 0) AS zt"
      "  FROM pg_temp.sc_art GROUP BY biz" },
    { "statistics of sc_wa", "ANALYZE pg_temp.sc_wa" },
    { "WCI",
      "INSERT INTO score.wci "
      "WITH c AS ("
      "  SELECT w.*, acc.name, acc.org_key, acc.level, acc.province, acc.function, p.run_id, p.wci_k AS k,"
      "         p.wci_w_read, p.wci_w_like, p.wci_aggregation,"
      "         p.wci_read_w_total * score.ln_off(w.r / d.dd, p.wci_log_offset)"
      "       + p.wci_read_w_avg * score.ln_off(w.r::float8 / w.n, p.wci_log_offset)"
      "       + p.wci_read_w_max * score.ln_off(w.rmax, p.wci_log_offset)"
      "       + p.wci_read_w_head * score.ln_off(w.rt / d.dd, p.wci_log_offset) AS a,"
      "         p.wci_like_w_total * score.ln_off(p.wci_like_scale * w.z / d.dd, p.wci_log_offset)"
      "       + p.wci_like_w_avg * score.ln_off(p.wci_like_scale * w.z / w.n, p.wci_log_offset)"
      "       + p.wci_like_w_max * score.ln_off(p.wci_like_scale * w.zmax, p.wci_log_offset)"
      "       + p.wci_like_w_head * score.ln_off(p.wci_like_scale * w.zt / d.dd, p.wci_log_offset) AS b"
      "    FROM pg_temp.sc_wa w JOIN src.wechat_account acc ON acc.biz = w.biz"
      "   CROSS JOIN pg_temp.sc_p p"
      "   CROSS JOIN LATERAL (SELECT CASE WHEN p.wci_per_day THEN p.days ELSE 1 END::float8 AS dd) d"
      "   WHERE w.n > 0 OFFSET 0"
      "), s AS ("
      "  SELECT c.*, k * a * a AS read_index, k * b * b AS like_index,"
      "         CASE WHEN wci_aggregation = 'linear_of_indices'"
      "              THEN wci_w_read * k * a * a + wci_w_like * k * b * b"
      "              ELSE k * (wci_w_read * a + wci_w_like * b) ^ 2 END AS wci,"
      "         CASE WHEN level = 'central' THEN 'central' ELSE 'local' END AS scope"
      "    FROM c OFFSET 0"
      ") "
      "SELECT run_id, biz, name, org_key, level, scope, province, function, n, unobserved, capped,"
      "       r, z, rmax, zmax, head_n, rt, zt, a, b, read_index, like_index, wci,"
      "       row_number() OVER (ORDER BY wci DESC, biz),"
      "       row_number() OVER (PARTITION BY scope ORDER BY wci DESC, biz),"
      "       CASE WHEN function IS NULL THEN NULL"
      "            ELSE row_number() OVER (PARTITION BY function ORDER BY wci DESC, biz) END"
      "  FROM s" },
    { "WeChat sub-lists",
      "INSERT INTO score.wci_sub "
      "WITH c AS ("
      "  SELECT w.run_id, w.biz, w.function, w.scope, p.wci_sub_k AS k, p.wci_sub_w_read, p.wci_sub_w_like,"
      "         p.wci_sub_log_offset AS off,"
      "         p.wci_sub_read_w_total * w.reads + p.wci_sub_read_w_avg * w.reads::float8 / w.articles"
      "       + p.wci_sub_read_w_max * w.read_max AS read_col,"
      "         p.wci_sub_like_w_total * w.likes + p.wci_sub_like_w_avg * w.likes::float8 / w.articles"
      "       + p.wci_sub_like_w_max * w.like_max AS like_col"
      "    FROM score.wci w CROSS JOIN pg_temp.sc_p p WHERE w.run_id = " SC(run) " OFFSET 0"
      "), s AS ("
      "  SELECT c.*, k * (wci_sub_w_read * score.ln_off(read_col, off)"
      "                 + wci_sub_w_like * score.ln_off(like_col, off)) ^ 2 AS wci FROM c OFFSET 0"
      ") "
      "SELECT run_id, biz, function, scope, read_col, like_col, wci,"
      "       CASE WHEN function IS NULL THEN NULL"
      "            ELSE row_number() OVER (PARTITION BY function ORDER BY wci DESC, biz) END"
      "  FROM s" },
    /* A bounded sort (top-N heapsort) under the LIMIT, numbered afterwards:
     * a row_number() window above the sort made it sort every article of the
     * period in full (16 of 60 s at 100x the report's articles). */
    { "hot articles",
      "INSERT INTO score.hot_article "
      "SELECT p.run_id, row_number() OVER (ORDER BY t.reads DESC, t.likes DESC NULLS LAST, t.published_at,"
      "                                             t.biz, t.mid, t.idx),"
      "       t.biz, t.mid, t.idx, coalesce(acc.name, t.account_name), t.title, t.published_at,"
      "       t.reads, t.read_capped, t.read_raw, t.likes"
      "  FROM (SELECT a.* FROM pg_temp.sc_art a WHERE a.reads IS NOT NULL"
      "         ORDER BY a.reads DESC, a.likes DESC NULLS LAST, a.published_at, a.biz, a.mid, a.idx"
      "         LIMIT (SELECT report_hot_articles FROM pg_temp.sc_p)) t"
      "  LEFT JOIN src.wechat_account acc ON acc.biz = t.biz CROSS JOIN pg_temp.sc_p p"
      " ORDER BY 2" },
    /* The two Weibo aggregates, one row per account each, in one table
     * (kind 'f', the follower snapshots; 'p', the posts), from one statement:
     * a UNION ALL of two aggregates that read only obs.* and the parameters
     * (no temporary table), which PostgreSQL runs as a Parallel Append under
     * a Gather, each aggregate in its own process (the leader or a worker),
     * at the same time. One after the other they took 0.56 + 0.82 s at the
     * report's scale; at once, 0.7-0.8 s. Without parallel workers (say
     * max_parallel_workers = 0) the leader runs both, as before.
     * Stock: the ok snapshot nearest the period end inside [end - before,
     * end + settle), and the one nearest the start inside the same window
     * around the start; the change needs two different snapshots. Both
     * windows are read in one pass, with one aggregate per account (under
     * bci.window = year, the months between them are not read): two
     * aggregates joined by account took a third longer.
     * Posts: the latest snapshot of each post (a sort by account and post),
     * summed per account in that order. */
    { "Weibo follower snapshots and posts",
      "CREATE TEMP TABLE sc_wb ON COMMIT DROP AS "
      "SELECT 'f'::text AS kind, account, f_last, f_last_at, CASE WHEN b_at <> f_last_at THEN b[2] END AS f_first,"
      "       CASE WHEN b_at <> f_last_at THEN b_at END AS f_first_at,"
      "       NULL::integer AS posts, NULL::integer AS originals, NULL::integer AS reposts_made,"
      "       NULL::integer AS replies, NULL::bigint AS mentions, NULL::bigint AS rr, NULL::bigint AS cr,"
      "       NULL::bigint AS orr, NULL::bigint AS ocr, NULL::bigint AS srr, NULL::bigint AS scr"
      "  FROM (SELECT account, e[2] AS f_last," NEAREST_AT(SC(t1), "e") " AS f_last_at, b," NEAREST_AT(SC(wb_t0), "b") " AS b_at"
      "          FROM (SELECT account," NEAREST_FOLLOWERS(SC(t1), WB_STOCK_END) " AS e,"
      NEAREST_FOLLOWERS(SC(wb_t0), WB_STOCK_START) " AS b"
      "                  FROM obs.weibo_account"
      "                 WHERE status = 'ok' AND followers IS NOT NULL AND ((" WB_STOCK_END ") OR (" WB_STOCK_START "))"
      "                 GROUP BY account) n"
      "         WHERE e IS NOT NULL) x "
      "UNION ALL "
      "SELECT 'p', account, NULL, NULL, NULL, NULL, count(*)::integer,"
      "       count(*) FILTER (WHERE kind = 'original')::integer,"
      "       count(*) FILTER (WHERE kind = 'repost')::integer,"
      "       count(*) FILTER (WHERE kind IN ('reply', 'comment'))::integer,"
      "       sum(mentions)::bigint, score.sum8(reposts), score.sum8(comments),"
      "       coalesce(score.sum8(reposts) FILTER (WHERE kind = 'original'), 0),"
      "       coalesce(score.sum8(comments) FILTER (WHERE kind = 'original'), 0),"
      "       coalesce(score.sum8(reposts) FILTER (WHERE kind = 'repost'), 0),"
      "       coalesce(score.sum8(comments) FILTER (WHERE kind = 'repost'), 0)"
      "  FROM (SELECT DISTINCT ON (w.account, w.post_id) w.account, w.post_id, w.kind,"
      "               coalesce(w.reposts, 0) AS reposts, coalesce(w.comments, 0) AS comments,"
      "               coalesce(w.mentions, 0) AS mentions"
      "          FROM obs.weibo_post w"
      "         WHERE w.posted_at >= " SC(wb_t0) " AND w.posted_at < " SC(t1) FLOW_WB("w")
      "         ORDER BY w.account, w.post_id, w.fetched_at DESC) po"
      " GROUP BY account" },
    { "statistics of sc_wb", "ANALYZE pg_temp.sc_wb" },
    /* The ranks in the same statement, from one sort: rank_all is the row
     * number in (bci DESC, account) order, rank_scope the running count of
     * the row's own scope in that order (two scopes, central and local; a
     * PARTITION BY scope window would sort again, and a narrow projection
     * joined back sorts twice more). */
    { "BCI",
      "INSERT INTO score.bci "
      "WITH raw AS ("
      "  SELECT acc.account, acc.name, acc.org_key, acc.level, acc.province, acc.function,"
      "         CASE WHEN acc.level = 'central' THEN 'central' ELSE 'local' END AS scope,"
      "         f.f_last, f.f_first, CASE WHEN f.f_first IS NOT NULL THEN greatest(f.f_last - f.f_first, 0) END AS newf,"
      "         f.f_last_at, f.f_first_at,"
      "         CASE WHEN f.f_first IS NULL THEN 'no ok follower snapshot from ' || to_char(p.wb_t0_lo AT TIME ZONE p.period_timezone, 'YYYY-MM-DD')"
      "              || ' to ' || to_char(p.wb_t0_hi AT TIME ZONE p.period_timezone, 'YYYY-MM-DD') || CASE p.bci_window WHEN 'year' THEN ' (near 1 January, the start of the Weibo window)'"
      "                 ELSE ' (near the period start)' END || ' other than the end one' END AS newf_missing,"
      "         coalesce(x.posts, 0) AS posts, coalesce(x.originals, 0) AS originals,"
      "         coalesce(x.reposts_made, 0) AS reposts_made, coalesce(x.replies, 0) AS replies,"
      "         coalesce(x.mentions, 0) AS mentions, coalesce(x.rr, 0) AS rr, coalesce(x.cr, 0) AS cr,"
      "         coalesce(x.orr, 0) AS orr, coalesce(x.ocr, 0) AS ocr, coalesce(x.srr, 0) AS srr,"
      "         coalesce(x.scr, 0) AS scr"
      "    FROM src.weibo_account acc JOIN pg_temp.sc_wb f ON f.account = acc.account AND f.kind = 'f'"
      "    LEFT JOIN pg_temp.sc_wb x ON x.account = acc.account AND x.kind = 'p' CROSS JOIN pg_temp.sc_p p"
      "), sub AS ("
      "  SELECT raw.*, p.run_id,"
      "         p.bci_sub_k * (p.bci_coverage_w_followers * score.ln_off(f_last, p.bci_log_offset)"
      "                      + p.bci_coverage_w_new_followers * score.ln_off(newf, p.bci_log_offset)) AS cov,"
      "         p.bci_sub_k * (p.bci_activity_w_posts * score.ln_off(posts, p.bci_log_offset)"
      "                      + p.bci_activity_w_originals * score.ln_off(originals, p.bci_log_offset)"
      "                      + p.bci_activity_w_reposts * score.ln_off(reposts_made, p.bci_log_offset)) AS act,"
      "         p.bci_sub_k * (p.bci_interaction_w_replies * score.ln_off(replies, p.bci_log_offset)"
      "                      + p.bci_interaction_w_mentions * score.ln_off(mentions, p.bci_log_offset)) AS inter,"
      "         p.bci_sub_k * (p.bci_propagation_w_reposts * score.ln_off(rr, p.bci_log_offset)"
      "                      + p.bci_propagation_w_comments * score.ln_off(cr, p.bci_log_offset)"
      "                      + p.bci_propagation_w_orig_reposts * score.ln_off(orr, p.bci_log_offset)"
      "                      + p.bci_propagation_w_second_reposts * score.ln_off(srr, p.bci_log_offset)"
      "                      + p.bci_propagation_w_orig_comments * score.ln_off(ocr, p.bci_log_offset)"
      "                      + p.bci_propagation_w_second_comments * score.ln_off(scr, p.bci_log_offset)) AS prop,"
      "         p.bci_w_coverage, p.bci_w_activity, p.bci_w_interaction, p.bci_w_propagation"
      "    FROM raw CROSS JOIN pg_temp.sc_p p OFFSET 0"
      "), s AS ("
      "  SELECT sub.*, bci_w_coverage * cov + bci_w_activity * act + bci_w_interaction * inter"
      "              + bci_w_propagation * prop AS bci FROM sub OFFSET 0"
      ") "
      "SELECT run_id, account, name, org_key, level, scope, province, function, f_last, f_first, newf,"
      "       posts, originals, reposts_made, replies, mentions, rr, cr, orr, ocr, srr, scr,"
      "       cov, act, inter, prop, bci, row_number() OVER w,"
      "       CASE WHEN scope = 'central' THEN count(*) FILTER (WHERE scope = 'central') OVER w"
      "            ELSE count(*) FILTER (WHERE scope <> 'central') OVER w END,"
      "       f_last_at, f_first_at, newf_missing"
      "  FROM s WINDOW w AS (ORDER BY bci DESC, account ROWS UNBOUNDED PRECEDING)"
      /* In the key's order: each insert then lands on the rightmost leaf of
       * bci_pkey (run_id, account), which btree reaches without a descent;
       * in rank order every row was a descent to a random leaf (1.1 s
       * against 0.75 s for the 186,697 rows of the report's scale). */
      " ORDER BY account" },
    { "combined index",
      "INSERT INTO score.combined "
      "WITH w AS ("
      "  SELECT DISTINCT ON (org_key) org_key, biz, wci FROM score.wci"
      "   WHERE run_id = " SC(run) " AND org_key IS NOT NULL"
      "   ORDER BY org_key, wci DESC, biz"
      "), b AS ("
      "  SELECT DISTINCT ON (org_key) org_key, account, bci FROM score.bci"
      "   WHERE run_id = " SC(run) " AND org_key IS NOT NULL"
      "   ORDER BY org_key, bci DESC, account"
      "), s AS ("
      "  SELECT p.run_id, o.org_key, o.name, o.level,"
      "         CASE WHEN o.level = 'central' THEN 'central' ELSE 'local' END AS scope,"
      "         o.province, o.function, w.biz, b.account, w.wci, b.bci,"
      "         p.combined_w_wci * w.wci + p.combined_w_bci * b.bci AS combined"
      "    FROM w JOIN b USING (org_key) JOIN src.organisation o USING (org_key) CROSS JOIN pg_temp.sc_p p"
      ") "
      "SELECT s.*, row_number() OVER (ORDER BY combined DESC, org_key),"
      "       row_number() OVER (PARTITION BY scope ORDER BY combined DESC, org_key)"
      "  FROM s" },
    { "app listings",
      "INSERT INTO score.app_listing "
      "WITH l AS ("
      "  SELECT DISTINCT ON (l.store, l.listing_id) l.*"
      "    FROM obs.app_listing l, pg_temp.sc_p p"
      "   WHERE l.status = 'ok'" STOCK_END("l")
      "   ORDER BY l.store, l.listing_id, abs(extract(epoch FROM l.fetched_at - p.t1)), l.fetched_at"
      ") "
      "SELECT p.run_id, l.store, l.listing_id, a.app_key, a.name, a.level, a.province, l.downloads,"
      "       l.downloads_capped, l.downloads_raw, l.rating_count, l.rating_avg, l.fetched_at,"
      "       CASE WHEN l.downloads IS NULL THEN NULL ELSE row_number() OVER ("
      "            PARTITION BY l.store, l.downloads IS NULL ORDER BY l.downloads DESC, a.app_key, l.listing_id) END"
      "  FROM l JOIN src.store_listing sl ON sl.store = l.store AND sl.listing_id = l.listing_id"
      "  JOIN src.app a ON a.app_key = sl.app_key CROSS JOIN pg_temp.sc_p p" },
    { "app totals",
      "INSERT INTO score.app_total "
      "SELECT s.*, row_number() OVER (ORDER BY downloads DESC, app_key) FROM ("
      "  SELECT l.run_id, l.app_key, min(l.app_name), min(l.level), min(l.province),"
      "         count(DISTINCT l.store)::integer, sum(l.downloads)::bigint AS downloads"
      "    FROM score.app_listing l WHERE l.run_id = " SC(run) " AND l.downloads IS NOT NULL"
      "   GROUP BY l.run_id, l.app_key) s" },
    { "app store summary",
      "INSERT INTO score.app_store "
      "SELECT run_id, store, count(*)::integer, count(downloads)::integer, coalesce(sum(downloads), 0)::bigint,"
      "       avg(downloads)::float8"
      "  FROM score.app_listing WHERE run_id = " SC(run) " GROUP BY run_id, store" },
    { "app province summary",
      "INSERT INTO score.app_province "
      "SELECT run_id, coalesce(province, '(central)'), count(*)::integer, sum(downloads)::bigint,"
      "       avg(downloads)::float8"
      "  FROM score.app_total WHERE run_id = " SC(run)
      " GROUP BY run_id, coalesce(province, '(central)')" },
    { "distributions",
      "INSERT INTO score.distribution "
      "WITH s AS ("
      "  SELECT 'wechat' AS platform, coalesce(w.province, '(none)') AS pv, w.level AS lv,"
      "         coalesce(w.function, '(none)') AS fn, w.wci AS score, m.mean, m.total"
      "    FROM (SELECT sum(wci) / count(*) AS mean, count(*) AS total FROM score.wci"
      "           WHERE run_id = " SC(run) ") m CROSS JOIN score.wci w WHERE w.run_id = " SC(run)
      "  UNION ALL"
      "  SELECT 'weibo', coalesce(b.province, '(none)'), b.level, coalesce(b.function, '(none)'), b.bci, m.mean, m.total"
      "    FROM (SELECT sum(bci) / count(*) AS mean, count(*) AS total FROM score.bci"
      "           WHERE run_id = " SC(run) ") m CROSS JOIN score.bci b WHERE b.run_id = " SC(run)
      ") "
      /* One pass over the run's rows, hashed into the three dimensions at
       * once (grouping sets), each row carrying its platform's mean and count
       * (one row per platform, computed first). The rows three times over,
       * joined to the means and grouped, took twice as long (1.1 s at the
       * report's scale); joined to a two-row table of both platforms' means,
       * a tenth longer (every row compared with both). Means as sum / count:
       * what avg(float8) computes, without its sum of squares. */
      "SELECT " SC(run) ", x.platform, x.dimension, x.value, x.n, x.n::float8 / x.total, x.mean_score, x.above"
      "  FROM (SELECT s.platform, s.total,"
      "               CASE WHEN GROUPING(s.pv) = 0 THEN 'province' WHEN GROUPING(s.lv) = 0 THEN 'level'"
      "                    ELSE 'function' END AS dimension,"
      "               CASE WHEN GROUPING(s.pv) = 0 THEN s.pv WHEN GROUPING(s.lv) = 0 THEN s.lv ELSE s.fn END AS value,"
      "               count(*)::integer AS n, sum(s.score) / count(*) AS mean_score,"
      "               count(*) FILTER (WHERE s.score > s.mean)::integer AS above"
      "          FROM s"
      "         GROUP BY GROUPING SETS ((s.platform, s.total, s.pv), (s.platform, s.total, s.lv),"
      "                                 (s.platform, s.total, s.fn))) x" },
    { "unscored registry entries",
      "INSERT INTO score.unscored "
      "SELECT p.run_id, 'wechat', acc.biz, acc.name,"
      "       CASE WHEN x.n IS NULL THEN 'no article published in the period was seen (history page or article page)'"
      "            ELSE x.n || ' article(s) published in the period, none with an ok stats snapshot fetched before '"
      "                 || to_char(p.tstat AT TIME ZONE p.period_timezone, 'YYYY-MM-DD HH24:MI') END"
      "  FROM src.wechat_account acc CROSS JOIN pg_temp.sc_p p"
      "  LEFT JOIN (SELECT biz, n + unobserved AS n FROM pg_temp.sc_wa) x ON x.biz = acc.biz"
      " WHERE NOT EXISTS (SELECT 1 FROM score.wci w WHERE w.run_id = " SC(run) " AND w.biz = acc.biz)"
      " UNION ALL "
      "SELECT p.run_id, 'weibo', acc.account, acc.name,"
      "       'no ok follower snapshot from ' || to_char(p.ts_lo AT TIME ZONE p.period_timezone, 'YYYY-MM-DD')"
      "       || ' to ' || to_char(p.tstat AT TIME ZONE p.period_timezone, 'YYYY-MM-DD') || ' (near the period end)'"
      "  FROM src.weibo_account acc CROSS JOIN pg_temp.sc_p p"
      /* sc_wb's 'f' rows: score.bci's rows are the registry's accounts found there */
      " WHERE NOT EXISTS (SELECT 1 FROM pg_temp.sc_wb f WHERE f.account = acc.account AND f.kind = 'f')"
      " UNION ALL "
      "SELECT p.run_id, 'app_listing', sl.store || ':' || sl.listing_id, a.name,"
      "       'no ok listing snapshot from ' || to_char(p.ts_lo AT TIME ZONE p.period_timezone, 'YYYY-MM-DD')"
      "       || ' to ' || to_char(p.tstat AT TIME ZONE p.period_timezone, 'YYYY-MM-DD') || ' (near the period end)'"
      "  FROM src.store_listing sl JOIN src.app a USING (app_key) CROSS JOIN pg_temp.sc_p p"
      " WHERE NOT EXISTS (SELECT 1 FROM score.app_listing l WHERE l.run_id = " SC(run) " AND l.store = sl.store"
      "                     AND l.listing_id = sl.listing_id)" },
    /* The report's own distribution figure (2.11): per scope, the share of
     * accounts whose average reads (likes) per article are above the mean of
     * those averages. */
    { "shares above the mean",
      "CREATE TEMP TABLE sc_above ON COMMIT DROP AS "
      "WITH a AS (SELECT scope, reads::float8 / articles AS r, likes::float8 / articles AS z FROM score.wci"
      "            WHERE run_id = " SC(run) "),"
      " m AS (SELECT scope, avg(r) AS mr, avg(z) AS mz FROM a GROUP BY scope) "
      "SELECT a.scope, v.what, avg(v.above::integer)::float8 AS share FROM a JOIN m USING (scope)"
      " CROSS JOIN LATERAL (VALUES ('reads', a.r > m.mr), ('likes', a.z > m.mz)) v(what, above)"
      " GROUP BY a.scope, v.what" },
    { "aggregates",
      "INSERT INTO score.aggregate "
      "SELECT p.run_id, v.platform, v.metric, v.value FROM pg_temp.sc_p p CROSS JOIN LATERAL (VALUES"
      " ('wechat', 'accounts', (SELECT count(*) FROM score.wci WHERE run_id = " SC(run) ")::float8),"
      " ('wechat', 'articles', (SELECT sum(articles) FROM score.wci WHERE run_id = " SC(run) ")::float8),"
      " ('wechat', 'articles_capped', (SELECT sum(articles_capped) FROM score.wci WHERE run_id = " SC(run) ")::float8),"
      " ('wechat', 'articles_unobserved', (SELECT coalesce(sum(unobserved), 0) FROM pg_temp.sc_wa)::float8),"
      " ('wechat', 'reads', (SELECT sum(reads) FROM score.wci WHERE run_id = " SC(run) ")::float8),"
      " ('wechat', 'likes', (SELECT sum(likes) FROM score.wci WHERE run_id = " SC(run) ")::float8),"
      " ('wechat', 'mean_wci', (SELECT avg(wci) FROM score.wci WHERE run_id = " SC(run) ")),"
      " ('wechat', 'share_wci_above_mean', (SELECT avg((x.wci > x.v)::integer) FROM (SELECT wci, avg(wci) OVER () AS v"
      "      FROM score.wci WHERE run_id = " SC(run) ") x)::float8),"
      " ('wechat', 'cr_reads', (SELECT sum(t.reads) FROM (SELECT reads FROM score.wci WHERE run_id = " SC(run)
      "      ORDER BY reads DESC LIMIT p.report_cr_n) t)::float8"
      "      / nullif((SELECT sum(reads) FROM score.wci WHERE run_id = " SC(run) "), 0)),"
      " ('wechat', 'cr_likes', (SELECT sum(t.likes) FROM (SELECT likes FROM score.wci WHERE run_id = " SC(run)
      "      ORDER BY likes DESC LIMIT p.report_cr_n) t)::float8"
      "      / nullif((SELECT sum(likes) FROM score.wci WHERE run_id = " SC(run) "), 0)),"
      /* Weibo's count, mean and share above it from the distribution step's
       * level rows (every scored account has a level; that step computed the
       * platform's mean and who is above it): one scan of score.bci, not four */
      " ('weibo', 'accounts', (SELECT coalesce(sum(accounts), 0) FROM score.distribution WHERE run_id = " SC(run)
      "      AND platform = 'weibo' AND dimension = 'level')::float8),"
      " ('weibo', 'posts', (SELECT sum(posts) FROM score.bci WHERE run_id = " SC(run) ")::float8),"
      " ('weibo', 'mean_bci', (SELECT sum(mean_score * accounts) / sum(accounts) FROM score.distribution"
      "      WHERE run_id = " SC(run) " AND platform = 'weibo' AND dimension = 'level')),"
      " ('weibo', 'share_bci_above_mean', (SELECT sum(above_mean)::float8 / sum(accounts) FROM score.distribution"
      "      WHERE run_id = " SC(run) " AND platform = 'weibo' AND dimension = 'level')),"
      " ('wechat', 'share_avg_reads_above_mean_central', (SELECT share FROM pg_temp.sc_above WHERE scope = 'central' AND what = 'reads')),"
      " ('wechat', 'share_avg_reads_above_mean_local', (SELECT share FROM pg_temp.sc_above WHERE scope = 'local' AND what = 'reads')),"
      " ('wechat', 'share_avg_likes_above_mean_central', (SELECT share FROM pg_temp.sc_above WHERE scope = 'central' AND what = 'likes')),"
      " ('wechat', 'share_avg_likes_above_mean_local', (SELECT share FROM pg_temp.sc_above WHERE scope = 'local' AND what = 'likes')),"
      " ('combined', 'organisations', (SELECT count(*) FROM score.combined WHERE run_id = " SC(run) ")::float8),"
      " ('combined', 'mean_combined', (SELECT avg(combined) FROM score.combined WHERE run_id = " SC(run) ")),"
      " ('apps', 'listings', (SELECT count(*) FROM score.app_listing WHERE run_id = " SC(run) ")::float8),"
      " ('apps', 'apps', (SELECT count(*) FROM score.app_total WHERE run_id = " SC(run) ")::float8),"
      " ('apps', 'downloads', (SELECT sum(downloads) FROM score.app_total WHERE run_id = " SC(run) ")::float8)"
      ") AS v(platform, metric, value)" },
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* With ex (scorer run --explain), a statement whose result is not needed, or
 * a plain SELECT, is first run as EXPLAIN (ANALYZE, BUFFERS) and its plan
 * printed to ex under the step's name with the time it took; statements that
 * EXPLAIN cannot show (ANALYZE) and ones whose result is needed and that
 * change data (INSERT ... RETURNING) are only timed. A SELECT explained is
 * then run again for its result (it changes nothing). */
/* gr_db_execp(), or with types (the window parameters, some of which a
 * statement may not reference) PQexecParams with those parameter types. */
static enum gr_rc exec_typed(PGconn *conn, const char *sql, int n, const Oid *types, const char *const *params,
                             PGresult **res, char *msg, size_t msglen)
{
    PGresult *r;
    enum gr_rc rc;

    if (!types)
        return gr_db_execp(conn, sql, n, params, res, msg, msglen);
    *res = NULL;
    r = PQexecParams(conn, sql, n, types, params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
        *res = r;
        return GR_OK;
    }
    snprintf(msg, msglen, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    rc = gr_db_classify(conn, r);
    PQclear(r);
    return rc;
}

static enum gr_rc qx(FILE *ex, PGconn *conn, const char *sql, int n, const Oid *types, const char *const *params,
                     PGresult **res, const char *what, char *err, size_t errlen)
{
    char msg[1024];
    PGresult *r = NULL;
    enum gr_rc rc;
    double t0 = ex ? now_ms() : 0;
    bool select = !strncmp(sql, "SELECT", 6);

    if (ex && strncmp(sql, "ANALYZE", 7) != 0 && (!res || select)) {
        static const char pre[] = "EXPLAIN (ANALYZE, BUFFERS) ";
        size_t len = strlen(sql);
        char *esql = malloc(sizeof pre + len);
        if (!esql)
            return GR_ENOMEM;
        memcpy(esql, pre, sizeof pre - 1);
        memcpy(esql + sizeof pre - 1, sql, len + 1);
        rc = exec_typed(conn, esql, n, types, params, &r, msg, sizeof msg);
        free(esql);
        if (rc) {
            snprintf(err, errlen, "scoring step \"%s\" failed: %s", what, msg);
            return rc;
        }
        fprintf(ex, "-- step \"%s\": %.1f ms\n", what, now_ms() - t0);
        for (int i = 0; i < PQntuples(r); i++)
            fprintf(ex, "%s\n", PQgetvalue(r, i, 0));
        fputc('\n', ex);
        PQclear(r);
        r = NULL;
        if (!res)
            return GR_OK;
        t0 = now_ms();
    }
    rc = exec_typed(conn, sql, n, types, params, &r, msg, sizeof msg);
    if (rc) {
        snprintf(err, errlen, "scoring step \"%s\" failed: %s", what, msg);
        return rc;
    }
    if (ex && !(select && res))
        fprintf(ex, "-- step \"%s\": %.1f ms (not explained)\n\n", what, now_ms() - t0);
    if (res)
        *res = r;
    else
        PQclear(r);
    return GR_OK;
}

static void pause_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    if (ms)
        nanosleep(&ts, NULL);
}

enum gr_rc scorer_run(PGconn *conn, const struct scorer_method *m, const struct scorer_run_opts *o,
                      struct scorer_run_result *out, char *err, size_t errlen)
{
    PGresult *res = NULL;
    char *inputs = NULL, watermark[80] = "", mid[32] = "", runid[32] = "";
    char cols[8192], create_p[12288], insert_p[12288];
    bool in_tx = false;
    enum gr_rc rc;
    size_t need;
    char win[WIN_N][64], sql_win[256];
    const char *winp[WIN_N];

    for (int i = 0; i < WIN_N; i++)
        winp[i] = win[i];
    snprintf(sql_win, sizeof sql_win, "SELECT %s FROM pg_temp.sc_p", win_cols);

    memset(out, 0, sizeof *out);
    need = scorer__method_sql_columns(cols, sizeof cols);
    if (need >= sizeof cols) {
        snprintf(err, errlen, "internal: methodology column list too long");
        return GR_EINTERNAL;
    }
    snprintf(create_p, sizeof create_p,
             "CREATE TEMP TABLE sc_p ON COMMIT DROP AS "
             "SELECT NULL::bigint AS run_id, NULL::date AS period_start, NULL::date AS period_end,"
             " NULL::integer AS days, NULL::timestamptz AS t0, NULL::timestamptz AS t1,"
             " NULL::timestamptz AS tstat, NULL::timestamptz AS ts_lo, NULL::timestamptz AS t0_lo,"
             " NULL::timestamptz AS t0_hi, NULL::timestamptz AS wb_t0, NULL::timestamptz AS wb_t0_lo,"
             " NULL::timestamptz AS wb_t0_hi, x.* FROM jsonb_to_record('{}'::jsonb) AS x(%s) WITH NO DATA",
             cols);
    snprintf(insert_p, sizeof insert_p,
             "INSERT INTO pg_temp.sc_p "
             "SELECT NULL, $2::date, $3::date, ($3::date - $2::date + 1),"
             " ($2::date)::timestamp AT TIME ZONE x.period_timezone,"
             " ($3::date + 1)::timestamp AT TIME ZONE x.period_timezone,"
             " ($3::date + 1)::timestamp AT TIME ZONE x.period_timezone"
             "   + make_interval(days => x.period_stat_grace_days::integer),"
             " ($3::date + 1)::timestamp AT TIME ZONE x.period_timezone"
             "   - make_interval(days => x.period_stock_before_days::integer),"
             " ($2::date)::timestamp AT TIME ZONE x.period_timezone"
             "   - make_interval(days => x.period_stock_before_days::integer),"
             " ($2::date)::timestamp AT TIME ZONE x.period_timezone"
             "   + make_interval(days => x.period_stat_grace_days::integer),"
             " w.d::timestamp AT TIME ZONE x.period_timezone,"
             " w.d::timestamp AT TIME ZONE x.period_timezone - make_interval(days => x.period_stock_before_days::integer),"
             " w.d::timestamp AT TIME ZONE x.period_timezone + make_interval(days => x.period_stat_grace_days::integer),"
             " x.* FROM jsonb_to_record($1::jsonb) AS x(%s)"
             " CROSS JOIN LATERAL (SELECT CASE x.bci_window WHEN 'year' THEN make_date(extract(year FROM $3::date)::integer, 1, 1)"
             "                     ELSE $2::date END AS d) w",
             cols);

    /* The session's settings: temp_buffers only counts before the session's
     * first temporary table (a later run of the same session sets the same
     * value again, which PostgreSQL accepts); the others last for the run's
     * transaction. Values from the config, as parameters. */
    if (o->temp_buffers) {
        const char *pa[] = { o->temp_buffers };
        if ((rc = qx(NULL, conn, "SELECT set_config('temp_buffers', $1, false)", 1, NULL, pa, NULL,
                     "session settings (scorer.temp_buffers)", err, errlen)))
            return rc == GR_EDATA ? GR_ECONFIG : rc;
    }
    if ((rc = gr_db_exec(conn, "BEGIN", err, errlen)))
        return rc;
    in_tx = true;
    {
        const char *pa[] = { o->work_mem, o->jit ? "on" : "off" };
        if ((o->work_mem && (rc = qx(NULL, conn, "SELECT set_config('work_mem', $1, true)", 1, NULL, pa, NULL,
                                     "session settings (scorer.work_mem)", err, errlen))) ||
            (rc = qx(NULL, conn, "SELECT set_config('jit', $1, true)", 1, NULL, pa + 1, NULL,
                     "session settings (scorer.jit)", err, errlen))) {
            if (rc == GR_EDATA)
                rc = GR_ECONFIG;
            goto out;
        }
    }

    /* Serialise runs of the same methodology text and period. */
    {
        const char *pa[] = { m->text, o->period_start, o->period_end };
        if ((rc = qx(o->explain, conn, "SELECT pg_advisory_xact_lock(hashtextextended($1 || $2 || $3, 6))", 3, NULL, pa, NULL,
                    "lock", err, errlen)))
            goto out;
    }
    {
        const char *pa[] = { m->name, m->version, m->text, m->path, m->params_json };
        if ((rc = qx(o->explain, conn,
                    "INSERT INTO score.methodology (name, version, sha256, source_path, text, params) "
                    "VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'), $4, $3, $5::jsonb) "
                    "ON CONFLICT (sha256) DO NOTHING",
                    5, NULL, pa, NULL, "store methodology", err, errlen)))
            goto out;
        if ((rc = qx(o->explain, conn,
                    "SELECT methodology_id FROM score.methodology "
                    "WHERE sha256 = encode(sha256(convert_to($1, 'UTF8')), 'hex')",
                    1, NULL, pa + 2, &res, "find methodology", err, errlen)))
            goto out;
        snprintf(mid, sizeof mid, "%s", PQgetvalue(res, 0, 0));
        PQclear(res);
        res = NULL;
    }
    /* The parameters first: the inputs are counted inside the run's windows. */
    if ((rc = qx(o->explain, conn, create_p, 0, NULL, NULL, NULL, "parameters table", err, errlen)))
        goto out;
    {
        const char *pa[] = { m->sql_json, o->period_start, o->period_end };
        /* The only data here is the methodology's (e.g. an unknown period.timezone). */
        if ((rc = qx(o->explain, conn, insert_p, 3, NULL, pa, NULL, "parameters", err, errlen))) {
            if (rc == GR_EDATA) {
                size_t n = strlen(err);
                snprintf(err + n, errlen - n, " (check %s)", m->path);
                rc = GR_ECONFIG;
            }
            goto out;
        }
    }
    {
        if ((rc = qx(o->explain, conn, sql_win, 0, NULL, NULL, &res, "windows", err, errlen)))
            goto out;
        for (int i = 0; i < WIN_N; i++)
            snprintf(win[i], sizeof win[i], "%s", PQgetvalue(res, 0, i));
        PQclear(res);
        res = NULL;
    }
    if ((rc = qx(o->explain, conn, sql_inputs, WIN_N, win_types, winp, &res, "watermark", err, errlen)))
        goto out;
    inputs = strdup(PQgetvalue(res, 0, 0));
    snprintf(watermark, sizeof watermark, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    res = NULL;
    if (!inputs) {
        rc = GR_ENOMEM;
        goto out;
    }
    {
        const char *pa[] = { mid, o->period_start, o->period_end, watermark, o->final ? "t" : "f" };
        /* (--final on a provisional run with the same inputs is a new run) */
        if ((rc = qx(o->explain, conn,
                    "SELECT run_id FROM score.run WHERE methodology_id = $1 AND period_start = $2"
                    " AND period_end = $3 AND watermark = $4 AND (NOT $5::bool OR status = 'final')"
                    " ORDER BY run_id DESC LIMIT 1", 5, NULL, pa, &res, "find identical run", err, errlen)))
            goto out;
        if (PQntuples(res) == 1 && !o->force) {
            int64_t id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
            out->run_id = id;
            out->skipped = true;
            gr_info("run %lld already scored methodology %s (%s) over %s..%s with the same inputs; "
                    "nothing to do (use --force to score again)",
                    (long long)id, m->name, m->version, o->period_start, o->period_end);
            PQclear(res);
            res = NULL;
            rc = gr_db_exec(conn, "ROLLBACK", err, errlen);
            in_tx = false;
            goto out;
        }
        PQclear(res);
        res = NULL;
    }

    {
        const char *pa[] = { mid, m->sql_json, watermark, inputs, o->force ? "t" : "f",
                             o->period_kind, o->period_label, o->final ? "t" : "f" };
        /* Final once the settle days had passed at the newest observation's
         * fetch time (the pipeline's own clock, not the database's). */
        if ((rc = qx(o->explain, conn,
                    "WITH n AS (SELECT max((v ->> 2)::timestamptz) AS t FROM jsonb_each($4::jsonb) e(k, v)"
                    "            WHERE k LIKE 'obs.%' AND jsonb_typeof(v) = 'array') "
                    "INSERT INTO score.run (methodology_id, period_start, period_end, period_days,"
                    " window_start, window_end, stat_cutoff, weibo_window_start, params_effective, watermark, inputs, forced,"
                    " started_at, finished_at, period_kind, period, newest_input_at, status, forced_final) "
                    "SELECT $1, period_start, period_end, days, t0, t1, tstat, wb_t0, $2::jsonb, $3, $4::jsonb, $5,"
                    " clock_timestamp(), clock_timestamp(), $6, $7, n.t,"
                    " CASE WHEN $8::bool OR n.t >= p.tstat THEN 'final' ELSE 'provisional' END,"
                    " $8::bool AND NOT coalesce(n.t >= p.tstat, false)"
                    " FROM pg_temp.sc_p p, n RETURNING run_id, status",
                    8, NULL, pa, &res, "create run", err, errlen)))
            goto out;
        snprintf(runid, sizeof runid, "%s", PQgetvalue(res, 0, 0));
        snprintf(out->status, sizeof out->status, "%s", PQgetvalue(res, 0, 1));
        PQclear(res);
        res = NULL;
    }
    {
        const char *pa[] = { runid };
        if ((rc = qx(o->explain, conn, "UPDATE pg_temp.sc_p SET run_id = $1", 1, NULL, pa, NULL, "parameters", err, errlen)) ||
            (rc = qx(o->explain, conn, "ANALYZE pg_temp.sc_p", 0, NULL, NULL, NULL, "parameters", err, errlen)))
            goto out;
    }
    gr_info("run %s: methodology %s (%s), period %s..%s", runid, m->name, m->version, o->period_start,
            o->period_end);

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        gr_debug("run %s: %s", runid, steps[i].what);
        if ((rc = qx(o->explain, conn, steps[i].sql, WIN_N, win_types, winp, NULL, steps[i].what, err, errlen)))
            goto out;
        pause_ms(o->pause_ms);
    }
    {
        const char *pa[] = { runid };
        if ((rc = qx(o->explain, conn,
                    "UPDATE score.run SET finished_at = clock_timestamp(),"
                    " wechat_accounts = (SELECT count(*) FROM score.wci WHERE run_id = $1),"
                    " weibo_accounts = (SELECT count(*) FROM score.bci WHERE run_id = $1),"
                    " organisations = (SELECT count(*) FROM score.combined WHERE run_id = $1),"
                    " app_listings = (SELECT count(*) FROM score.app_listing WHERE run_id = $1)"
                    " WHERE run_id = $1"
                    " RETURNING wechat_accounts, weibo_accounts, organisations, app_listings",
                    1, NULL, pa, &res, "finish run", err, errlen)))
            goto out;
        out->wechat = strtol(PQgetvalue(res, 0, 0), NULL, 10);
        out->weibo = strtol(PQgetvalue(res, 0, 1), NULL, 10);
        out->combined = strtol(PQgetvalue(res, 0, 2), NULL, 10);
        out->listings = strtol(PQgetvalue(res, 0, 3), NULL, 10);
        PQclear(res);
        res = NULL;
    }
    if ((rc = gr_db_exec(conn, "COMMIT", err, errlen)))
        goto out;
    in_tx = false;
    out->run_id = strtoll(runid, NULL, 10);
out:
    PQclear(res);
    if (in_tx) {
        char e2[256];
        (void)gr_db_exec(conn, "ROLLBACK", e2, sizeof e2);
    }
    free(inputs);
    return rc;
}
