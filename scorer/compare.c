/* `scorer compare RUN_A RUN_B` and `scorer list`.
 *
 * A comparison joins the two runs' WCI, BCI, combined and app-total lists
 * entity by entity (FULL JOIN, so entries and exits show as new/dropped),
 * stores every row in score.comparison_row in one transaction, then prints
 * the rows that moved: rank changed, score changed by at least 0.005, or
 * present in only one run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_db.h"
#include "scorer.h"

static const char *const compare_sql[] = {
    "INSERT INTO score.comparison_row "
    "SELECT $1, 'wci', coalesce(a.biz, b.biz), coalesce(b.name, a.name), a.rank_all, b.rank_all,"
    "       a.rank_all - b.rank_all, a.wci, b.wci, b.wci - a.wci,"
    "       CASE WHEN a.biz IS NULL THEN 'new' WHEN b.biz IS NULL THEN 'dropped' ELSE 'both' END"
    "  FROM (SELECT * FROM score.wci WHERE run_id = $2) a"
    "  FULL JOIN (SELECT * FROM score.wci WHERE run_id = $3) b ON a.biz = b.biz",
    "INSERT INTO score.comparison_row "
    "SELECT $1, 'bci', coalesce(a.account, b.account), coalesce(b.name, a.name), a.rank_all, b.rank_all,"
    "       a.rank_all - b.rank_all, a.bci, b.bci, b.bci - a.bci,"
    "       CASE WHEN a.account IS NULL THEN 'new' WHEN b.account IS NULL THEN 'dropped' ELSE 'both' END"
    "  FROM (SELECT * FROM score.bci WHERE run_id = $2) a"
    "  FULL JOIN (SELECT * FROM score.bci WHERE run_id = $3) b ON a.account = b.account",
    "INSERT INTO score.comparison_row "
    "SELECT $1, 'combined', coalesce(a.org_key, b.org_key), coalesce(b.name, a.name), a.rank_all, b.rank_all,"
    "       a.rank_all - b.rank_all, a.combined, b.combined, b.combined - a.combined,"
    "       CASE WHEN a.org_key IS NULL THEN 'new' WHEN b.org_key IS NULL THEN 'dropped' ELSE 'both' END"
    "  FROM (SELECT * FROM score.combined WHERE run_id = $2) a"
    "  FULL JOIN (SELECT * FROM score.combined WHERE run_id = $3) b ON a.org_key = b.org_key",
    "INSERT INTO score.comparison_row "
    "SELECT $1, 'app', coalesce(a.app_key, b.app_key), coalesce(b.name, a.name), a.rank, b.rank,"
    "       a.rank - b.rank, a.downloads, b.downloads, b.downloads - a.downloads,"
    "       CASE WHEN a.app_key IS NULL THEN 'new' WHEN b.app_key IS NULL THEN 'dropped' ELSE 'both' END"
    "  FROM (SELECT * FROM score.app_total WHERE run_id = $2) a"
    "  FULL JOIN (SELECT * FROM score.app_total WHERE run_id = $3) b ON a.app_key = b.app_key",
};

static void print_cell(FILE *out, const PGresult *res, int row, int col, bool num)
{
    if (PQgetisnull(res, row, col)) {
        fputs("-", out);
    } else if (num) {
        fprintf(out, "%.2f", strtod(PQgetvalue(res, row, col), NULL));
    } else {
        fputs(PQgetvalue(res, row, col), out);
    }
}

enum gr_rc scorer_compare(PGconn *conn, int64_t run_a, int64_t run_b, bool across_periods, FILE *out,
                          int64_t *comparison_id, char *err, size_t errlen)
{
    char a[32], b[32], cid[32], per_a[40] = "", per_b[40] = "";
    const char *pa[3] = { NULL, a, b };
    PGresult *res = NULL;
    bool in_tx = false;
    enum gr_rc rc;

    snprintf(a, sizeof a, "%" PRId64, run_a);
    snprintf(b, sizeof b, "%" PRId64, run_b);
    if ((rc = gr_db_exec(conn, "BEGIN", err, errlen)))
        return rc;
    in_tx = true;
    if ((rc = gr_db_execp(conn,
                          "SELECT (SELECT period || ' (' || status || ')' FROM score.run WHERE run_id = $1),"
                          "       (SELECT period || ' (' || status || ')' FROM score.run WHERE run_id = $2),"
                          "       (SELECT period FROM score.run WHERE run_id = $1)"
                          "         IS NOT DISTINCT FROM (SELECT period FROM score.run WHERE run_id = $2)",
                          2, pa + 1, &res, err, errlen)))
        goto out;
    if (PQgetisnull(res, 0, 0) || PQgetisnull(res, 0, 1)) {
        snprintf(err, errlen, "no such run: %s (see `scorer list`)", PQgetisnull(res, 0, 0) ? a : b);
        rc = GR_ENOINPUT;
        goto out;
    }
    snprintf(per_a, sizeof per_a, "%s", PQgetvalue(res, 0, 0));
    snprintf(per_b, sizeof per_b, "%s", PQgetvalue(res, 0, 1));
    if (strcmp(PQgetvalue(res, 0, 2), "t") != 0 && !across_periods) {
        snprintf(err, errlen,
                 "run %s covers %s and run %s covers %s: comparing different periods mixes a change of data with "
                 "a change of method; pass --across-periods to compare them anyway",
                 a, per_a, b, per_b);
        rc = GR_EUSAGE;
        goto out;
    }
    PQclear(res);
    res = NULL;
    if ((rc = gr_db_execp(conn, "INSERT INTO score.comparison (run_a, run_b) VALUES ($1, $2) RETURNING comparison_id",
                          2, pa + 1, &res, err, errlen)))
        goto out;
    snprintf(cid, sizeof cid, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    pa[0] = cid;
    for (size_t i = 0; i < sizeof compare_sql / sizeof compare_sql[0]; i++)
        if ((rc = gr_db_execp(conn, compare_sql[i], 3, pa, &res, err, errlen)))
            goto out;
        else {
            PQclear(res);
            res = NULL;
        }
    if ((rc = gr_db_exec(conn, "COMMIT", err, errlen)))
        goto out;
    in_tx = false;
    *comparison_id = strtoll(cid, NULL, 10);

    /* Summary per list, then the rows that moved. */
    if ((rc = gr_db_execp(conn,
                          "SELECT list, count(*), count(*) FILTER (WHERE rank_move > 0),"
                          " count(*) FILTER (WHERE rank_move < 0), count(*) FILTER (WHERE status = 'new'),"
                          " count(*) FILTER (WHERE status = 'dropped')"
                          " FROM score.comparison_row WHERE comparison_id = $1 GROUP BY list ORDER BY list",
                          1, pa, &res, err, errlen)))
        goto out;
    fprintf(out, "# comparison %s: run %s (%s) -> run %s (%s)\n", cid, a, per_a, b, per_b);
    if (strncmp(per_a, per_b, strcspn(per_a, " ")) != 0 || strcspn(per_a, " ") != strcspn(per_b, " "))
        fprintf(out, "# ACROSS PERIODS: the runs cover different periods; moves mix new data with any change of "
                     "methodology\n");
    for (int i = 0; i < PQntuples(res); i++)
        fprintf(out, "# %s: %s entries, %s up, %s down, %s new, %s dropped\n", PQgetvalue(res, i, 0),
                PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
                PQgetvalue(res, i, 5));
    PQclear(res);
    res = NULL;
    if ((rc = gr_db_execp(conn,
                          "SELECT list, entity, name, rank_a, rank_b, rank_move, score_a, score_b, score_delta, status"
                          "  FROM score.comparison_row WHERE comparison_id = $1"
                          "   AND (status <> 'both' OR rank_move <> 0 OR abs(score_delta) >= 0.005)"
                          " ORDER BY list, coalesce(rank_b, rank_a), entity",
                          1, pa, &res, err, errlen)))
        goto out;
    fputs("list\tentity\tname\trank_a\trank_b\tmove\tscore_a\tscore_b\tdelta\tstatus\n", out);
    for (int i = 0; i < PQntuples(res); i++) {
        for (int c = 0; c < 10; c++) {
            if (c)
                fputc('\t', out);
            print_cell(out, res, i, c, c >= 6 && c <= 8);
        }
        fputc('\n', out);
    }
