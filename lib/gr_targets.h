/* Reading the target lists (the CSV files of conf/targets/, conf/targets/FORMAT.md): one
 * CSV reader on libcsv for every program that reads them (the loader, which
 * stores them, and simweb, which serves what they name).
 *
 * A file is RFC 4180 CSV, UTF-8 (a byte-order mark before the header is
 * accepted), whose first record is a header naming the columns. The reader
 * checks what every reader would: valid UTF-8 without NUL bytes in every
 * field, at most GR_TARGETS_MAX_COLS columns, every record as long as the
 * header; it skips blank lines. What the columns mean is the caller's. */
#ifndef GR_TARGETS_H
#define GR_TARGETS_H

#include <stddef.h>

#include "gr_err.h"

#define GR_TARGETS_MAX_COLS 64

struct gr_targets_row {
    const char *path;
    long line;              /* record number: the header is 1 */
    int n;                  /* fields */
    char *const *f;         /* their values, NUL-terminated; owned by the reader, valid during the call */
    int ncols;              /* the header's columns (for line 1: n) */
    char *const *cols;
};

/* Called for the header (line 1) and then for every record. GR_OK goes on;
 * any other code stops the reading with it, msg (may stay empty) saying why. */
typedef enum gr_rc (*gr_targets_row_cb)(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen);

/* Reads path, calling cb per record. On failure err holds "PATH line N:
 * message" (*line_out = N), or "cannot open PATH: reason" (*line_out = 0,
 * GR_ENOINPUT when it does not exist, else GR_EIO). line_out may be NULL. */
enum gr_rc gr_targets_read(const char *path, gr_targets_row_cb cb, void *arg, long *line_out, char *err,
                           size_t errlen);

/* The value of column name in r, or "" when the file has no such column. */
const char *gr_targets_col(const struct gr_targets_row *r, const char *name);

#endif
