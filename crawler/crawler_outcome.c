/* Outcome policy: what a finished transfer means (done, retry with host
 * backoff, failed, blocked), the next crawl of its kind, redirects and the
 * robots.txt results, and the counts the summary reports by reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"

/* One more of key in hash. */
static void count(struct host_err **hash, const char *key)
{
    struct host_err *h;
    HASH_FIND_STR(*hash, key, h);
    if (!h) {
        h = calloc(1, sizeof *h);
        if (!h || !(h->host = strdup(key))) {
            free(h);
            return;
        }
        HASH_ADD_KEYPTR(hh, *hash, h->host, strlen(h->host), h);
    }
    h->n++;
}

void cr_counts_free(struct host_err **hash)
{
    struct host_err *h, *tmp;
    HASH_ITER(hh, *hash, h, tmp) {
        HASH_DEL(*hash, h);
        free(h->host);
        free(h);
    }
}

void cr_count_host_error(struct engine *e, const char *host)
{
    count(&e->herr, host);
}

/* Failed URLs by reason: the error text up to its detail ("HTTP 500",
 * "curl 56", "redirect to another origin not followed"). */
void cr_count_failed(struct engine *e, const char *error)
{
    char key[96];
    size_t n = strcspn(error, ":(");

    if (n >= sizeof key)
        n = sizeof key - 1;
    while (n > 0 && error[n - 1] == ' ')
        n--;
    snprintf(key, sizeof key, "%.*s", (int)n, n ? error : "unknown");
    count(&e->ferr, key);
}

static int64_t recrawl_for(struct engine *e, const char *kind)
{
    char name[128];
    const char *v;
    int64_t i;
    snprintf(name, sizeof name, "crawler.recrawl_%s", kind ? kind : "default");
    v = gr_config_get(e->cfg, name);
    if (v && gr_parse_i64(v, &i))
        return i;
    return gr_config_int(e->cfg, "crawler.recrawl_default");
}

/* The next fetch time of a page just fetched at now (unix seconds), or 0: a
 * kind recrawled by its publishing age (its source's kind table) at the
 * stats schedule's next offset, any other after its recrawl interval. A
 * publishing time after now (the site's clock ahead of ours) counts as now:
 * the snapshot just taken is the one of offset 0, not one to take again
 * when the site's clock gets there. */
static int64_t next_due(struct engine *e, const struct cr_job *j, int64_t now)
{
    int64_t iv;
    if (gr_kind_by_publish_age(j->kind) && j->published_at > 0 && e->nstats > 0) {
        int64_t pub = j->published_at < now ? j->published_at : now;
        for (int i = 0; i < e->nstats; i++)
            if (pub + e->stats_offsets[i] > now)
                return pub + e->stats_offsets[i];
        return 0;
    }
    iv = recrawl_for(e, j->kind);
    return iv > 0 ? now + iv : 0;
}

/* A redirect is followed only to the same scheme and effective port, on
 * the same host or another host of the source that owns the URL (its hosts
 * table), never to a URL naming a user. */
static bool redirect_allowed(const char *from, const char *to)
{
    char sf[16], st[16], hf[256], ht[256];
    long pf, pt;
    const struct gr_source *src;

    if (gr_url_has_user(to) || !gr_url_origin(from, sf, sizeof sf, hf, sizeof hf, &pf) ||
        !gr_url_origin(to, st, sizeof st, ht, sizeof ht, &pt) || strcmp(sf, st) != 0 || pf != pt)
        return false;
    if (strcmp(hf, ht) == 0)
        return true;
    src = gr_source_find(from);
    return src && gr_source_same_site(src, hf, ht);
}

static bool transient_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_TOO_MANY_REDIRECTS:
        return false;
    default:
        return true;
    }
}

/* Whether j's response is its site's anti-spider answer (the source says:
 * gr_source_blocked, e.g. Sogou's 302 to /antispider/ or its captcha form):
 * then the URL is retried later and the host backed off, as after a 429,
 * and neither the redirect nor the page's links are followed. why gets the
 * reason. */
static bool blocked(struct engine *e, const struct cr_job *j, char *why, size_t why_len)
{
    struct gr_page page;
    struct gr_http_msg m;
    struct gr_buf dec;
    char err[256];
    bool b = false;
    const struct gr_source *src = j->source ? gr_source_find(j->url) : NULL;

    if (!gr_source_can_block(src) || j->status < 200 || j->status >= 400 || j->resphead.len == 0)
        return false;     /* no decoding of the pages of sources without such answers */
    gr_buf_init(&dec, e->max_decoded);
    enum gr_rc rc = cr_response(j, &m, &dec, err, sizeof err);
    if (!rc || rc == GR_ELIMIT) {
        gr_page_from_http(&page, &m, j->url, j->method, j->post_body, j->post_body ? strlen(j->post_body) : 0,
                          j->finished_us / 1000000);
        b = gr_source_blocked(&page, j->location, why, why_len);
    }
    gr_buf_free(&dec);
    return b;
}

