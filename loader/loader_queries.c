/* loader candidates queries: the Sogou search queries of account discovery,
 * seeded into the crawl frontier (issue 16).
 *
 * The queries, built in SQL from what is already in the database plus one
 * words file (conf/discovery_words.tsv, the one place for the words):
 *   - every division name of src.division at province, city and county level
 *     (the placeholders 市辖区, 县 and 省直辖县级行政区划 name no place).
 *     Townships and streets are not queried: a township body writes its
 *     county's chain (南京市江宁区淳化街道办事处), so the county's query finds
 *     it, and 41,000 township queries would mostly come back empty;
 *   - the words of scope alone (the report's function words: 发布, 公安 ...);
 *   - every province's full name followed by each word of scope province
 *     (江苏省公安): a province holds more province-level accounts than the
 *     100 results Sogou shows for one query;
 *   - the central bodies the classifier lists (the alternatives of the
 *     central rules on the body in src.classify_rule, loaded from
 *     conf/classify.tsv first), so central accounts are found by their body.
 * Each query is a target row (sogou_query, the query) seeded through
 * loader_seed_targets, the one seeding path: the Sogou source
 * (lib/sources/sogou.c) turns it into its page-1 URL, and the crawler pages
 * on from there (next-page links) under weixin.sogou.com's own limits
 * ([host:weixin.sogou.com] in the config). Seeding is idempotent (a URL
 * already in the frontier is left as it is), so a rerun adds nothing and an
 * interrupted crawl resumes from the frontier like every crawl. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_util.h"
#include "loader.h"

#define WORDS_MAX (4u << 20)

/* Reads the words file into COPY rows (word, scope, line) of t_words. */
static enum gr_rc parse_words(const char *path, struct gr_buf *copy, long *nwords)
{
    FILE *f = fopen(path, "rb");
    char line[8192];
    long ln = 0;
    bool header = false;
    enum gr_rc rc = GR_OK;

    if (!f) {
        gr_error("cannot open the words file %s: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    *nwords = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        char *word, *scope, *evidence, *t;
        ln++;
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(f)) {
            gr_error("unable to read %s line %ld: longer than %zu bytes", path, ln, sizeof line - 1);
            rc = GR_EDATA;
            break;
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (!gr_utf8_valid(line, len)) {
            gr_error("unable to read %s line %ld: not valid UTF-8", path, ln);
            rc = GR_EDATA;
            break;
        }
        word = line;
        scope = (t = strchr(word, '\t')) ? (*t = '\0', t + 1) : NULL;
        evidence = scope && (t = strchr(scope, '\t')) ? (*t = '\0', t + 1) : NULL;
        if (!evidence || strchr(evidence, '\t')) {
            gr_error("unable to read %s line %ld: expected 3 tab-separated fields (word scope evidence)", path, ln);
            rc = GR_EDATA;
            break;
        }
        if (!header) {
            if (strcmp(word, "word") || strcmp(scope, "scope") || strcmp(evidence, "evidence")) {
                gr_error("unable to read %s line %ld: expected the header word\\tscope\\tevidence", path, ln);
                rc = GR_EDATA;
            }
            header = true;
            continue;
        }
        if (!*word || strchr(word, ' ') || strchr(word, '\\')) {
            gr_error("unable to read %s line %ld: the word must be non-empty, without spaces or backslashes", path, ln);
            rc = GR_EDATA;
            break;
        }
        if (strcmp(scope, "alone") && strcmp(scope, "province")) {
            gr_error("unable to read %s line %ld: scope \"%s\" must be alone or province", path, ln, scope);
            rc = GR_EDATA;
            break;
        }
        if (!*evidence) {
            gr_error("unable to read %s line %ld: the word \"%s\" has no evidence", path, ln, word);
            rc = GR_EDATA;
            break;
        }
        rc = gr_buf_printf(copy, "%s\t%s\t%ld\n", word, scope, ln);
        (*nwords)++;
    }
    if (!rc && ferror(f)) {
        gr_error("cannot read %s: %s", path, strerror(errno));
        rc = GR_EIO;
    }
    if (!rc && !header) {
        gr_error("unable to read %s: no header line (word scope evidence)", path);
        rc = GR_EDATA;
    }
    fclose(f);
    return rc;
}

/* The queries, one a row, distinct; $1: the limit (NULL: all). */
static const char queries_sql[] =
    "CREATE TEMP TABLE t_queries ON COMMIT DROP AS"
    " SELECT q FROM ("
    "   SELECT name AS q, 1 AS ord FROM src.division"
    "    WHERE level IN ('province', 'city', 'county') AND name NOT IN ('市辖区', '县') AND name !~ '直辖县级'"
    "   UNION SELECT word, 2 FROM t_words WHERE scope = 'alone'"
    "   UNION SELECT p.name || w.word, 3 FROM src.division p CROSS JOIN t_words w"
    "    WHERE p.level = 'province' AND w.scope = 'province'"
    "   UNION SELECT alt, 4 FROM src.classify_rule r,"
    "          regexp_split_to_table(substring(r.pattern FROM '^\\^\\((.*)\\)$'), '\\|') alt"
    "    WHERE r.kind = 'central' AND r.field = 'body' AND alt ~ '^[^.*+?()\\[\\]{}|^$\\\\]+$') x"
    " GROUP BY q ORDER BY min(ord), q LIMIT $1::bigint";

enum gr_rc loader_queries_run(PGconn *conn, const char *rules_path, int argc, char **argv)
{
    char words[4096], rules[4096], err[2048], limit_s[32] = "";
    const char *params[1];
    struct gr_buf copy;
    PGresult *res = NULL;
    long nwords = 0;
    bool in_tx = false;
    enum gr_rc rc;

