/* One transfer: curl options (limits on everything), callbacks that keep
 * the bytes exactly as served, WeChat credentials (sent only to their own
 * host, redacted from what is stored), body decoding and URL helpers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "crawler.h"
#include "gr_log.h"

struct cr_job *cr_job_new(void)
{
    struct cr_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    gr_buf_init(&j->reqhead, 64 * 1024);
    gr_buf_init(&j->resphead, 64 * 1024);
    gr_buf_init(&j->body, 1);
    gr_links_init(&j->links);
    j->retry_after = -1;
    j->robots_status = -1;
    return j;
}

void cr_job_reset_transfer(struct cr_job *j)
{
    gr_buf_reset(&j->reqhead);
    gr_buf_reset(&j->resphead);
    gr_buf_reset(&j->body);
    curl_slist_free_all(j->headers);
    j->headers = NULL;
    free(j->req_url);
    j->req_url = NULL;
    free(j->location);
    j->location = NULL;
    j->truncated = NULL;
    j->status = 0;
    j->retry_after = -1;
    j->errbuf[0] = '\0';
    j->error[0] = '\0';
    j->ip[0] = '\0';
}

void cr_job_free(struct cr_job *j)
{
    if (!j)
        return;
    if (j->easy)
        curl_easy_cleanup(j->easy);
    cr_job_reset_transfer(j);
    gr_buf_free(&j->reqhead);
    gr_buf_free(&j->resphead);
    gr_buf_free(&j->body);
    gr_links_free(&j->links);
    free(j->url);
    free(j->method);
    free(j->post_body);
    free(j->host);
    free(j->source);
    free(j->kind);
    free(j->target_key);
    free(j->robots_body);
    free(j->etag);
    free(j->last_modified);
    free(j);
}

/* ------------------------------------------------------------ callbacks */

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
    struct cr_job *j = arg;
    size_t len = size * n, room = j->body.max > j->body.len ? j->body.max - j->body.len : 0;

    if (len > room) {
        /* The byte cap: keep what fits, record the truncation, abort. */
        if (room)
            gr_buf_append(&j->body, p, room);
        j->truncated = "length";
        return 0;
    }
    if (gr_buf_append(&j->body, p, len) != GR_OK) {
        j->truncated = "length";
        return 0;
    }
    return len;
}

static size_t header_cb(char *p, size_t size, size_t n, void *arg)
{
    struct cr_job *j = arg;
    size_t len = size * n;

    /* A new status line after a complete block (1xx interim responses):
     * keep only the final response's headers. */
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0 && j->resphead.len >= 4 &&
        memcmp(j->resphead.data + j->resphead.len - 4, "\r\n\r\n", 4) == 0)
        gr_buf_reset(&j->resphead);
    if (gr_buf_append(&j->resphead, p, len) != GR_OK) {
        j->truncated = "length";
        return 0;
    }
    return len;
}

static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
    struct cr_job *j = arg;
    (void)h;
    if (type == CURLINFO_HEADER_OUT) {
        /* One block per request sent; only one request per job since
         * redirects are not followed by curl. */
        gr_buf_reset(&j->reqhead);
        gr_buf_append(&j->reqhead, data, size);
    }
    return 0;
}

/* ------------------------------------------------------------ setup */

/* Query parameters that are credentials: never stored, never followed. */
static const char *const secret_params[] = { "key", "appmsg_token", "pass_ticket", "uin", "wxtoken", NULL };

static bool is_secret(const char *name, size_t len)
{
    for (const char *const *k = secret_params; *k; k++)
        if (len == strlen(*k) && strncmp(name, *k, len) == 0)
            return true;
    return false;
}

bool cr_url_origin(const char *url, char *scheme, size_t slen, char *host, size_t hlen, long *port)
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

bool cr_url_has_user(const char *url)
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

bool cr_url_same_origin(const char *a, const char *b)
{
    char sa[16], sb[16], ha[256], hb[256];
    long pa, pb;
    return cr_url_origin(a, sa, sizeof sa, ha, sizeof ha, &pa) && cr_url_origin(b, sb, sizeof sb, hb, sizeof hb, &pb) &&
           strcmp(sa, sb) == 0 && strcmp(ha, hb) == 0 && pa == pb;
}

