/* One transfer: curl options (limits on everything), callbacks that keep
 * the bytes exactly as served, and the sources' credentials (sent only to
 * their own host, redacted from what is stored). */
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

enum gr_rc cr_fetch_creds_from_config(const struct gr_config *cfg, struct cr_fetch_conf *fc, char *err,
                                      size_t errlen)
{
    const struct gr_cred_table *t;
    char name[128];

    fc->ncred = 0;
    for (size_t i = 0; (t = gr_source_cred_table(i)); i++) {
        struct cr_cred c;
        memset(&c, 0, sizeof c);
        snprintf(name, sizeof name, "%s.host", t->section);
        c.host = gr_config_get(cfg, name);
        snprintf(name, sizeof name, "%s.https_only", t->section);
        c.https_only = gr_config_bool(cfg, name);
        for (const struct gr_cred_secret *k = t->secrets; k->name; k++) {
            const char *v;
            snprintf(name, sizeof name, "%s.%s", t->section, k->name);
            if (!(v = gr_config_get(cfg, name)) || !*v)
                continue;
            if (k->how == GR_CRED_COOKIE) {
                c.cookie = v;
            } else if (c.nparams == CR_CRED_PARAMS) {
                snprintf(err, errlen, "[%s]: more than %d credential parameters", t->section, CR_CRED_PARAMS);
                return GR_ECONFIG;
            } else {
                c.param[c.nparams] = k->name;
                c.value[c.nparams++] = v;
            }
        }
        if (!c.host || !*c.host || (!c.cookie && !c.nparams))
            continue;                  /* nothing to send, or nowhere */
        if (fc->ncred == CR_CREDS) {
            snprintf(err, errlen, "more than %d sources with credentials", CR_CREDS);
            return GR_ECONFIG;
        }
        fc->cred[fc->ncred++] = c;
    }
    return GR_OK;
}

const struct cr_cred *cr_fetch_cred_for(const struct cr_fetch_conf *fc, const char *url)
{
    char scheme[16], host[256];
    long port;
    bool https;

    if (fc->ncred == 0)
        return NULL;
    /* The owning source's origin only: its scheme, its host exactly, the
     * scheme's default port, and no user name (host@evil.example). */
    if (gr_url_has_user(url) || !gr_url_origin(url, scheme, sizeof scheme, host, sizeof host, &port))
        return NULL;
    https = strcmp(scheme, "https") == 0;
    if (https ? port != 443 : port != 80)
        return NULL;
    for (int i = 0; i < fc->ncred; i++)
        if (strcmp(host, fc->cred[i].host) == 0 && (https || !fc->cred[i].https_only))
            return &fc->cred[i];
    return NULL;
}

bool cr_fetch_credentialed(const struct cr_fetch_conf *fc, const char *url)
{
    return cr_fetch_cred_for(fc, url) != NULL;
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
    const struct cr_cred *cred;
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
    cred = cr_fetch_cred_for(fc, j->url);
    j->credentialed = cred != NULL;
    gr_buf_init(&u, 64 * 1024);
    {
        /* the credential-free URL, then this request's own credentials */
        char *clean = gr_url_clean(j->url);
        rc = clean ? gr_buf_appends(&u, clean) : GR_EDATA;
        free(clean);
    }
    if (rc) {
        gr_buf_free(&u);
        snprintf(err, errlen, "URL too long or malformed: %.200s", j->url);
        return GR_EDATA;
    }
    if (cred && gr_source_wants_credentials(j->url)) {
        for (int i = 0; i < cred->nparams; i++)
            if (add_param(h, &u, cred->param[i], cred->value[i])) {
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
    if (cred && cred->cookie)
        curl_easy_setopt(h, CURLOPT_COOKIE, cred->cookie);
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
            char *abs = gr_url_resolve(j->url, loc);
            j->location = abs ? gr_url_clean(abs) : NULL;
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
        hide = gr_source_secret_param(line + s, eq - s);
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
     * gr_url_clean(), so it carries no credential parameter. */
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

