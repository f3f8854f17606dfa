/* Sources: one module per site in lib/sources/, one line per site in the
 * registry table (lib/gr_source.c). The crawler uses discover() to find the
 * links a page leads to; the parser uses extract() to turn a page into
 * records. Adding a site means adding one file and one table line; adding
 * an app store, also one line in schema/ (the store CHECK, see README.md
 * "Adding a source"; tests/integration/schema_contract.sh fails without it).
 *
 * Frontier kinds (crawl.frontier.kind) used by the sources (the code's list
 * is their kind tables, struct gr_kind):
 *   wechat_home     /mp/profile_ext?action=home&__biz=...       (HTML, msgList)
 *   wechat_getmsg   /mp/profile_ext?action=getmsg&__biz=...     (JSON)
 *   wechat_article  /s?__biz=...&mid=...&idx=...&sn=... or /s/<token>
 *   wechat_stats    POST /mp/getappmsgext (form body __biz, mid, idx, sn, ...)
 *   weibo_user      open.t.qq.com/api/user/other_info?format=json&name=...
 *   weibo_timeline  open.t.qq.com/api/statuses/user_timeline?format=json&name=...
 *   app_listing     a store listing page or the iTunes lookup JSON
 *   sogou_search    weixin.sogou.com/weixin?type=1&query=Q&page=N  (account search)
 *   sogou_antispider weixin.sogou.com/antispider/...           (captcha page)
 *   sogou_profile   mp.weixin.qq.com/profile?src=3&timestamp=...&signature=...
 *   sogou_article   mp.weixin.qq.com/s?timestamp=...&src=3&signature=... (temporary link)
 *   robots          /robots.txt (crawler only)
 *
 * What a source owns (gr_source_impl.h, struct gr_source): its URL patterns
 * and their page kinds, its kind table (each kind's default recrawl interval
 * and whether it is recrawled by publishing age), its seeds (seed(): which
 * target rows give which URLs, scheme included), its secret parameters, its
 * credential table (configuration section, host, https-only, Cookie or query
 * parameter, the endpoints taking the parameters), and its hosts (redirects
 * stay among them). The crawler, the loader and the parser ask the registry;
 * none of them names a site (the crawler builds its recrawl and credential
 * keys from these tables).
 *
 * The page kind is decided in one place, the pattern table: the loader's
 * seeds take their kind from it (gr_seeds_add), the crawler's redirect
 * targets too, discover() names the kinds of the links it finds, and the
 * parser derives a response's kind from its URL with the same table. The
 * kind the crawler writes into the WARC metadata record (govreach-kind) is
 * for people and tools reading the WARC; the parser does not read it back,
 * by choice: the re-derivation is one anchored regex per response (cheaper
 * than pairing a third record), a WARC from another tool or a killed
 * crawler's recovered tail may have no metadata record, and a URL can only
 * be extracted by the source whose pattern claims it anyway, so the kind
 * from the URL is the one the extractor needs (the metadata one could only
 * disagree with it, never help).
 */
#ifndef GR_SOURCE_H
#define GR_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_http.h"

/* A fetched page, as the crawler holds it after a transfer or the parser
 * reads it from a WARC response record (with its paired request record).
 * All pointers are borrowed. */
struct gr_page {
    const char *url;
    const char *method;            /* "GET" or "POST" */
    const char *request_body;      /* POST form body or NULL */
    size_t request_len;
    int status;                    /* HTTP status code */
    const char *content_type;      /* Content-Type header value or NULL */
    const char *body;              /* body with Content-Encoding removed, in the page's
                                      charset (discover/extract convert to UTF-8) */
    size_t len;
    int64_t fetched_at;            /* unix seconds */
    const char *warc_file;         /* provenance; NULL in the crawler */
    int64_t warc_offset;
    bool utf8;                     /* body is valid UTF-8: set by gr_source_discover for the
                                      discover() it calls when it checked or converted it */
};