char *cr_url_clean(const char *url)
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
    if (cr_url_has_user(url)) {
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
            if (n && !dup && !is_secret(p, nl)) {
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

bool cr_fetch_credentialed(const struct cr_fetch_conf *fc, const char *url)
{
    char scheme[16], host[256];
    long port;
    bool https;

    if (!fc->wechat_host || !*fc->wechat_host ||
        !((fc->wechat_cookie && *fc->wechat_cookie) || (fc->wechat_key && *fc->wechat_key)))
        return false;
    /* The owning source's origin only: its scheme, its host exactly, the
     * scheme's default port, and no user name (mp.weixin.qq.com@evil). */
    if (cr_url_has_user(url) || !cr_url_origin(url, scheme, sizeof scheme, host, sizeof host, &port))
        return false;
    https = strcmp(scheme, "https") == 0;
    if (strcmp(host, fc->wechat_host) != 0 || (https ? port != 443 : port != 80))
        return false;
    return https || !fc->wechat_https_only;
}

/* Whether the owning source wants the key parameters on this URL (WeChat:
 * the stats and history endpoints). */
static bool wants_wechat_params(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return false;
    p = strchr(p + 3, '/');
    return p && (strncmp(p, "/mp/getappmsgext", 16) == 0 || strncmp(p, "/mp/profile_ext", 15) == 0);
}

/* Appends name=value (escaped) to the URL's query. */
static enum gr_rc add_param(CURL *h, struct gr_buf *u, const char *name, const char *value)
{
    char *esc = curl_easy_escape(h, value, 0);
    enum gr_rc rc;
    if (!esc)
        return GR_ENOMEM;
    rc = gr_buf_printf(u, "%s%s=%s", strchr(u->data, '?') ? "&" : "?", name, esc);
    curl_free(esc);
    return rc;
}

enum gr_rc cr_fetch_prepare(const struct cr_fetch_conf *fc, struct cr_job *j, CURL **pool, size_t *npool,
                            curl_closesocket_callback close_cb, void *close_arg, char *err, size_t errlen)
{
    CURL *h;
    bool cred;
    struct gr_buf u;
    enum gr_rc rc;

    cr_job_reset_transfer(j);
    gr_buf_free(&j->body);
    gr_buf_init(&j->body, fc->max_body);
    j->resphead.max = fc->max_header;
    if (*npool) {
        h = pool[--*npool];
        curl_easy_reset(h);
    } else {
        h = curl_easy_init();
    }
    if (!h) {
        snprintf(err, errlen, "out of memory creating a curl handle");
        return GR_ENOMEM;
    }
    j->easy = h;
    cred = cr_fetch_credentialed(fc, j->url);
    j->credentialed = cred;
    gr_buf_init(&u, 64 * 1024);
    {
        /* the credential-free URL, then this request's own credentials */
        char *clean = cr_url_clean(j->url);
        rc = clean ? gr_buf_appends(&u, clean) : GR_EDATA;
        free(clean);
    }
    if (rc) {
        gr_buf_free(&u);
        snprintf(err, errlen, "URL too long or malformed: %.200s", j->url);
        return GR_EDATA;
    }
    if (cred && wants_wechat_params(j->url)) {
        if ((fc->wechat_key && *fc->wechat_key && add_param(h, &u, "key", fc->wechat_key)) ||
            (fc->wechat_appmsg_token && *fc->wechat_appmsg_token &&
             add_param(h, &u, "appmsg_token", fc->wechat_appmsg_token))) {
            gr_buf_free(&u);
            snprintf(err, errlen, "out of memory adding credentials");
            return GR_ENOMEM;
        }
    }
    j->req_url = gr_buf_steal(&u, NULL);

    curl_easy_setopt(h, CURLOPT_URL, j->req_url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, j);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, j);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, fc->user_agent);
    /* Redirects are frontier entries of their own (politeness, one WARC
     * record pair per hop, loop detection by dedup). */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, fc->accept_encoding);
    curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, fc->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, fc->timeout_ms);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, fc->low_speed_limit);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, fc->low_speed_time);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fc->max_body);
    curl_easy_setopt(h, CURLOPT_DNS_CACHE_TIMEOUT, fc->dns_cache_timeout);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (fc->ca_file && *fc->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, fc->ca_file);
    if (fc->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, fc->connect_to);
    curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, close_cb);
    curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, close_arg);
    j->headers = curl_slist_append(NULL, "Expect:");
    if (j->method && strcmp(j->method, "POST") == 0) {
        const char *b = j->post_body ? j->post_body : "";
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(b));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, b);
    }
    if (fc->conditional && (!j->method || strcmp(j->method, "GET") == 0)) {
        char hv[1100];
        if (j->etag && *j->etag && strlen(j->etag) < 1000 && !strpbrk(j->etag, "\r\n")) {
            snprintf(hv, sizeof hv, "If-None-Match: %s", j->etag);
            j->headers = curl_slist_append(j->headers, hv);
        }
        if (j->last_modified && *j->last_modified && strlen(j->last_modified) < 1000 &&
            !strpbrk(j->last_modified, "\r\n")) {
            snprintf(hv, sizeof hv, "If-Modified-Since: %s", j->last_modified);
            j->headers = curl_slist_append(j->headers, hv);
        }
    }
    if (cred && fc->wechat_cookie && *fc->wechat_cookie)
        curl_easy_setopt(h, CURLOPT_COOKIE, fc->wechat_cookie);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->headers);
    return GR_OK;
}

