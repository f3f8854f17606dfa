/* The inside of the source registry: what a source module (lib/sources/, one file per site)
 * provides, and the helpers they share. Only lib/gr_source.c, lib/sources/
 * and the tests of the tables (test_source_tables, contract_dump) include
 * this; the crawler and the parser need only gr_source.h.
 *
 * A source is a table entry: its name, URL patterns (PCRE2, each mapped to a
 * frontier kind), discover() for the crawler and extract() for the parser.
 * extract() has two paths. The fast path (PCRE2 over the raw bytes) answers
 * only when every field it needs has exactly one unambiguous match and sets
 * *decided; otherwise the DOM path (libxml2 + XPath) decides. JSON pages have
 * one path (jansson), used for both; a discover() that needs a few values of
 * a large JSON page may read them with yajl's event parser instead (Tencent
 * Weibo timelines, lib/sources/tqq.c), building no tree. */
#ifndef GR_SOURCE_IMPL_H
#define GR_SOURCE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "gr_buf.h"
#include "gr_rows.h"
#include "gr_source.h"

enum gr_extract_path { GR_PATH_FAST, GR_PATH_DOM };

/* What extract() gets: the page, its frontier kind, and its body converted to
 * UTF-8 (invalid bytes replaced, NUL-terminated, NULs removed). */
struct gr_doc {
    const struct gr_page *page;
    const char *kind;
    const char *text;              /* UTF-8 body */
    size_t len;
};

struct gr_url_pattern {
    const char *re;                /* PCRE2, matched against the whole URL */
    const char *kind;              /* frontier kind */
    const char *method;            /* "POST" to require POST, NULL for any */
};

/* A seed the source derives from a target row: scheme://host + path,
 * path a printf template with one %s for the row's key (a store listing's
 * path NULL: the row's own URL). Its frontier kind is its URL's pattern
 * kind (one place: the pattern table), checked by test_sources. */
struct gr_seed_spec {
    const char *target;            /* conf/targets table: wechat_account, weibo_account, store_listing */
    const char *scheme;            /* http or https */
    const char *host;
    const char *path;
};

struct gr_source {
    const char *name;
    const struct gr_url_pattern *patterns;   /* terminated by { NULL }: the URLs it owns and their page kinds */
    const struct gr_seed_spec *seeds;        /* terminated by { NULL }, or NULL: none */
    /* Appends the seeds of target t (its source, kind and target key):
     * gr__seed_table() for a seed table, gr__store_seed() for a store. */
    enum gr_rc (*seed)(const struct gr_source *src, const struct gr_target *t, struct gr_seeds *out);
    /* Its page kinds and how the crawler schedules them (terminated by
     * { NULL }; every kind of the pattern table is in it: test_source_tables). */
    const struct gr_kind *kinds;
    /* Query parameters that are credentials: never stored, never followed,
     * redacted from stored requests (NULL-terminated, or NULL). */
    const char *const *secret_params;
    /* The credentials the crawler attaches (gr_source.h), or NULL: none. */
    const struct gr_cred_table *creds;
    /* The hosts of the site: a redirect is followed between them
     * (NULL-terminated; the same host is always allowed). */
    const char *const *hosts;
    /* Appends links; GR_OK with none when the page leads nowhere. */
    enum gr_rc (*discover)(const struct gr_page *page, const char *kind, struct gr_links *out);
    /* Appends rows for the page to out. GR_EDATA with reason filled means the
     * page is rejected (nothing appended). On the fast path, *decided = false
     * means "ask the DOM path"; nothing may be appended then. */
    enum gr_rc (*extract)(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out,
                          bool *decided, char *reason, size_t reason_len);
    /* Whether a response (page: its body decoded to UTF-8; location: the
     * absolute redirect target or NULL) is the site's anti-spider or
     * verification answer rather than the page asked for: the crawler then
     * retries the URL later and backs the host off (gr_source_blocked).
     * Writes why into why[0..why_len). NULL: the site has none. */
    bool (*blocked)(const struct gr_page *page, const char *location, char *why, size_t why_len);
};

/* The sources, one per file in lib/sources/, are listed in lib/gr_source.c's
 * registry (GR_SOURCES). The i-th of them, or NULL past the last (tests). */
const struct gr_source *gr__source_at(size_t i);

/* ---- helpers shared by the sources (internal: gr__ prefix) ------------------- */

/* seed() of a source with a seed table. */
enum gr_rc gr__seed_table(const struct gr_source *src, const struct gr_target *t, struct gr_seeds *out);
/* seed() of a store: its store_listing rows, by their own URL. */
enum gr_rc gr__store_seed(const struct gr_source *src, const struct gr_target *t, struct gr_seeds *out);
/* The kind table of a store (lib/sources/store.c): app_listing. */
extern const struct gr_kind gr__store_kinds[];

/* A PCRE2 pattern compiled once per process (JIT when available, interpreter
 * otherwise) with match limits. Declare with GR__RE("pattern", flags). */
struct gr__re {
    const char *pattern;
    uint32_t flags;
    void *code;                    /* pcre2_code *, set by gr__re_compile */
};
#define GR__RE(p, f) { (p), (f), NULL }
/* Compiles *re if not yet done (thread-safe: call from the source's once-init,
 * or rely on gr_source_extract()/gr_source_discover() calling every source's
 * patterns through gr__sources_init()). */