/* The page of an HTTP response m (gr_http_message: its body decoded) for
 * url, fetched at fetched_at by method (NULL: GET) with the request body
 * req[0..req_len) (NULL or empty: none): the one builder of the crawler's
 * discovery and the parser's extraction (provenance left NULL). */
void gr_page_from_http(struct gr_page *pg, const struct gr_http_msg *m, const char *url, const char *method,
                       const char *req, size_t req_len, int64_t fetched_at);

/* A link found by discover(). All strings are owned by the gr_links list. */
struct gr_link {
    char *url;
    char *method;                  /* "GET" or "POST" */
    char *post_body;               /* NULL for GET */
    const char *kind;              /* static frontier kind string */
    int64_t published_at;          /* when known (articles), else 0: lets the crawler
                                      apply its time window and stats schedule */
};

struct gr_links {
    struct gr_link *v;
    size_t n, cap;
};

void gr_links_init(struct gr_links *l);
void gr_links_free(struct gr_links *l);
enum gr_rc gr_links_add(struct gr_links *l, const char *url, const char *method, const char *post_body,
                        const char *kind, int64_t published_at);

struct gr_source;   /* defined in gr_source_impl.h by the parser side */

/* The source owning url (by its PCRE2 URL patterns), or NULL. */
const struct gr_source *gr_source_find(const char *url);
/* Its short name: sogou, sogou_profile, wechat, tqq, 360, 91, yyb, baidu, wandoujia, appstore. */
const char *gr_source_name(const struct gr_source *s);
/* The frontier kind of url (one of the strings above), or NULL if no source owns it. */
const char *gr_source_kind(const char *url, const char *method);
/* Appends the links page leads to (history -> articles -> getappmsgext;
 * weibo account -> timeline pages). GR_OK with no links when there are none. */
enum gr_rc gr_source_discover(const struct gr_page *page, struct gr_links *out);

/* Whether the response to page->url (body decoded to UTF-8, location the
 * absolute redirect target or NULL) is its site's anti-spider or
 * verification answer (Sogou's /antispider/ redirect and captcha page):
 * not the page asked for, not an empty one either. The crawler retries the
 * URL later with the host's backoff. why gets a short reason. */
bool gr_source_blocked(const struct gr_page *page, const char *location, char *why, size_t why_len);
/* Whether the source has such an answer at all (the crawler decodes a
 * response to ask gr_source_blocked only then). */
bool gr_source_can_block(const struct gr_source *s);

/* ---- what the sources own: seeds, credentials, hosts ------------------------ */

/* A row of conf/targets/ that seeds the crawl. */
struct gr_target {
    const char *table;             /* wechat_account, weibo_account, store_listing */
    const char *key;               /* biz, account, listing_id */
    const char *store;             /* store_listing: the store code (a source name) */
    const char *url;               /* store_listing: the listing URL */
};

/* Seeds found for targets: URLs with their source, kind and target key. */
struct gr_seed {
    char *url;
    const char *source, *kind;
    char *target_key;
};
struct gr_seeds {
    struct gr_seed *v;
    size_t n, cap;
};
void gr_seeds_init(struct gr_seeds *s);
void gr_seeds_free(struct gr_seeds *s);
/* Appends url (kind: its pattern kind; NULL when no pattern of src claims
 * it: GR_EDATA) for target key. */
enum gr_rc gr_seeds_add(struct gr_seeds *s, const struct gr_source *src, const char *url, const char *target_key);
/* The seeds of target t, from every source that seeds its table. */
enum gr_rc gr_source_seed(const struct gr_target *t, struct gr_seeds *out);
/* Whether name[0..len) is a credential query parameter of any source
 * (never stored, never followed, redacted). */
bool gr_source_secret_param(const char *name, size_t len);
/* The names of those parameters, ", "-separated (for messages). */
const char *gr_source_secret_list(void);
/* Whether url is an endpoint of its source that takes the credential
 * query parameters (its credential table's paths). */