    snprintf(words, sizeof words, "%s/conf/discovery_words.tsv", gr_share_dir());
    snprintf(rules, sizeof rules, "%s", rules_path);
    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            if (!gr_parse_i64(argv[++i], &v) || v < 1) {
                fprintf(stderr, "loader: candidates queries --limit: expected a positive integer, got \"%s\"; try --help\n",
                        argv[i]);
                return GR_EUSAGE;
            }
            snprintf(limit_s, sizeof limit_s, "%lld", (long long)v);
        } else if (!strcmp(argv[i], "--words") && i + 1 < argc) {
            snprintf(words, sizeof words, "%s", argv[++i]);
        } else if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
            snprintf(rules, sizeof rules, "%s", argv[++i]);
        } else {
            fprintf(stderr, "loader: candidates queries: unexpected \"%s\"; try --help\n", argv[i]);
            return GR_EUSAGE;
        }
    }
    gr_buf_init(&copy, WORDS_MAX);
    if ((rc = parse_words(words, &copy, &nwords)))
        goto out;
    if ((rc = gr_db_exec(conn, "BEGIN", err, sizeof err)))
        goto dberr;
    in_tx = true;
    if ((rc = gr_db_execp(conn, "SELECT count(*) FROM src.division", 0, NULL, &res, err, sizeof err)))
        goto dberr;
    if (!strcmp(PQgetvalue(res, 0, 0), "0")) {
        gr_error("src.division is empty: run `loader divisions` before `loader candidates queries`");
        rc = GR_ENOINPUT;
        goto out;
    }
    PQclear(res);
    res = NULL;
    /* the central bodies come from the rules in force: load them first */
    if ((rc = loader_candidates_rules(conn, rules)))
        goto out;
    if ((rc = gr_db_exec(conn, "CREATE TEMP TABLE t_words (word text, scope text, line bigint) ON COMMIT DROP", err,
                         sizeof err)) ||
        (rc = loader_copy_buf(conn, "COPY t_words FROM STDIN", &copy, err, sizeof err)))
        goto dberr;
    params[0] = limit_s[0] ? limit_s : NULL;
    if ((rc = gr_db_execp(conn, queries_sql, 1, params, &res, err, sizeof err)))
        goto dberr;
    gr_info("%s queries: %ld words from %s, the gazetteer's names, the central bodies of %s", PQcmdTuples(res),
            nwords, words, rules);
    PQclear(res);
    res = NULL;
    if ((rc = loader_seed_targets(conn, "SELECT 'sogou_query', q, NULL, NULL FROM t_queries ORDER BY q", err,
                                  sizeof err)))
        goto dberr;
    if ((rc = gr_db_execp(conn, "SELECT count(*) FROM t_queries", 0, NULL, &res, err, sizeof err)))
        goto dberr;
    gr_notice("search queries: %s seeded through the Sogou source (weixin.sogou.com)", PQgetvalue(res, 0, 0));
    PQclear(res);
    res = NULL;
    if ((rc = gr_db_exec(conn, "COMMIT", err, sizeof err)))
        goto dberr;
    in_tx = false;
    goto out;
dberr:
    gr_error("unable to seed the search queries: %s", err);
out:
    PQclear(res);
    if (in_tx)
        gr_db_rollback(conn);
    gr_buf_free(&copy);
    return rc;
}