out:
    PQclear(res);
    if (in_tx) {
        char e2[256];
        (void)gr_db_exec(conn, "ROLLBACK", e2, sizeof e2);
    }
    return rc;
}

enum gr_rc scorer_list(PGconn *conn, FILE *out, char *err, size_t errlen)
{
    PGresult *res = NULL;
    enum gr_rc rc = gr_db_execp(conn,
                                "SELECT r.run_id, m.name, m.version, left(m.sha256, 12), r.period, r.status, r.period_start, r.period_end,"
                                " to_char(r.finished_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF'), r.wechat_accounts,"
                                " r.weibo_accounts, r.organisations, r.app_listings,"
                                " CASE WHEN r.forced THEN 'forced' ELSE '' END"
                                " FROM score.run r JOIN score.methodology m USING (methodology_id)"
                                " ORDER BY r.run_id",
                                0, NULL, &res, err, errlen);
    if (rc)
        return rc;
    fputs("run\tmethodology\tversion\tsha256\tperiod\tstatus\tperiod_start\tperiod_end\tfinished_at\twechat\tweibo\t"
          "combined\tlistings\tnote\n",
          out);
    for (int i = 0; i < PQntuples(res); i++) {
        for (int c = 0; c < PQnfields(res); c++)
            fprintf(out, "%s%s", c ? "\t" : "", PQgetvalue(res, i, c));
        fputc('\n', out);
    }
    PQclear(res);
    return GR_OK;
}
