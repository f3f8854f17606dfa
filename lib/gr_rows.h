/* Parser output rows, already in PostgreSQL COPY text format, one buffer per
 * record type of schema/003_obs.sql (the parser -> loader contract).
 *
 * A row is built field by field between gr_row_begin() and gr_row_end();
 * gr_row_end() appends the four provenance columns (warc_file, warc_offset,
 * url, fetched_at) from the page. Text is escaped for COPY (\\ \t \n \r),
 * NUL bytes are dropped and invalid UTF-8 becomes U+FFFD, so nothing a page
 * contains can break a TSV. Errors are sticky: the first one is returned by
 * gr_row_end(). */
#ifndef GR_ROWS_H
#define GR_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_buf.h"
#include "gr_err.h"

struct gr_page;

enum gr_rec_type {
    GR_REC_WECHAT_ARTICLE,
    GR_REC_WECHAT_STAT,
    GR_REC_WECHAT_HISTORY,
    GR_REC_WEIBO_ACCOUNT,
    GR_REC_WEIBO_POST,
    GR_REC_APP_LISTING,
    GR_REC_DISCOVERED_ACCOUNT,
    GR_REC_PARSE_REJECT,
    GR_REC_COUNT
};

/* The C side of schema/003_obs.sql (and 021_discovered_obs.sql), which is the single source: the record
 * types (enum order = the tables below), their columns, the page statuses of
 * every obs.*.status, the store codes of obs.app_listing.store and
 * src.store_listing.store, and the count stored for a capped read count.
 * tests/integration/schema_contract.sh compares all of them with a migrated
 * database and fails on any difference (bin/contract_dump prints this side). */
extern const char *const gr_status_names[];   /* NULL-terminated, schema order */
extern const char *const gr_store_names[];    /* NULL-terminated, schema order (generated from
                                                 the migrations' store CHECK by lib/module.mk) */
#define GR_READS_CAPPED 100001                /* "10万+" / "100000+" (capped = true) */

/* Record type name (the obs table and the file name part), and the header
 * line (column names, tab-separated, no newline). Static strings. */
const char *gr_rec_name(enum gr_rec_type t);
const char *gr_rec_header(enum gr_rec_type t);

struct gr_rows {
    struct gr_buf b[GR_REC_COUNT];
    size_t n[GR_REC_COUNT];
};

/* max bounds each buffer. */
void gr_rows_init(struct gr_rows *r, size_t max);
void gr_rows_free(struct gr_rows *r);
void gr_rows_reset(struct gr_rows *r);
/* Appends all of src's rows to dst. */
enum gr_rc gr_rows_append(struct gr_rows *dst, const struct gr_rows *src);
/* Total rows over all types. */
size_t gr_rows_total(const struct gr_rows *r);

struct gr_row {
    struct gr_rows *rows;
    enum gr_rec_type type;
    size_t start;                 /* where the row began, to undo */
    int fields;
    enum gr_rc rc;
};

void gr_row_begin(struct gr_row *r, struct gr_rows *rows, enum gr_rec_type type);
void gr_row_text(struct gr_row *r, const char *s, size_t n);   /* s NULL -> \N */
void gr_row_str(struct gr_row *r, const char *s);               /* s NULL -> \N */
void gr_row_i64(struct gr_row *r, int64_t v);
void gr_row_null(struct gr_row *r);
void gr_row_bool(struct gr_row *r, bool v);
/* ISO 8601 UTC, e.g. 2014-10-05T08:00:00Z. */
void gr_row_time(struct gr_row *r, int64_t t);
/* Adds provenance and the newline; on any error removes the partial row. A
 * row with more or fewer fields than its record type has columns is
 * GR_EINTERNAL (a source's bug, never a page's). */
enum gr_rc gr_row_end(struct gr_row *r, const struct gr_page *page);

/* Appends s escaped for a COPY text field (see above). */
enum gr_rc gr_copy_escape(struct gr_buf *b, const char *s, size_t n);
/* Formats t as ISO 8601 UTC into out (at least 21 bytes). */
void gr_iso8601(int64_t t, char *out, size_t outsz);

#endif
