/* The scorer: methodologies, scoring runs, comparisons and the report check.
 *
 * Everything here is linkable without scorer/main.c so tests can call it.
 * All computation of scores happens in PostgreSQL (run.c); C only
 * reads the methodology, passes its parameters as query parameters and
 * drives the one transaction a run is made of. */
#ifndef GR_SCORER_H
#define GR_SCORER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gr_err.h"

/* ---------------------------------------------------------------- methodology */

/* A parsed methodology file. Caller-owned: scorer_method_init() then
 * scorer_method_free(). */
struct scorer_method {
    char *path;         /* file path as given */
    char *text;         /* full file text (stored with every run) */
    size_t text_len;
    char *name;         /* methodology.name */
    char *version;      /* methodology.version */
    char *params_json;  /* {"section.key": value, ...} every key, defaults applied */
    char *sql_json;     /* the same with effective weights and "section_key" names (for SQL) */
    struct gr_config *cfg;
};

void scorer_method_init(struct scorer_method *m);
void scorer_method_free(struct scorer_method *m);

/* Reads and validates a methodology file (at most 1 MiB). Unknown keys, bad
 * values and inconsistent weights are GR_ECONFIG with "file:line: message" in
 * err; a missing file is GR_ENOINPUT. */
enum gr_rc scorer_method_load(struct scorer_method *m, const char *path, char *err, size_t errlen);

/* The default methodology file: $GOVREACH_SHARE/conf/methodology/2014.conf
 * (static buffer). */
const char *scorer_default_method_path(void);

/* Prints the methodology key table (for --help-methodology). */
void scorer_method_print_keys(FILE *f);

/* ---------------------------------------------------------------- periods */

/* Parses "YYYY-MM-DD..YYYY-MM-DD" (inclusive) into two "YYYY-MM-DD" strings
 * (11 bytes each) and checks that both are real dates with start <= end. */
bool scorer_parse_period(const char *s, char start[11], char end[11]);

/* A period as the scorer names it. */
struct scorer_period {
    char start[11], end[11];    /* "YYYY-MM-DD", both inclusive */
    char kind[8];               /* "month", "week" or "custom" */
    char label[24];             /* "2014-10", "2014-W46" or "2014-10-03..2014-10-09" */
};

/* Parses "YYYY-MM" (a calendar month), "YYYY-Www" (an ISO week, Monday to
 * Sunday) or "YYYY-MM-DD..YYYY-MM-DD"; a range that is exactly a calendar
 * month or an ISO week gets that kind and name. False on anything else. */
bool scorer_period_parse(const char *s, struct scorer_period *p);

/* The calendar month that contains the day "YYYY-MM-DD" (first 7 chars used). */
bool scorer_period_month(const char *yyyy_mm, struct scorer_period *p);

/* ---------------------------------------------------------------- runs */

struct scorer_run_opts {
    const char *period_start;   /* "YYYY-MM-DD" */
    const char *period_end;
    const char *period_kind;    /* "month", "week" or "custom" */
    const char *period_label;   /* "2014-10", "2014-W46" or "START..END" */
    bool force;                 /* run even when an identical run exists */
    bool final;                 /* declare the run final before its settle days have passed */
    unsigned pause_ms;          /* test hook: pause between steps inside the transaction */
    FILE *explain;              /* non-NULL: print EXPLAIN (ANALYZE, BUFFERS) of each step here */
    const char *work_mem;       /* PostgreSQL settings of the run (NULL = the server's) */
    const char *temp_buffers;
    bool jit;
};

struct scorer_run_result {
    int64_t run_id;             /* the new run, or the existing identical one */
    bool skipped;               /* true when an identical run existed and !force */
    char status[16];            /* "final" or "provisional" (empty when skipped) */
    long wechat, weibo, combined, listings;
};

/* Scores one period with one methodology in a single transaction. */
enum gr_rc scorer_run(PGconn *conn, const struct scorer_method *m, const struct scorer_run_opts *o,
                      struct scorer_run_result *out, char *err, size_t errlen);

/* The calendar months that observations loaded since the methodology's last
 * `run --pending` touch (scorer/pending.c has the rule), and the marks that
 * scorer_pending_done() advances to once they are all scored. */
#define SCORER_PENDING_TABLES 8
struct scorer_pending {
    int n;
    char (*months)[8];          /* "YYYY-MM", ascending; owned, freed by scorer_pending_free */
    int nmarks;
    struct {
        char table[32];
        char through[64];       /* latest loaded_at of that table, as text */
    } marks[SCORER_PENDING_TABLES];
};
enum gr_rc scorer_pending(PGconn *conn, const struct scorer_method *m, struct scorer_pending *out, char *err,
                          size_t errlen);
enum gr_rc scorer_pending_done(PGconn *conn, const struct scorer_method *m, const struct scorer_pending *p,
                               char *err, size_t errlen);
void scorer_pending_free(struct scorer_pending *p);

/* Compares two runs, stores the comparison and prints the moves to out.
 * *comparison_id receives the stored comparison. */
enum gr_rc scorer_compare(PGconn *conn, int64_t run_a, int64_t run_b, bool across_periods, FILE *out,
                          int64_t *comparison_id, char *err, size_t errlen);

/* Prints every run, one line each, to out. */
enum gr_rc scorer_list(PGconn *conn, FILE *out, char *err, size_t errlen);

/* ---------------------------------------------------------------- report check */

/* Reads the report table TSVs in dir (the file names of report/tables/) and
 * checks the four identities plus cross-table consistency. Each violation is
 * printed to out as one TSV line:
 *   kind table row name column printed expected size
 * (see scorer/check.c for the kinds). *violations receives their number.
 * Returns GR_ENOINPUT when a table file is missing, GR_EDATA when a file is
 * malformed; finding violations is not an error here (main.c maps a non-zero
 * count to exit status 1). */
enum gr_rc scorer_check_report(const char *dir, FILE *out, size_t *violations, char *err, size_t errlen);

/* ---------------------------------------------------------------- reproduction */

/* Compares run run_id (<= 0: report.run_info(), the latest final run of the
 * default methodology) with the report's table TSVs in dir, row by row (rows
 * matched by name), and prints every difference as TSV (table, row, column,
 * printed, computed, size, status) and then one summary line per table
 * ("表2.1: 20/20 rows within 0.01"). doc_files (NULL-terminated, may be NULL)
 * name the documented differences: expected_violations.tsv rows and `doc`
 * lines (scorer/reproduce.c has the formats); a difference they name is
 * printed as "documented: REASON" and not counted. *failures receives the
 * number of the others. periods_path is the periods file
 * (conf/report/periods_2014.tsv: which period each table is of; a table on its
 * `month` line or on none is compared with run_id, a table of another period
 * with the latest run of that period under run_id's methodology).
 * GR_ENOINPUT: a table, a file or the run is missing; GR_EDATA: a malformed
 * table or periods file (err names file:line). */
enum gr_rc scorer_reproduce(PGconn *conn, const char *dir, int64_t run_id, const char *periods_path,
                            const char *const *doc_files, FILE *out, size_t *failures, char *err, size_t errlen);

#endif
