/* URL helpers on libcurl's URL API (one parser for the whole pipeline: the
 * crawler's frontier keys, redirects and credentials, the loader's seeds). */
#include "gr_url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "gr_buf.h"
#include "gr_source.h"

bool gr_url_origin(const char *url, char *scheme, size_t slen, char *host, size_t hlen, long *port)
{
    CURLU *u = curl_url();
    char *sc = NULL, *h = NULL, *pt = NULL;
    bool ok = false;

    if (!u)
        return false;
    /* The effective port: the scheme's default when none is given. */
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &sc, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &pt, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        for (char *c = h; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        for (char *c = sc; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        *port = strtol(pt, NULL, 10);
        ok = (size_t)snprintf(scheme, slen, "%s", sc) < slen && (size_t)snprintf(host, hlen, "%s", h) < hlen;
    }
    curl_free(sc);
    curl_free(h);
    curl_free(pt);
    curl_url_cleanup(u);
    return ok;
}

bool gr_url_has_user(const char *url)
{
    CURLU *u = curl_url();
    char *user = NULL;
    bool has = true;

    if (!u)
        return true;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK)
        has = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user;
    curl_free(user);
    curl_url_cleanup(u);
    return has;
}

bool gr_url_same_origin(const char *a, const char *b)
{
    char sa[16], sb[16], ha[256], hb[256];
    long pa, pb;
    return gr_url_origin(a, sa, sizeof sa, ha, sizeof ha, &pa) && gr_url_origin(b, sb, sizeof sb, hb, sizeof hb, &pb) &&
           strcmp(sa, sb) == 0 && strcmp(ha, hb) == 0 && pa == pb;
}

char *gr_url_clean(const char *url)
{
    CURLU *u = curl_url();
    char *q = NULL, *s = NULL, *r = NULL;
    struct gr_buf nq;
    bool changed = false;

    if (!u)
        return NULL;
    gr_buf_init(&nq, 64 * 1024);
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        goto out;
    /* No user name or password in a stored URL, no credential parameter,
     * no parameter twice (the first one kept); the rest of the query is
     * left exactly as it is. */
    if (gr_url_has_user(url)) {
        curl_url_set(u, CURLUPART_USER, NULL, 0);
        curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
        curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
        changed = true;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &q, 0) == CURLUE_OK && q) {
        const char *p = q;
        while (*p) {
            const char *e = strchr(p, '&'), *eq;
            size_t n = e ? (size_t)(e - p) : strlen(p), nl;
            bool dup = false;
            eq = memchr(p, '=', n);
            nl = eq ? (size_t)(eq - p) : n;
            for (const char *o = q; o < p && !dup;) {
                const char *oe = strchr(o, '&'), *oeq;
                size_t on = oe ? (size_t)(oe - o) : strlen(o), onl;
                oeq = memchr(o, '=', on);
                onl = oeq ? (size_t)(oeq - o) : on;
                dup = onl == nl && strncmp(o, p, nl) == 0;
                o += on + (oe ? 1 : 0);
            }
            if (n && !dup && !gr_source_secret_param(p, nl)) {
                if (nq.len)
                    gr_buf_appendc(&nq, '&');
                gr_buf_append(&nq, p, n);
            } else {
                changed = true;
            }
            p += n + (e ? 1 : 0);
        }
        if (changed)
            curl_url_set(u, CURLUPART_QUERY, nq.len ? nq.data : NULL, 0);
    }
    /* a URL with nothing to remove stays byte for byte as it was */
    if (!changed)
        r = strdup(url);
    else if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
        r = strdup(s);
out:
    gr_buf_free(&nq);
    curl_free(q);
    curl_free(s);
    curl_url_cleanup(u);
    return r;
}

bool gr_url_host(const char *url, char *out, size_t outlen)
{
    CURLU *u = curl_url();
    char *host = NULL;
    bool ok = false;

    if (!u)
        return false;
    /* The host name only, lower case: the politeness key, as `loader
     * targets` computes it (a port does not make another host). */
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        for (char *p = host; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        ok = (size_t)snprintf(out, outlen, "%s", host) < outlen;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

bool gr_url_path(const char *url, char *out, size_t outlen)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL;
    bool ok = false;

    if (!u)
        return false;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
        ok = (size_t)snprintf(out, outlen, "%s%s%s", *path ? path : "/", query ? "?" : "", query ? query : "") <
             outlen;
    }
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return ok;
}

char *gr_url_normalize(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *s = NULL, *r = NULL;

    if (!u)
        return NULL;
    /* Lower-case scheme and host, no default port, no fragment, "/" for an
     * empty path; the query is left exactly as it is (WeChat keys such as
     * __biz=...== must not be re-encoded). */
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    curl_url_set(u, CURLUPART_HOST, host, 0);
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port &&
        ((strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0) ||
         (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0)))
        curl_url_set(u, CURLUPART_PORT, NULL, 0);
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
        r = strdup(s);
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(s);
    curl_url_cleanup(u);
    return r;
}

char *gr_url_resolve(const char *base, const char *loc)
{
    CURLU *u = curl_url();
    char *s = NULL, *r = NULL;

    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, loc, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
        r = strdup(s);
    curl_free(s);
    curl_url_cleanup(u);
    return r;
}

bool gr_url_enqueue_form(const char *url, char **out, char *host, size_t hostlen)
{
    *out = NULL;
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
        return false;
    *out = gr_url_normalize(url);
    if (*out && gr_url_host(*out, host, hostlen))
        return true;
    free(*out);
    *out = NULL;
    return false;
}