enum gr_rc gr__re_compile(struct gr__re *re);
/* Matches re against s[0..n) from offset start. Returns the number of
 * captured pairs (>0) and fills ov[0..2*ovn) with offsets (unset groups are
 * -1 -> SIZE_MAX), 0 on no match, -1 on an error (match limit, bad UTF-8). */
int gr__re_match(struct gr__re *re, const char *s, size_t n, size_t start, size_t *ov, int ovn);
/* Counts non-overlapping matches, stopping at max+1. */
int gr__re_count(struct gr__re *re, const char *s, size_t n, int max);

/* The value of query parameter name in url, percent-decoded into out (which
 * is reset first); '+' is kept (base64 __biz values carry it unescaped).
 * false when absent. */
bool gr__query_param(const char *url, const char *name, struct gr_buf *out);
/* The same, left as written (not decoded). */
bool gr__query_param_raw(const char *url, const char *name, struct gr_buf *out);
/* Replaces (or adds) query parameter name=value in url, into out. */
enum gr_rc gr__url_set_param(const char *url, const char *name, const char *value, struct gr_buf *out);
/* Decodes HTML character references (&quot; &amp; &lt; &gt; &apos; &nbsp;
 * &#NN; &#xHH; &yen;) once, appending to out. */
enum gr_rc gr__html_unescape(const char *s, size_t n, struct gr_buf *out);
/* Appends s percent-encoded for a form value (keeps A-Za-z0-9 - _ . ~ =). */
enum gr_rc gr__form_encode(const char *s, struct gr_buf *out);
/* The text of an HTML fragment s[0..n): tags and comments removed (the
 * search's highlighting <em><!--red_beg-->...<!--red_end--></em> included),
 * character references decoded, whitespace normalised; appended to out. */
enum gr_rc gr__html_text(const char *s, size_t n, struct gr_buf *out);
/* Collapses runs of whitespace (ASCII, U+00A0, U+3000) to one space and
 * trims; in place, returns the new length. */
size_t gr__normalize_space(char *s, size_t n);
/* JSON from a page body: NULL (with reason) when it is not JSON. Owned by
 * the caller (json_decref). Depth and size are bounded by jansson. */
json_t *gr__json_parse(const char *s, size_t n, char *reason, size_t reason_len);
/* j when it is an object (or NULL); else NULL with reason "WHAT is not an
 * object", j released. Takes j's reference. */
json_t *gr__json_object_of(json_t *j, const char *what, char *reason, size_t reason_len);
/* gr__json_parse() of a body that must be an object ("WHAT: JSON is not an
 * object" when it is other JSON). */
json_t *gr__json_object(const char *s, size_t n, const char *what, char *reason, size_t reason_len);
/* Removes NUL bytes ("\u0000", parsed with JSON_ALLOW_NUL) from every string
 * value of j, keeping the rest of each string. */
void gr__json_strip_nul(json_t *j, int depth);
/* An integer JSON member (integer, or a string of digits); false when
 * missing, null or not a number. */
bool gr__json_i64(json_t *obj, const char *key, int64_t *out);
/* A string member or NULL. */
const char *gr__json_str(json_t *obj, const char *key);

/* Status strings of obs.*.status. */
#define GR_ST_OK           "ok"
#define GR_ST_DELETED      "deleted"
#define GR_ST_BLOCKED      "blocked"
#define GR_ST_EXPIRED      "expired"
#define GR_ST_VERIFICATION "verification"
#define GR_ST_NOT_FOUND    "not_found"
#define GR_ST_ERROR        "error"

/* ---- app stores: one table-driven extractor (lib/sources/store.c) ------------ */

struct gr_xpath;

/* How one store's listing page is read. Regexes run over the raw UTF-8 page
 * (fast path); XPath expressions over the DOM. The count element's text goes
 * through gr_count_parse(). */
struct gr__store_spec {
    const char *store;               /* store code of obs.app_listing */
    struct gr__re *url_id;           /* group 1: listing id from the URL */
    bool id_is_package;              /* listing id is the package name */
    struct gr__re *fast_count;       /* group 1: the count element's inner text */
    struct gr__re *fast_name;        /* group 1: app name (may be NULL) */
    struct gr__re *pkg;              /* group 1: package, over page (fast) or script text and body (DOM); may be NULL */
    struct gr_xpath *dom_count;      /* the count element (first node) */
    struct gr_xpath *dom_name;       /* app name (may be NULL) */
    struct gr_xpath *dom_pkg;        /* package attribute (may be NULL) */
};

enum gr_rc gr__store_extract(const struct gr__store_spec *spec, const struct gr_doc *doc,
                             enum gr_extract_path path, struct gr_rows *out, bool *decided, char *reason,
                             size_t reason_len);
/* Emits one app_listing row. count_text NULL -> downloads missing. */
enum gr_rc gr__store_row(const struct gr_doc *doc, struct gr_rows *out, const char *store, const char *listing_id,
                         const char *package, const char *name, const char *count_text, bool have_rating,
                         int64_t rating_count, bool have_avg, double rating_avg, const char *status);
/* Page status from the HTTP status and anti-crawl / removal markers in the
 * text: GR_ST_OK when none applies. */
const char *gr__page_status(const struct gr_doc *doc);

#endif
