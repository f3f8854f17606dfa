/* PostgreSQL array literals ({...} text) built for array parameters: a
 * bulk statement gets one array per column (unnest($1::bigint[], ...)),
 * one parameter each, instead of one statement per row. */
#ifndef GR_PGARR_H
#define GR_PGARR_H

#include <stdbool.h>
#include <stdint.h>

#include "gr_buf.h"

struct gr_pgarr {
    struct gr_buf b;
    int n;                      /* elements so far */
};

void gr_pgarr_init(struct gr_pgarr *a);
/* Appends s as an element, with invalid UTF-8 bytes and NULs replaced by
 * '?' (the database holds text). NULL gives an SQL NULL element. */
void gr_pgarr_str(struct gr_pgarr *a, const char *s);
/* Appends v (null: an SQL NULL element). */
void gr_pgarr_i64(struct gr_pgarr *a, int64_t v, bool null);
/* Appends v with six decimals (null or NaN: an SQL NULL element). */
void gr_pgarr_f(struct gr_pgarr *a, double v, bool null);
/* Closes the literal; valid until the next reset. */
const char *gr_pgarr_end(struct gr_pgarr *a);
/* Empties a for the next statement (its memory kept). */
void gr_pgarr_reset(struct gr_pgarr *a);
void gr_pgarr_free(struct gr_pgarr *a);

#endif