/* Decides what the frontier does with j after its transfer. */
void cr_classify(struct engine *e, struct cr_job *j)
{
    int64_t now = j->finished_us / 1000000;
    bool is_robots = j->kind && strcmp(j->kind, "robots") == 0;
    bool got_response = j->status > 0 && j->resphead.len > 0;
    int max_attempts = e->fr->polite.max_attempts;
    char why[256];

    j->host_wait_ms = 0;
    j->backoff = 0;
    j->next_due = 0;
    if (j->curl_rc != CURLE_OK && !(j->truncated && strcmp(j->truncated, "length") == 0)) {
        snprintf(j->error, sizeof j->error, "curl %d: %s%s%.200s", (int)j->curl_rc, curl_easy_strerror(j->curl_rc),
                 j->errbuf[0] ? ": " : "", j->errbuf);
        j->outcome = transient_curl(j->curl_rc) ? CR_RETRY : CR_FAILED;
        /* Only transient trouble slows the host down; a bad certificate or
         * URL is that URL's permanent failure. */
        j->backoff = j->outcome == CR_RETRY ? 1 : 0;
    } else if (j->status == 429 || j->status == 503) {
        j->outcome = CR_RETRY;
        j->backoff = 1;
        if (j->retry_after > 0)
            j->host_wait_ms = (int64_t)(j->retry_after * 1000.0);
        snprintf(j->error, sizeof j->error, "HTTP %ld%s", j->status, j->retry_after > 0 ? " with Retry-After" : "");
    } else if (j->status >= 500 || j->status == 408) {
        j->outcome = CR_RETRY;
        j->backoff = 1;
        snprintf(j->error, sizeof j->error, "HTTP %ld", j->status);
    } else if (!is_robots && blocked(e, j, why, sizeof why)) {
        j->outcome = CR_RETRY;
        j->backoff = 1;
        snprintf(j->error, sizeof j->error, "HTTP %ld anti-spider: %.200s", j->status, why);
    } else {
        j->outcome = CR_DONE;
        j->backoff = -1;
    }
    if (j->outcome == CR_RETRY && j->attempts >= max_attempts) {
        j->outcome = CR_FAILED;
        snprintf(j->error + strlen(j->error), sizeof j->error - strlen(j->error), " (after %d attempts)", j->attempts);
    }
    if (is_robots) {
        if (j->outcome == CR_DONE && j->status >= 200 && j->status < 300) {
            struct gr_http_msg m;
            struct gr_buf dec;
            char err[256];
            enum gr_rc rc;
            gr_buf_init(&dec, CR_ROBOTS_MAX);
            rc = cr_response(j, &m, &dec, err, sizeof err);
            if (rc && rc != GR_ELIMIT)
                m.body_len = 0;     /* undecodable: no rules (allow all) */
            j->robots_body = strndup(m.body_len ? m.body : "", m.body_len < CR_ROBOTS_MAX ? m.body_len : CR_ROBOTS_MAX);
            gr_buf_free(&dec);
            j->robots_status = (int)j->status;
        } else if (j->outcome == CR_DONE) {
            j->robots_status = (int)j->status;   /* 3xx/4xx: no rules, allow all */
        } else if (j->outcome == CR_FAILED) {
            /* RFC 9309 2.3.1.4: unreachable (5xx, 429, network) means
             * disallow all until it answers: the frontier keeps the host's
             * other URLs waiting and retries robots.txt on a later night;
             * the URL-list mode leaves them undone and says so (pending,
             * exit 1). */
            gr_warn("robots.txt of %s unreachable after %d attempts (%s): nothing else on it is fetched until "
                    "it answers", j->host, j->attempts, j->error);
            j->robots_status = 0;
        }
    }
    if (j->outcome == CR_DONE) {
        j->next_due = next_due(e, j, now);
        if (got_response && j->status >= 200 && j->status < 300)
            cr_discover_links(e, j);
        if (j->location && j->status >= 300 && j->status < 400 && !is_robots) {
            if (!redirect_allowed(j->url, j->location)) {
                /* another scheme, host or port than the source's own: not
                 * followed, the item failed */
                j->outcome = CR_FAILED;
                snprintf(j->error, sizeof j->error, "redirect to another origin not followed: %.200s", j->location);
            } else if (j->redirect_hops + 1 > e->max_redirects) {
                snprintf(j->error, sizeof j->error, "redirect cap (%d) reached", e->max_redirects);
            } else {
                bool keep = j->status == 307 || j->status == 308;
                gr_links_add(&j->links, j->location, keep ? j->method : "GET",
                             keep && j->post_body && *j->post_body ? j->post_body : NULL, "redirect",
                             j->published_at);
            }
        }
    }
}

char *cr_json_counts(struct engine *e, struct host_err *hash, bool hosts)
{
    struct gr_buf b;
    bool first = true;
    gr_buf_init(&b, 1 << 20);
    gr_buf_appendc(&b, '{');
    if (hosts) {
        struct host_err *h, *tmp;
        HASH_ITER(hh, hash, h, tmp) {
            gr_buf_appends(&b, first ? "\"" : ",\"");
            for (const char *p = h->host; *p; p++)
                if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
                    gr_buf_appendc(&b, *p);
            gr_buf_printf(&b, "\":%llu", (unsigned long long)h->n);
            first = false;
        }
    } else {
        for (int s = 0; s < 600; s++)
            if (e->status_counts[s]) {
                gr_buf_printf(&b, "%s\"%d\":%llu", first ? "" : ",", s, (unsigned long long)e->status_counts[s]);
                first = false;
            }
    }
    gr_buf_appendc(&b, '}');
    return gr_buf_steal(&b, NULL);
}