void cr_fetch_finish(struct cr_job *j, CURLcode rc)
{
    CURL *h = j->easy;
    long status = 0;
    curl_off_t t;
    char *ip = NULL;

    j->curl_rc = rc;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    j->status = status;
    if (curl_easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME_T, &t) == CURLE_OK)
        j->t_dns = (double)t / 1000.0;
    if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
        j->t_connect = (double)t / 1000.0;
    if (curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &t) == CURLE_OK)
        j->t_ttfb = (double)t / 1000.0;
    if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
        j->t_total = (double)t / 1000.0;
    if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &t) == CURLE_OK && t > 0)
        j->retry_after = (double)t;
    if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        snprintf(j->ip, sizeof j->ip, "%s", ip);
    if (status >= 300 && status < 400) {
        char *loc = gr_http_header(j->resphead.data ? j->resphead.data : "", j->resphead.len, "Location");
        if (loc && *loc) {
            /* the Location as stored and shown: no credentials, no user */
            char *abs = cr_url_resolve(j->url, loc);
            j->location = abs ? cr_url_clean(abs) : NULL;
            free(abs);
        }
        free(loc);
    }
    if (rc != CURLE_OK && !j->truncated && j->status > 0 && rc != CURLE_WRITE_ERROR)
        j->truncated = rc == CURLE_OPERATION_TIMEDOUT ? "time" : "disconnect";
    if (rc == CURLE_FILESIZE_EXCEEDED)
        j->truncated = "length";
}

/* Replaces the values of credential parameters in one request line or
 * header line. */
void cr_redact_line(struct gr_buf *out, const char *line, size_t len)
{
    size_t i = 0;
    const char *q = memchr(line, '?', len);

    if (!q) {
        gr_buf_append(out, line, len);
        return;
    }
    i = (size_t)(q - line) + 1;
    gr_buf_append(out, line, i);
    while (i < len) {
        size_t s = i, eq, e;
        bool hide = false;
        while (i < len && line[i] != '&' && line[i] != ' ' && line[i] != '\r' && line[i] != '\n' && line[i] != '#')
            i++;
        e = i;
        for (eq = s; eq < e && line[eq] != '='; eq++)
            ;
        hide = is_secret(line + s, eq - s);
        if (hide && eq < e) {
            gr_buf_append(out, line + s, eq - s + 1);
            gr_buf_appends(out, "REDACTED");
        } else {
            gr_buf_append(out, line + s, e - s);
        }
        if (i < len && line[i] == '&') {
            gr_buf_appendc(out, '&');
            i++;
        } else {
            gr_buf_append(out, line + i, len - i);
            break;
        }
    }
}

char *cr_fetch_redacted_request(const struct cr_fetch_conf *fc, const struct cr_job *j, size_t *len)
{
    struct gr_buf out;
    const char *p = j->reqhead.data ? j->reqhead.data : "", *end = p + j->reqhead.len;
    bool first = true;

    (void)fc;
    gr_buf_init(&out, j->reqhead.len + 4096);
    /* An uncredentialed request is stored verbatim: its URL went through
     * cr_url_clean(), so it carries no credential parameter. */
    if (!j->credentialed) {
        gr_buf_append(&out, p, j->reqhead.len);
        return gr_buf_steal(&out, len);
    }
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) + 1 : (size_t)(end - p);
        if (first)
            cr_redact_line(&out, p, n);
        else if (n > 7 && strncasecmp(p, "Cookie:", 7) == 0)
            gr_buf_appends(&out, "Cookie: REDACTED\r\n");
        else
            gr_buf_append(&out, p, n);
        first = false;
        p += n;
    }
    return gr_buf_steal(&out, len);
}

/* ------------------------------------------------------------ decoding */

bool cr_url_host(const char *url, char *out, size_t outlen)
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

bool cr_url_path(const char *url, char *out, size_t outlen)
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

char *cr_url_normalize(const char *url)
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

char *cr_url_resolve(const char *base, const char *loc)
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