bool gr_source_wants_credentials(const char *url);
/* Whether a redirect from from_host (owned by src) to to_host stays on the
 * site: the same host, or another of src's hosts. */
bool gr_source_same_site(const struct gr_source *src, const char *from_host, const char *to_host);

/* ---- what the crawler reads from the sources' tables: kinds, credentials ------ */

/* A page kind of a source's kind table: how the crawler schedules its next
 * fetch. The crawler registers one key crawler.recrawl_<name> per kind that
 * has a default here, and tests by_publish_age instead of naming a kind. */
struct gr_kind {
    const char *name;              /* frontier kind, as in the source's pattern table */
    const char *recrawl;           /* default of crawler.recrawl_<name> (seconds, "0" = never);
                                      NULL: no key of its own (crawler.recrawl_default) */
    bool by_publish_age;           /* fetched at crawler.stats_schedule's offsets after its
                                      publishing time (the stats schedule) */
    const char *doc;               /* the key's line in --help-config */
};
/* The i-th distinct kind of the sources' kind tables (registry order; a kind
 * several sources share, like app_listing, once), or NULL past the last. */
const struct gr_kind *gr_source_kind_at(size_t i);
/* Whether kind is recrawled by its publishing age (false for a kind no
 * source declares). */
bool gr_kind_by_publish_age(const char *kind);

/* How a credential is attached to a request. */
enum gr_cred_how { GR_CRED_COOKIE, GR_CRED_QUERY };
struct gr_cred_secret {
    const char *name;              /* key in the table's section; for GR_CRED_QUERY also the
                                      query parameter (one of the source's secret_params) */
    enum gr_cred_how how;          /* the Cookie header, or a query parameter */
    const char *doc;               /* the key's line in --help-config */
};
/* A source's credentials as the configuration gives them: the section
 * [SECTION] with SECTION.host (the one host they are sent to, exactly, on its
 * scheme's default port), SECTION.https_only and one GR_CFG_SECRET key per
 * secret (never logged, stored, written into a WARC or a stored URL). They
 * are sent when any secret is set: the Cookie on every request to the host,
 * the query parameters to the endpoints under paths. */
struct gr_cred_table {
    const char *section;
    const char *host;              /* default of SECTION.host */
    bool https_only;               /* default of SECTION.https_only */
    const char *const *paths;      /* path prefixes of the endpoints taking the query parameters */
    const struct gr_cred_secret *secrets;  /* terminated by { NULL } */
};
/* The credential table of the i-th source that has one, or NULL past the last. */
const struct gr_cred_table *gr_source_cred_table(size_t i);

/* ---- extract (the parser) ------------------------------------------------------ */

struct gr_rows;   /* gr_rows.h */

enum gr_extract_mode {
    GR_EXTRACT_AUTO,     /* fast path, the DOM path when the fast one cannot decide */
    GR_EXTRACT_DOM,      /* the DOM path only */
    GR_EXTRACT_VERIFY    /* both; report a disagreement (the DOM path's rows are kept) */
};

struct gr_extract_result {
    const char *source;            /* name of the owning source, NULL if none */
    const char *kind;              /* frontier kind, NULL if none */
    bool rejected;                 /* a parse_reject row was written instead */
    char reason[256];              /* why (rejected), or the disagreement (verify) */
    bool fast_decided;             /* the fast path answered */
    bool disagree;                 /* verify: the two paths gave different rows */
};

/* Turns one fetched page into rows (gr_rows.h), appended to out: the records
 * of its source, or one parse_reject row with the reason. Charset conversion
 * happens here. Returns GR_OK unless memory or a row limit ran out; a bad
 * page is a reject, not an error. */
enum gr_rc gr_source_extract(const struct gr_page *page, enum gr_extract_mode mode, struct gr_rows *out,
                             struct gr_extract_result *res);

#endif
