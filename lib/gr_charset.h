/* Page charsets, resolved before libxml2 sees a page: the HTTP Content-Type
 * charset, then a byte order mark, then a <meta> charset in the first 4 KB,
 * then UTF-8. gb2312 and gbk are read as GB18030 (their superset). Bodies are
 * converted to UTF-8 with iconv; invalid bytes become U+FFFD and NUL bytes
 * are dropped, so what leaves here is always valid UTF-8 without NULs. */
#ifndef GR_CHARSET_H
#define GR_CHARSET_H

#include <stddef.h>

#include <stdbool.h>

#include "gr_buf.h"
#include "gr_err.h"

/* Writes the resolved charset name (lower case, canonical: "utf-8",
 * "gb18030", or what the page named) into name[0..namesz). */
void gr_charset_resolve(const char *content_type, const char *body, size_t len, char *name, size_t namesz);

/* Converts body to UTF-8 into out (reset first). An unknown charset is read
 * as UTF-8. GR_ELIMIT when out's maximum is reached. *replaced counts the
 * invalid sequences replaced (may be NULL). */
enum gr_rc gr_charset_to_utf8(const char *charset, const char *body, size_t len, struct gr_buf *out,
                              size_t *replaced);

/* Whether body is valid UTF-8 with no NUL and no byte-order mark: then
 * gr_charset_to_utf8("utf-8", ...) would copy it unchanged. */
bool gr_charset_is_clean_utf8(const char *body, size_t len);

#endif
