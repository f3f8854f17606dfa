/* Internal to the scorer's own files (not part of scorer.h's API). */
#ifndef GR_SCORER_INT_H
#define GR_SCORER_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the jsonb_to_record column definition list for the methodology's SQL
 * parameters ("wci_k double precision, ...") into out; returns the length it
 * needed (like snprintf). The names come from the compiled-in key table. */
size_t scorer__method_sql_columns(char *out, size_t outlen);

/* A report table TSV (scorer/check.c reads it; scorer/reproduce.c reuses it):
 * UTF-8, tab-separated, the first line a header, at most TSV_MAX_COLS columns.
 * cells points into buf; both are owned and freed by scorer__tsv_free(). */
#define TSV_MAX_COLS 16
struct tsv {
    char *buf;
    char **cells;     /* rows * ncols */
    int *lines;       /* each row's line in the file (1-based) */
    int rows, ncols;
    char *header[TSV_MAX_COLS];
    const char *name; /* table name without .tsv (borrowed) */
};

/* Reads DIR/NAME.tsv (at most 4 MiB). GR_ENOINPUT when missing, GR_EDATA when
 * malformed (err names the file and line). */
enum gr_rc scorer__tsv_load(struct tsv *t, const char *dir, const char *name, char *err, size_t errlen);
/* Reads the TSV file path (as scorer__tsv_load; name stays NULL); with comments,
 * lines starting with '#' are skipped (conf/report/periods_2014.tsv). */
enum gr_rc scorer__tsv_read(struct tsv *t, const char *path, bool comments, char *err, size_t errlen);
void scorer__tsv_free(struct tsv *t);

#endif
