/* Internal to the scorer's own files (not part of scorer.h's API). */
#ifndef GR_SCORER_INT_H
#define GR_SCORER_INT_H

#include <stddef.h>

/* Writes the jsonb_to_record column definition list for the methodology's SQL
 * parameters ("wci_k double precision, ...") into out; returns the length it
 * needed (like snprintf). The names come from the compiled-in key table. */
size_t scorer__method_sql_columns(char *out, size_t outlen);

#endif
