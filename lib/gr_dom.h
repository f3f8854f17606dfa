/* The DOM path of the extractors: libxml2's HTML parser (recover, no
 * network, no error output) and XPath expressions compiled once per process.
 * Used by lib/sources/ when the fast PCRE2 path cannot decide, and by
 * --verify on every page. */
#ifndef GR_DOM_H
#define GR_DOM_H

#include <stdbool.h>
#include <stddef.h>

#include "gr_buf.h"
#include "gr_err.h"

struct gr_dom;   /* opaque: a parsed document and its XPath context */

/* Parses UTF-8 HTML. NULL when libxml2 cannot make a document of it at all
 * (then the page is rejected). Free with gr_dom_free(). */
struct gr_dom *gr_dom_parse(const char *utf8, size_t len);
void gr_dom_free(struct gr_dom *d);

/* An XPath expression compiled on first use (thread-safe). */
struct gr_xpath {
    const char *expr;
    void *comp;            /* xmlXPathCompExprPtr */
};
#define GR_XPATH(e) { (e), NULL }

/* Evaluates xp. For a node-set, returns the number of nodes and puts the
 * text content of the first, whitespace-normalised, into out (reset first);
 * for a string/number/boolean result returns 1 and its string value
 * (normalised). -1 on an evaluation error. */
int gr_dom_text(struct gr_dom *d, struct gr_xpath *xp, struct gr_buf *out);
/* The text of node i of the node-set (0-based), normalised; false when out of range. */
bool gr_dom_text_at(struct gr_dom *d, struct gr_xpath *xp, int i, struct gr_buf *out);
/* The concatenated text of every <script> element, for JS variables. */
enum gr_rc gr_dom_scripts(struct gr_dom *d, struct gr_buf *out);

#endif
