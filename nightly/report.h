/* govreach report: a static HTML report (with CSV and JSON beside it) of one
 * scoring period, read from the report.* views and functions in one
 * read-only transaction. Linkable without main.c.
 *
 *   report.c       orchestration: output directory, assets, the nightly layout
 *   report_data.c  the database side: which report.* objects, one snapshot
 *   report_html.c  the page (every text HTML-escaped)
 *   report_csv.c   CSV (UTF-8 with BOM, libcsv quoting) and the JSON file */
#ifndef REPORT_H
#define REPORT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

#include "gr_buf.h"
#include "gr_err.h"

struct report_opts {
    const char *conninfo;       /* NULL = PG* environment or the embedded cluster */
    const char *period;         /* NULL = latest final; 'provisional', 'YYYY-MM', ... */
    const char *methodology;    /* NULL = the default methodology */
    const char *out_dir;        /* created when missing */
    int html_rows;              /* rows of a table shown in the page; 0 = every row */
};

/* One table of the page: a report.* view or function result. */
struct report_table {
    const char *name;           /* file and data-view name */
    const char *title;          /* caption (Chinese, as the report) */
    const char *section;        /* where it goes on the page */
    PGresult *res;              /* owned by the report_data */
};

enum { REPORT_MAX_TABLES = 32 };

struct report_data {
    PGresult *run;              /* run_info: one row */
    struct report_table tables[REPORT_MAX_TABLES];
    int ntables;
    char generated_at[40];      /* UTC, ISO 8601 */
};

/* Reads everything the page shows in one BEGIN READ ONLY REPEATABLE READ
 * transaction. GR_ENOINPUT when there is no run for that period and
 * methodology (err says which). report_data_free() accepts a zeroed struct. */
enum gr_rc report_data_read(PGconn *conn, const char *period, const char *methodology, struct report_data *d,
                            char *err, size_t errlen);
void report_data_free(struct report_data *d);
/* The table called name, or NULL. */
const struct report_table *report_data_table(const struct report_data *d, const char *name);
/* The run_info value of column col ("" when NULL or absent); owned by d. */
const char *report_run_value(const struct report_data *d, const char *col);

/* Rows of t the page shows: every row, or at most html_rows (when not 0) of
 * a ranked table (one with a "rank" column); the CSV files have them all. */
int report_table_shown(const struct report_table *t, int html_rows);

/* HTML: appends s with & < > " ' escaped. */
enum gr_rc report_html_escape(struct gr_buf *b, const char *s);
/* The whole page into b. */
enum gr_rc report_html_page(const struct report_data *d, int html_rows, struct gr_buf *b);

/* CSV: one field through libcsv (NULL written as an empty unquoted field). */
enum gr_rc report_csv_field(FILE *f, const char *s, bool first);
/* Writes t as CSV with a UTF-8 BOM and a header line to path. */
enum gr_rc report_csv_write(const struct report_table *t, const char *path, char *err, size_t errlen);
/* The page's data (run and every table) as one JSON text into b, with < > &
 * written as \u escapes so it can sit inside a <script> element. html_rows
 * as for report_table_shown (0: every row, as in data.json). */
enum gr_rc report_json(const struct report_data *d, int html_rows, struct gr_buf *b);

/* Writes the report into o->out_dir: index.html, data.json, csv/NAME.csv and
 * assets/ (ECharts and the page's script). On success *run_status holds
 * "final" or "provisional" (may be NULL). */
enum gr_rc report_write(const struct report_opts *o, char *run_status, size_t run_status_len, char *err,
                        size_t errlen);

/* The nightly layout: the latest final period under SPOOL/report/latest/ and
 * the provisional one under SPOOL/report/provisional/ (each a symlink swapped
 * atomically to a directory per run). A period with no run is skipped. The
 * summary (paths written) goes into detail. */
enum gr_rc report_nightly(const char *conninfo, const char *spool, char *detail, size_t detail_len, char *err,
                          size_t errlen);

#endif
