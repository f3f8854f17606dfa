/* URL helpers (libcurl's URL API): origins, the form the frontier dedups
 * on, hosts and paths, resolving, and credential-free stored URLs. */
#ifndef GR_URL_H
#define GR_URL_H

#include <stdbool.h>
#include <stddef.h>

/* url without user name and password, without the sources' credential
 * parameters (gr_source_secret_param) and without a parameter repeated
 * (the first kept); byte for byte url when nothing is removed. Caller
 * frees; NULL when url does not parse. */
char *gr_url_clean(const char *url);
/* Scheme and host (lower case) and effective port of url. */
bool gr_url_origin(const char *url, char *scheme, size_t slen, char *host, size_t hlen, long *port);
/* Same scheme, host and effective port. */
bool gr_url_same_origin(const char *a, const char *b);
/* Whether url names a user (user@host), or does not parse. */
bool gr_url_has_user(const char *url);

/* Host name of an absolute http(s) URL (no port), lower case, in out. */
bool gr_url_host(const char *url, char *out, size_t outlen);
/* Path and query of an absolute URL ("/" when empty), in out. */
bool gr_url_path(const char *url, char *out, size_t outlen);
/* The URL in the form the frontier dedups on: lower-case scheme and host, no
 * default port, no fragment; the query untouched. Caller frees; NULL when
 * url does not parse. */
char *gr_url_normalize(const char *url);
/* The form url is queued in, by the crawler's discovered links and the
 * loader's seeds alike (crawl.frontier.url and .host): http or https only,
 * gr_url_normalize()d, with its host (gr_url_host). *out: caller frees.
 * false when url is not one the crawler fetches. */
bool gr_url_enqueue_form(const char *url, char **out, char *host, size_t hostlen);
/* Resolves a Location value against base; caller frees. NULL on failure. */
char *gr_url_resolve(const char *base, const char *loc);

#endif
