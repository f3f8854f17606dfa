/* The crawler engine: one libuv loop drives one libcurl multi handle through
 * the socket API (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION, one
 * uv_poll_t per socket, one uv_timer_t). Politeness is decided by the
 * frontier's claim (per-host in-flight limit, delay, robots, Retry-After,
 * backoff), never by libcurl's queue: a transfer is added only when its host
 * may be fetched now, so CURLOPT_TIMEOUT never counts queue time.
 *
 * Traps avoided (research/crawler-practice.md section 3.2):
 *  - curl_multi_info_read is drained after every curl_multi_socket_action,
 *    whatever the running count says (a transfer that only ends by timeout
 *    must complete);
 *  - a uv_poll_t is never reused: CURL_POLL_REMOVE or a socket close closes
 *    the handle, the next IN/OUT for that fd gets a fresh one;
 *  - CURLOPT_CLOSESOCKETFUNCTION stops polling before the fd is closed, so a
 *    reused fd number never meets a stale epoll registration;
 *  - poll errors go to curl as CURL_CSELECT_ERR;
 *  - callbacks return 0 unless the situation is truly fatal (-1 would abort
 *    every transfer of the multi handle). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>
#include <uv.h>

#include "crawler.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_warc_read.h"
#include "gr_progress.h"
#include "gr_util.h"
#include "gr_warc_write.h"

/* ------------------------------------------------------------ configuration */

const char *const crawler_config_sections[] = { "crawler", "wechat", "host:", NULL };

const struct gr_config_key crawler_config_keys[] = {
    { "db.conninfo", GR_CFG_STR, NULL, 0, 0, "libpq conninfo (else PG* environment, else the embedded cluster)" },
    { "log.level", GR_CFG_STR, "info", 0, 0, "debug, info, notice, warn or error" },
    { "log.format", GR_CFG_STR, "text", 0, 0, "text or json" },
    { "crawler.out_dir", GR_CFG_STR, NULL, 0, 0, "WARC output directory (default $GOVREACH_VAR/spool/warc)" },
    { "crawler.concurrency", GR_CFG_INT, "64", 1, 4096, "transfers in flight in this process" },
    { "crawler.user_agent", GR_CFG_STR, "govreach-crawler/0.1", 0, 0, "User-Agent product; the contact URL is appended" },
    { "crawler.contact_url", GR_CFG_STR, "https://example.invalid/govreach-crawler", 0, 0, "contact URL in the User-Agent and warcinfo" },
    { "crawler.agent_token", GR_CFG_STR, "govreach", 0, 0, "product token matched against robots.txt User-agent lines" },
    { "crawler.operator", GR_CFG_STR, NULL, 0, 0, "warcinfo operator: field (who runs the crawl)" },
    { "crawler.delay_ms", GR_CFG_INT, "1000", 0, 86400000, "minimum delay between requests to one host" },
    { "crawler.max_inflight_per_host", GR_CFG_INT, "1", 1, 100000, "requests in flight per host, across all processes (claimed and not yet completed)" },
    { "crawler.max_crawl_delay_ms", GR_CFG_INT, "86400000", 0, 86400000, "cap on the robots.txt Crawl-delay honoured (default a day: always honoured)" },
    { "crawler.retry_after_cap_ms", GR_CFG_INT, "300000", 0, 86400000, "cap on Retry-After waits" },
    { "crawler.backoff_base_ms", GR_CFG_INT, "2000", 0, 86400000, "first backoff after a transient error" },
    { "crawler.backoff_cap_ms", GR_CFG_INT, "600000", 0, 86400000, "maximum backoff" },
    { "crawler.max_attempts", GR_CFG_INT, "5", 1, 100, "attempts before a URL is recorded as failed" },
    { "crawler.lease_seconds", GR_CFG_INT, "300", 1, 86400, "frontier lease; an expired lease returns to the queue" },
    { "crawler.robots", GR_CFG_BOOL, "true", 0, 0, "obey robots.txt" },
    { "crawler.connect_timeout_ms", GR_CFG_INT, "10000", 1, 600000, "connect timeout" },
    { "crawler.timeout_ms", GR_CFG_INT, "60000", 1, 3600000, "total time per transfer" },
    { "crawler.low_speed_limit", GR_CFG_INT, "100", 0, 1000000000, "abort below this many bytes/s ..." },
    { "crawler.low_speed_time", GR_CFG_INT, "30", 0, 3600, "... for this many seconds" },
    { "crawler.max_body_bytes", GR_CFG_INT, "8388608", 1024, 1073741824, "byte cap per body (truncation recorded)" },
    { "crawler.max_header_bytes", GR_CFG_INT, "65536", 1024, 16777216, "byte cap on response headers" },
    { "crawler.max_decoded_bytes", GR_CFG_INT, "67108864", 1024, 1073741824, "cap when decoding gzip for discovery" },
    { "crawler.max_redirects", GR_CFG_INT, "5", 0, 50, "redirect hops followed from one URL" },
    { "crawler.dns_cache_seconds", GR_CFG_INT, "300", 0, 86400, "DNS cache lifetime" },
    { "crawler.connect_to", GR_CFG_STR, NULL, 0, 0, "ADDR:PORT every host is connected to (the simulated web); a comma list may add curl HOST:PORT:ADDR:PORT entries first" },
    { "crawler.ca_file", GR_CFG_STR, NULL, 0, 0, "CA bundle for TLS verification (verification is always on)" },
    { "crawler.conditional_get", GR_CFG_BOOL, "true", 0, 0, "revalidate recrawls with If-None-Match/If-Modified-Since (304 = WARC revisit)" },
    { "crawler.accept_encoding", GR_CFG_STR, "gzip, deflate", 0, 0, "Accept-Encoding sent; bodies are stored as served" },
    { "crawler.discover", GR_CFG_BOOL, "true", 0, 0, "follow links found by the sources' discover()" },
    { "crawler.max_depth", GR_CFG_INT, "4", 0, 100, "links deeper than this from the seed are not followed" },
    { "crawler.window_start", GR_CFG_STR, NULL, 0, 0, "YYYY-MM-DD: ignore articles published before" },
    { "crawler.window_end", GR_CFG_STR, NULL, 0, 0, "YYYY-MM-DD: ignore articles published on or after" },
    { "crawler.recrawl_default", GR_CFG_INT, "0", 0, 31536000, "seconds until a page of another kind is fetched again (0 = never)" },
    { "crawler.recrawl_robots", GR_CFG_INT, "86400", 0, 31536000, "robots.txt refresh interval" },
    { "crawler.recrawl_wechat_home", GR_CFG_INT, "86400", 0, 31536000, "history page recrawl interval" },
    { "crawler.recrawl_wechat_getmsg", GR_CFG_INT, "86400", 0, 31536000, "history list recrawl interval" },
    { "crawler.recrawl_wechat_article", GR_CFG_INT, "0", 0, 31536000, "article recrawl interval" },
    { "crawler.recrawl_weibo_user", GR_CFG_INT, "86400", 0, 31536000, "Weibo account recrawl interval" },
    { "crawler.recrawl_weibo_timeline", GR_CFG_INT, "86400", 0, 31536000, "Weibo timeline recrawl interval" },
    { "crawler.recrawl_app_listing", GR_CFG_INT, "86400", 0, 31536000, "store listing recrawl interval" },
    { "crawler.stats_schedule", GR_CFG_STR, "86400,604800", 0, 0, "article stats fetched at these offsets (s) after publishing" },
    { "crawler.warc_max_bytes", GR_CFG_INT, "1073741824", 65536, INT64_MAX - 1, "rotate WARC files at this size" },
    { "crawler.warc_prefix", GR_CFG_STR, "govreach", 0, 0, "WARC file name prefix" },
    { "crawler.warc_sync", GR_CFG_BOOL, "true", 0, 0, "fdatasync the WARC before committing completions" },
    { "crawler.grace_seconds", GR_CFG_INT, "20", 0, 3600, "on SIGINT/SIGTERM, time for in-flight transfers to finish" },
    { "crawler.failed_retry_seconds", GR_CFG_INT, "72000", 0, 31536000, "a failed URL (attempts exhausted) is retried on a later night after this long, doubling each night it fails again" },
    { "crawler.failed_retry_cap_seconds", GR_CFG_INT, "691200", 0, 31536000, "the longest wait between those retries" },
    { "crawler.failed_give_up_seconds", GR_CFG_INT, "2592000", 0, 315360000, "a URL failing this long is given up (stays failed; `loader targets` re-arms a given-up seed)" },
    { "crawler.max_pending_wait_seconds", GR_CFG_INT, "900", 0, 86400, "with no time budget, wait at most this long for pending work (retries, Retry-After, leases) before ending incomplete" },
    { "crawler.db_timeout_ms", GR_CFG_INT, "10000", 0, 3600000, "deadline on every database wait and statement (0 = none): a database that does not answer in time ends the crawl with exit 69" },
    { "crawler.idle_exit_seconds", GR_CFG_INT, "30", 0, 86400, "exit when nothing becomes due within this time (not with --urls: a list is finished)" },
    { "crawler.poll_ms", GR_CFG_INT, "50", 1, 10000, "scheduler period" },
    { "crawler.progress_log_seconds", GR_CFG_INT, "60", 0, 86400, "log a progress line this often when not on a terminal" },
    { "wechat.host", GR_CFG_STR, "mp.weixin.qq.com", 0, 0, "the only host WeChat credentials are sent to" },
    { "wechat.https_only", GR_CFG_BOOL, "true", 0, 0, "send the credentials over HTTPS only (the real host serves HTTPS)" },
    { "wechat.cookie", GR_CFG_SECRET, NULL, 0, 0, "in-app Cookie header value (never logged or stored)" },
    { "wechat.key", GR_CFG_SECRET, NULL, 0, 0, "in-app key parameter (never logged or stored)" },
    { "wechat.appmsg_token", GR_CFG_SECRET, NULL, 0, 0, "in-app appmsg_token parameter (never logged or stored)" },
    { "host:*.delay_ms", GR_CFG_INT, NULL, 0, 86400000, "per-host delay override ([host:NAME])" },
    { "host:*.max_inflight", GR_CFG_INT, NULL, 1, 100000, "per-host in-flight override ([host:NAME])" },
    { NULL, 0, NULL, 0, 0, NULL }
};

int64_t cr_host_delay_ms(const struct gr_config *cfg, const char *host, int64_t def)
{
    char name[600];
    const char *v;
    int64_t i;
    snprintf(name, sizeof name, "host:%s.delay_ms", host);
    v = gr_config_get(cfg, name);
    return v && gr_parse_i64(v, &i) ? i : def;
}

int cr_host_max_inflight(const struct gr_config *cfg, const char *host, int def)
{
    char name[600];
    const char *v;
    int64_t i;
    snprintf(name, sizeof name, "host:%s.max_inflight", host);
    v = gr_config_get(cfg, name);
    return v && gr_parse_i64(v, &i) && i > 0 && i <= 100000 ? (int)i : def;
}

/* ------------------------------------------------------------ engine state */

struct sock_ctx {
    curl_socket_t fd;
    uv_poll_t *poll;           /* NULL after the socket was closed */
    struct engine *e;
};

struct robots_entry {
    char *host;
    int64_t version;
    struct cr_robots *rules;
    UT_hash_handle hh;
};

struct host_err {
    char *host;
    uint64_t n;
    UT_hash_handle hh;
};

struct engine {
    uv_loop_t loop;
    CURLM *multi;
    uv_timer_t curl_timer, sched_timer, grace_timer;
    uv_signal_t sigint, sigterm;
    struct sock_ctx **fdmap;
    size_t fdmap_n;

    const struct crawler_opts *o;
    const struct gr_config *cfg;
    struct cr_frontier *fr;
    struct cr_fetch_conf fc;
    struct gr_warc_writer *warc;
    bool warc_sync;
    bool warc_broken;              /* a WARC write or sync failed: nothing more is committed as fetched */
    char warc_base[256];           /* file of the last record written */

    int concurrency;
    int window;                /* jobs claimed and not finished: in flight plus ready */
    struct cr_job **act;
    size_t nact;
    struct cr_job *done, **done_tail;
    size_t ndone;
    /* Claimed ahead (up to the window), started as slots free up, so the
     * transfers do not wait for the database round trips. Their hosts
     * count them as in flight already. */
    struct cr_job *ready, **ready_tail;
    size_t nready;
    CURL **pool;
    size_t npool;

    struct robots_entry *robots;
    struct host_err *herr;
    struct host_err *ferr;         /* failed URLs by reason */
    double max_pending_wait;
    bool waiting_pending;
    const char *agent_token;

    bool discover;
    int max_depth, max_redirects;
    int64_t window_start, window_end;
    int64_t stats_offsets[8];
    int nstats;
    size_t max_decoded;
    int poll_ms, idle_exit;
    int64_t grace_ms;

    int64_t started_pages;
    double t0;
    int stopping;              /* 1 = stop claiming; 2 = abort in flight */
    bool finished;
    bool tick_pending;
    int temp_failures;
    /* the frontier's request in flight (a frontier behind a server) */
    uv_poll_t db_poll;
    bool claiming;              /* a claim is outstanding */
    struct cr_job *committing;  /* the jobs of the completion outstanding */
    double last_claim;
    int claim_asked;
    bool claim_short;           /* the last claim got under half of what it asked */
    bool claim_empty;           /* ... got nothing */
    bool claim_fresh;           /* ... was made after the last completion */
    double last_run_update;
    enum gr_rc rc;
    char err[1024];

    struct gr_progress prog;
    char prog_what[64];
    struct crawler_summary *sum;
    uint64_t status_counts[600];
};

static int64_t wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void fatal(struct engine *e, enum gr_rc rc, const char *msg)
{
    if (!e->rc) {
        e->rc = rc;
        snprintf(e->err, sizeof e->err, "%s", msg);
    }
    if (e->stopping < 2)
        e->stopping = 2;
}

static void schedule_tick(struct engine *e, uint64_t ms);

/* ------------------------------------------------------------ curl <-> uv */

static struct sock_ctx *fd_ctx(struct engine *e, curl_socket_t fd)
{
    return fd >= 0 && (size_t)fd < e->fdmap_n ? e->fdmap[fd] : NULL;
}

static void set_fd_ctx(struct engine *e, curl_socket_t fd, struct sock_ctx *c)
{
    if (fd < 0)
        return;
    if ((size_t)fd >= e->fdmap_n) {
        size_t n = e->fdmap_n ? e->fdmap_n : 256;
        struct sock_ctx **m;
        while (n <= (size_t)fd)
            n *= 2;
        m = realloc(e->fdmap, n * sizeof *m);
        if (!m)
            return;
        memset(m + e->fdmap_n, 0, (n - e->fdmap_n) * sizeof *m);
        e->fdmap = m;
        e->fdmap_n = n;
    }
    e->fdmap[fd] = c;
}

static void poll_close_cb(uv_handle_t *h)
{
    free(h);
}

/* Stops polling and closes the handle (asynchronously freed). */
static void ctx_stop_poll(struct sock_ctx *c)
{
    if (c->poll) {
        uv_poll_stop(c->poll);
        uv_close((uv_handle_t *)c->poll, poll_close_cb);
        c->poll = NULL;
    }
}

static void finish_transfer(struct engine *e, struct cr_job *j, CURLcode rc);
static void start_ready(struct engine *e);
static void db_kick(struct engine *e);

static void drain_info(struct engine *e)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(e->multi, &left))) {
        if (m->msg == CURLMSG_DONE) {
            CURL *h = m->easy_handle;
            CURLcode rc = m->data.result;   /* read before remove_handle */
            char *priv = NULL;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
            if (priv)
                finish_transfer(e, (struct cr_job *)(void *)priv, rc);
        }
    }
}

static void poll_cb(uv_poll_t *p, int status, int events)
{
    struct sock_ctx *c = p->data;
    struct engine *e = c->e;
    int flags = 0, running;

    if (status < 0)
        flags = CURL_CSELECT_ERR;
    else {
        if (events & UV_READABLE)
            flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
            flags |= CURL_CSELECT_OUT;
    }
    curl_multi_socket_action(e->multi, c->fd, flags, &running);
    drain_info(e);
}

static int socket_cb(CURL *h, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct engine *e = userp;
    struct sock_ctx *c = socketp;
    int events = 0;
    (void)h;

    if (what == CURL_POLL_REMOVE) {
        if (c) {
            ctx_stop_poll(c);
            if (fd_ctx(e, s) == c)
                set_fd_ctx(e, s, NULL);
            free(c);
            curl_multi_assign(e->multi, s, NULL);
        }
        return 0;
    }
    if (what & CURL_POLL_IN)
        events |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        events |= UV_WRITABLE;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return 0;       /* the transfer will time out; never -1 */
        c->fd = s;
        c->e = e;
        curl_multi_assign(e->multi, s, c);
    }
    if (fd_ctx(e, s) != c) {
        struct sock_ctx *old = fd_ctx(e, s);
        if (old)
            ctx_stop_poll(old);     /* fd number reused: the old handle is stale */
        set_fd_ctx(e, s, c);
    }
    if (!c->poll) {
        /* Never reuse a closing handle: always a fresh one. */
        c->poll = malloc(sizeof *c->poll);
        if (!c->poll)
            return 0;
        if (uv_poll_init_socket(&e->loop, c->poll, s) != 0) {
            free(c->poll);
            c->poll = NULL;
            gr_warn("cannot poll socket %d", (int)s);
            return 0;
        }
        c->poll->data = c;
    }
    uv_poll_start(c->poll, events, poll_cb);
    return 0;
}

/* Called by libcurl right before it closes a socket: stop polling first, so
 * the fd number can be reused safely. */
static int closesocket_cb(void *arg, curl_socket_t s)
{
    struct engine *e = arg;
    struct sock_ctx *c = fd_ctx(e, s);
    if (c) {
        ctx_stop_poll(c);
        set_fd_ctx(e, s, NULL);
    }
    return close(s);
}

static void curl_timer_cb(uv_timer_t *t)
{
    struct engine *e = t->data;
    int running;
    curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain_info(e);           /* whatever running says */
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
    struct engine *e = userp;
    (void)m;
    if (timeout_ms < 0)
        uv_timer_stop(&e->curl_timer);
    else
        uv_timer_start(&e->curl_timer, curl_timer_cb, (uint64_t)timeout_ms, 0);
    return 0;
}

/* ------------------------------------------------------------ robots cache */

static const struct cr_robots *robots_for(struct engine *e, struct cr_job *j)
{
    struct robots_entry *r;
    int status = -1;
    char *body = NULL;
    char err[512];

    HASH_FIND_STR(e->robots, j->host, r);
    if (r && r->version == j->robots_version)
        return r->rules;
    if (e->fr->robots(e->fr, j->host, &status, &body, err, sizeof err) != GR_OK) {
        gr_warn("cannot load robots.txt of %s: %s", j->host, err);
        free(body);
        return NULL;
    }
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r || !(r->host = strdup(j->host))) {
            free(r);
            free(body);
            return NULL;
        }
        HASH_ADD_KEYPTR(hh, e->robots, r->host, strlen(r->host), r);
    }
    cr_robots_free(r->rules);
    r->rules = NULL;
    r->version = j->robots_version;
    if (status >= 200 && status < 300 && body)
        r->rules = cr_robots_parse(body, strlen(body), e->agent_token);
    free(body);
    return r->rules;
}

/* ------------------------------------------------------------ results */

static void push_done(struct engine *e, struct cr_job *j)
{
    j->next = NULL;
    *e->done_tail = j;
    e->done_tail = &j->next;
    e->ndone++;
}

static void count_host_error(struct engine *e, const char *host)
{
    struct host_err *h;
    HASH_FIND_STR(e->herr, host, h);
    if (!h) {
        h = calloc(1, sizeof *h);
        if (!h || !(h->host = strdup(host))) {
            free(h);
            return;
        }
        HASH_ADD_KEYPTR(hh, e->herr, h->host, strlen(h->host), h);
    }
    h->n++;
}

/* Failed URLs by reason: the error text up to its detail ("HTTP 500",
 * "curl 56", "redirect to another origin not followed"). */
static void count_failed(struct engine *e, const char *error)
{
    char key[96];
    size_t n = strcspn(error, ":(");
    struct host_err *h;

    if (n >= sizeof key)
        n = sizeof key - 1;
    while (n > 0 && error[n - 1] == ' ')
        n--;
    snprintf(key, sizeof key, "%.*s", (int)n, n ? error : "unknown");
    HASH_FIND_STR(e->ferr, key, h);
    if (!h) {
        h = calloc(1, sizeof *h);
        if (!h || !(h->host = strdup(key))) {
            free(h);
            return;
        }
        HASH_ADD_KEYPTR(hh, e->ferr, h->host, strlen(h->host), h);
    }
    h->n++;
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

/* The next fetch time of a page just fetched at now (unix seconds), or 0. */
static int64_t next_due(struct engine *e, const struct cr_job *j, int64_t now)
{
    int64_t iv;
    if (j->kind && strcmp(j->kind, "wechat_stats") == 0 && j->published_at > 0 && e->nstats > 0) {
        for (int i = 0; i < e->nstats; i++)
            if (j->published_at + e->stats_offsets[i] > now)
                return j->published_at + e->stats_offsets[i];
        return 0;
    }
    iv = recrawl_for(e, j->kind);
    return iv > 0 ? now + iv : 0;
}

static bool has_encoding(const struct cr_job *j, char **enc)
{
    *enc = cr_header_value(j->resphead.data ? j->resphead.data : "", j->resphead.len, "Content-Encoding");
    if (*enc && (!**enc || strcasecmp(*enc, "identity") == 0)) {
        free(*enc);
        *enc = NULL;
    }
    return *enc != NULL;
}

/* Runs the source's discover() over the decoded body and keeps the links
 * within depth and the time window. */
static void discover_links(struct engine *e, struct cr_job *j)
{
    struct gr_page page;
    struct gr_buf dec;
    const char *body = j->body.data ? j->body.data : "";
    size_t len = j->body.len;
    char *enc = NULL, *ctype;
    struct gr_links found;
    enum gr_rc rc;

    if (!e->discover || j->depth + 1 > e->max_depth || !j->source || strcmp(j->kind, "robots") == 0)
        return;
    gr_buf_init(&dec, e->max_decoded);
    if (has_encoding(j, &enc)) {
        rc = cr_decode_body(enc, body, len, e->max_decoded, &dec);
        if (rc && rc != GR_ELIMIT) {
            gr_info("%s: cannot decode %s body for discovery", j->url, enc);
            free(enc);
            gr_buf_free(&dec);
            return;
        }
        body = dec.data ? dec.data : "";
        len = dec.len;
    }
    ctype = cr_header_value(j->resphead.data ? j->resphead.data : "", j->resphead.len, "Content-Type");
    /* gr_source_discover() hands the sources UTF-8 (GBK pages are common) */
    memset(&page, 0, sizeof page);
    page.url = j->url;
    page.method = j->method;
    page.request_body = j->post_body && *j->post_body ? j->post_body : NULL;
    page.request_len = j->post_body ? strlen(j->post_body) : 0;
    page.status = (int)j->status;
    page.content_type = ctype;
    page.body = body;
    page.len = len;
    page.fetched_at = j->finished_us / 1000000;
    gr_links_init(&found);
    rc = gr_source_discover(&page, &found);
    if (rc)
        gr_info("%s: discover() failed: %s", j->url, gr_strerror(rc));
    for (size_t i = 0; i < found.n; i++) {
        struct gr_link *l = &found.v[i];
        if (l->published_at > 0 && ((e->window_start && l->published_at < e->window_start) ||
                                    (e->window_end && l->published_at >= e->window_end)))
            continue;
        /* stored URLs never carry credentials or a user name */
        char *clean = cr_url_clean(l->url);
        rc = clean ? gr_links_add(&j->links, clean, l->method, l->post_body, l->kind, l->published_at) : GR_OK;
        free(clean);
        if (rc != GR_OK)
            break;
    }
    e->sum->links_found += j->links.n;
    gr_links_free(&found);
    free(ctype);
    free(enc);
    gr_buf_free(&dec);
}

/* The response header block as stored: curl removed the chunked framing
 * from the body, so the header that announced it is renamed; a Location
 * echoing credentials has their values redacted. */
static char *stored_response_head(const struct cr_job *j, size_t *len)
{
    struct gr_buf out;
    const char *p = j->resphead.data ? j->resphead.data : "", *end = p + j->resphead.len;

    gr_buf_init(&out, j->resphead.len + 1024);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (n > 18 && strncasecmp(p, "Transfer-Encoding:", 18) == 0)
            gr_buf_appends(&out, "X-Crawler-");
        if ((n > 9 && strncasecmp(p, "Location:", 9) == 0) || (n > 17 && strncasecmp(p, "Content-Location:", 17) == 0))
            cr_redact_line(&out, p, n);
        else
            gr_buf_append(&out, p, n);
        p += n;
    }
    /* a header block cut short (timeout, cap) still ends the header section */
    if (out.len < 4 || memcmp(out.data + out.len - 4, "\r\n\r\n", 4) != 0) {
        if (out.len >= 2 && memcmp(out.data + out.len - 2, "\r\n", 2) == 0)
            gr_buf_appends(&out, "\r\n");
        else
            gr_buf_appends(&out, "\r\n\r\n");
    }
    return gr_buf_steal(&out, len);
}

static void write_warc(struct engine *e, struct cr_job *j)
{
    struct gr_warc_record r;
    struct gr_warc_pos rp, qp;
    struct gr_warc_field mf[1];
    struct gr_buf meta;
    char *head = NULL, *req = NULL, *enc = NULL;
    size_t hlen = 0, qlen = 0;
    char err[512];
    enum gr_rc rc;
    bool revisit = j->status == 304;

    if (j->status <= 0 || j->resphead.len == 0)
        return;                 /* no response: only the fetch log knows */
    head = stored_response_head(j, &hlen);
    memset(&r, 0, sizeof r);
    r.type = revisit ? GR_WARC_REVISIT : GR_WARC_RESPONSE;
    r.target_uri = j->url;
    r.date_us = j->started_us;
    r.content_type = "application/http;msgtype=response";
    r.truncated = j->truncated;
    r.ip_address = j->ip;
    r.head = head;
    r.head_len = hlen;
    if (revisit) {
        r.profile = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
    } else {
        r.body = j->body.data;
        r.body_len = j->body.len;
        r.body_compressed = has_encoding(j, &enc);
    }
    rc = gr_warc_write(e->warc, &r, &rp, err, sizeof err);
    if (rc)
        goto fail;
    snprintf(j->warc_file, sizeof j->warc_file, "%s", rp.file);
    snprintf(e->warc_base, sizeof e->warc_base, "%s", rp.file);
    j->warc_offset = (int64_t)rp.offset;

    req = cr_fetch_redacted_request(&e->fc, j, &qlen);
    memset(&r, 0, sizeof r);
    r.type = GR_WARC_REQUEST;
    r.target_uri = j->url;
    r.date_us = j->started_us;
    r.content_type = "application/http;msgtype=request";
    r.concurrent_to = rp.record_id;
    r.head = req;
    r.head_len = qlen;
    if (j->post_body && *j->post_body && strcmp(j->method, "POST") == 0) {
        r.body = j->post_body;
        r.body_len = strlen(j->post_body);
    }
    rc = gr_warc_write(e->warc, &r, &qp, err, sizeof err);
    if (rc)
        goto fail;

    gr_buf_init(&meta, 1 << 20);
    gr_buf_printf(&meta, "fetchTimeMs: %.0f\r\n", j->t_total);
    if (j->id > 0)
        gr_buf_printf(&meta, "govreach-frontier-id: %lld\r\n", (long long)j->id);
    gr_buf_printf(&meta, "govreach-source: %s\r\ngovreach-kind: %s\r\n", j->source ? j->source : "",
                  j->kind ? j->kind : "");
    if (j->target_key && !strpbrk(j->target_key, "\r\n"))
        gr_buf_printf(&meta, "govreach-target-key: %s\r\n", j->target_key);
    gr_buf_printf(&meta, "govreach-depth: %d\r\ngovreach-attempt: %d\r\ngovreach-method: %s\r\n", j->depth,
                  j->attempts, j->method);
    if (j->published_at > 0)
        gr_buf_printf(&meta, "govreach-published-at: %lld\r\n", (long long)j->published_at);
    if (j->truncated)
        gr_buf_printf(&meta, "govreach-truncated: %s\r\n", j->truncated);
    if (j->curl_rc != CURLE_OK)
        gr_buf_printf(&meta, "govreach-curl-error: %d %s\r\n", (int)j->curl_rc, curl_easy_strerror(j->curl_rc));
    if (j->credentialed)
        gr_buf_appends(&meta, "govreach-redacted: Cookie header and key, appmsg_token, pass_ticket, uin, wxtoken "
                              "parameters removed from the request record\r\n");
    memset(&r, 0, sizeof r);
    r.type = GR_WARC_METADATA;
    r.target_uri = j->url;
    r.date_us = j->started_us;
    r.content_type = "application/warc-fields";
    r.concurrent_to = rp.record_id;
    mf[0].name = "WARC-Refers-To";
    mf[0].value = rp.record_id;
    r.fields = mf;
    r.nfields = 1;
    r.head = meta.data;
    r.head_len = meta.len;
    rc = gr_warc_write(e->warc, &r, NULL, err, sizeof err);
    gr_buf_free(&meta);
    if (rc)
        goto fail;
    free(head);
    free(req);
    free(enc);
    return;
fail:
    free(head);
    free(req);
    free(enc);
    gr_error("cannot write WARC: %s", err);
    /* No durable record, no completion: the URL goes back to the queue
     * (disk full: exit 74, and a rerun fetches it). */
    e->warc_broken = true;
    j->outcome = CR_RELEASED;
    j->warc_file[0] = '\0';
    fatal(e, rc == GR_EIO ? GR_EIO : rc, err);
}

/* A redirect is followed only to the same scheme and effective port, on
 * the same host or another host of the source that owns the URL (its URL
 * patterns are its list of hosts), never to a URL naming a user. */
static bool redirect_allowed(const char *from, const char *to)
{
    char sf[16], st[16], hf[256], ht[256];
    long pf, pt;
    const struct gr_source *src;

    if (cr_url_has_user(to) || !cr_url_origin(from, sf, sizeof sf, hf, sizeof hf, &pf) ||
        !cr_url_origin(to, st, sizeof st, ht, sizeof ht, &pt) || strcmp(sf, st) != 0 || pf != pt)
        return false;
    if (strcmp(hf, ht) == 0)
        return true;
    src = gr_source_find(from);
    return src && gr_source_find(to) == src;
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

/* Decides what the frontier does with j after its transfer. */
static void classify(struct engine *e, struct cr_job *j)
{
    int64_t now = j->finished_us / 1000000;
    bool is_robots = j->kind && strcmp(j->kind, "robots") == 0;
    bool got_response = j->status > 0 && j->resphead.len > 0;
    int max_attempts = e->fr->polite.max_attempts;

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
            char *enc = NULL;
            struct gr_buf dec;
            gr_buf_init(&dec, 512 * 1024);
            if (has_encoding(j, &enc))
                cr_decode_body(enc, j->body.data ? j->body.data : "", j->body.len, 512 * 1024, &dec);
            else
                gr_buf_append(&dec, j->body.data ? j->body.data : "", j->body.len < 512 * 1024 ? j->body.len : 512 * 1024);
            free(enc);
            j->robots_status = (int)j->status;
            j->robots_body = gr_buf_steal(&dec, NULL);
            if (!j->robots_body)
                j->robots_body = strdup("");
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
            discover_links(e, j);
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

static void finish_transfer(struct engine *e, struct cr_job *j, CURLcode rc)
{
    size_t last;

    j->finished_us = wall_us();
    cr_fetch_finish(j, rc);
    curl_multi_remove_handle(e->multi, j->easy);
    if (e->npool < (size_t)e->concurrency) {
        e->pool[e->npool++] = j->easy;
    } else {
        curl_easy_cleanup(j->easy);
    }
    j->easy = NULL;
    last = --e->nact;
    e->act[j->slot] = e->act[last];
    e->act[j->slot]->slot = j->slot;

    if (e->stopping >= 2 && rc == CURLE_ABORTED_BY_CALLBACK) {
        j->outcome = CR_RELEASED;
    } else {
        classify(e, j);
        write_warc(e, j);
        if (j->status > 0 && j->status < 600)
            e->status_counts[j->status]++;
        e->sum->status[j->status > 0 && j->status < 600 ? j->status / 100 : 0]++;
        e->sum->bytes += j->body.len;
        if (j->truncated)
            e->sum->truncated++;
        if (j->outcome == CR_DONE)
            e->sum->pages++;
        else if (j->outcome == CR_RETRY)
            e->sum->retries++;
        else if (j->outcome == CR_FAILED) {
            e->sum->failed++;
            count_failed(e, j->error);
        }
        if (j->outcome != CR_DONE || j->status >= 400) {
            e->sum->errors++;
            count_host_error(e, j->host);
        }
        gr_debug("%s %s -> %ld %s (%.0f ms)", j->method, j->url, j->status, j->error, j->t_total);
    }
    push_done(e, j);
    start_ready(e);
    /* the progress line's unit carries the in-flight count */
    snprintf(e->prog_what, sizeof e->prog_what, "pages, %zu in flight", e->nact);
    gr_progress_tick(&e->prog, e->sum->pages, e->sum->errors);
    db_kick(e);
    if (e->nact == 0)
        schedule_tick(e, 0);
}

/* ------------------------------------------------------------ scheduling */

static void start_job(struct engine *e, struct cr_job *j)
{
    char path[8192];
    char err[512];
    CURLMcode mc;

    j->started_us = wall_us();
    j->t_start = gr_now();
    if (e->fr->polite.robots && strcmp(j->kind, "robots") != 0) {
        const struct cr_robots *r = robots_for(e, j);
        if (r && cr_url_path(j->url, path, sizeof path) && !cr_robots_allowed(r, path)) {
            j->outcome = CR_BLOCKED;
            j->finished_us = j->started_us;
            snprintf(j->error, sizeof j->error, "disallowed by robots.txt");
            e->sum->blocked++;
            push_done(e, j);
            return;
        }
    }
    if (cr_fetch_prepare(&e->fc, j, e->pool, &e->npool, closesocket_cb, e, err, sizeof err) != GR_OK) {
        j->outcome = CR_FAILED;
        j->finished_us = j->started_us;
        snprintf(j->error, sizeof j->error, "%.250s", err);
        e->sum->failed++;
        push_done(e, j);
        return;
    }
    j->slot = e->nact;
    e->act[e->nact++] = j;
    mc = curl_multi_add_handle(e->multi, j->easy);
    if (mc != CURLM_OK) {
        e->act[j->slot] = e->act[--e->nact];
        e->act[j->slot]->slot = j->slot;
        j->outcome = CR_RETRY;
        snprintf(j->error, sizeof j->error, "curl_multi_add_handle: %s", curl_multi_strerror(mc));
        push_done(e, j);
    }
}

/* Starts claimed jobs while slots are free. A job whose lease has run half
 * its time waiting is given back instead: its completion must land while
 * the lease still holds. */
static void start_ready(struct engine *e)
{
    while (e->ready && e->nact < (size_t)e->concurrency && e->stopping == 0) {
        struct cr_job *j = e->ready;
        e->ready = j->next;
        if (!e->ready)
            e->ready_tail = &e->ready;
        e->nready--;
        j->next = NULL;
        if (j->claimed_at > 0 && gr_now() - j->claimed_at > e->fr->polite.lease_seconds / 2.0) {
            j->started_us = j->finished_us = wall_us();
            j->outcome = CR_RELEASED;
            push_done(e, j);
            continue;
        }
        start_job(e, j);
    }
}

/* Gives claimed but unstarted jobs back (shutdown). */
static void release_ready(struct engine *e)
{
    while (e->ready) {
        struct cr_job *j = e->ready;
        e->ready = j->next;
        j->started_us = j->finished_us = wall_us();
        j->outcome = CR_RELEASED;
        push_done(e, j);
    }
    e->ready_tail = &e->ready;
    e->nready = 0;
}

static void free_list(struct cr_job *j)
{
    for (struct cr_job *n; j; j = n) {
        n = j->next;
        cr_job_free(j);
    }
}

/* Takes the finished jobs for a completion. */
static struct cr_job *take_done(struct engine *e)
{
    struct cr_job *list = e->done;
    e->done = NULL;
    e->done_tail = &e->done;
    e->ndone = 0;
    return list;
}

/* A completion of list ended with rc. A transient failure puts the jobs
 * back in front of the finished ones, to be sent again. */
static void completed(struct engine *e, struct cr_job *list, enum gr_rc rc, const char *err)
{
    if (rc == GR_ETEMP && ++e->temp_failures < 10) {
        struct cr_job *last = list;
        size_t n = 1;
        gr_warn("recording completions failed, retrying: %s", err);
        while (last->next) {
            last = last->next;
            n++;
        }
        last->next = e->done;
        if (!e->done)
            e->done_tail = &last->next;
        e->done = list;
        e->ndone += n;
        return;
    }
    if (rc) {
        gr_error("cannot record completions: %s", err);
        fatal(e, rc, err);
        free_list(list);
        return;
    }
    e->temp_failures = 0;
    for (struct cr_job *j = list; j; j = j->next) {
        if (j->outcome == CR_RELEASED)
            e->sum->released++;
        if (j->lease_lost)
            e->sum->lost_leases++;
    }
    free_list(list);
    e->claim_fresh = false;     /* completions may have made work due */
}

/* Takes the jobs a claim returned (rc its code). */
static void claimed(struct engine *e, struct cr_job *list, enum gr_rc rc, const char *err)
{
    struct cr_job *n;
    int got = 0;

    if (rc) {
        gr_error("cannot claim work: %s", err);
        if (++e->temp_failures >= 10)
            fatal(e, GR_EUNAVAIL, err);
    }
    for (; list; list = n) {
        n = list->next;
        list->next = NULL;
        got++;
        if (strcmp(list->kind, "robots") != 0)
            e->started_pages++;
        if (e->stopping) {
            /* a signal arrived while the claim ran */
            list->started_us = list->finished_us = wall_us();
            list->outcome = CR_RELEASED;
            push_done(e, list);
            continue;
        }
        if (list->delay_ms > 0 && e->nact < 2 * (size_t)e->concurrency) {
            /* A host with a delay: start at once, so the spacing the claim
             * set (next_allowed_at) is the spacing on the wire, even past
             * the concurrency (up to 2x; later only spaces it more). */
            start_job(e, list);
            continue;
        }
        *e->ready_tail = list;
        e->ready_tail = &list->next;
        e->nready++;
    }
    e->claim_short = !rc && got * 2 < e->claim_asked;
    e->claim_empty = !rc && got == 0;
    e->claim_fresh = !rc;
    start_ready(e);
}

static void db_io_cb(uv_poll_t *p, int status, int events);

/* Watches the frontier's connection while a request runs. */
static void db_watch(struct engine *e, bool want_write)
{
    uv_poll_start(&e->db_poll, UV_READABLE | (want_write ? UV_WRITABLE : 0), db_io_cb);
}

/* Whether a request to the frontier is outstanding. */
static bool db_busy(const struct engine *e)
{
    return e->claiming || e->committing;
}

/* Sends the frontier the requests wanted that are not outstanding yet: a
 * completion of the finished jobs (the WARC synced first) and a claim. An
 * asynchronous frontier has both on the wire together; the others answer
 * at once. */
static void db_kick(struct engine *e)
{
    bool async = e->fr->send_claim != NULL;
    char err[1024];
    enum gr_rc rc;

    for (int round = 0; round < 64 && !e->finished; round++) {
        int room = e->window - (int)e->nact - (int)e->nready;
        bool sent = false;

        if (e->stopping >= 2 && e->rc)
            return;             /* fatal: the shutdown path records what it can */
        if (e->done && !e->committing) {
            struct cr_job *list;
            if (e->warc_sync && gr_warc_sync(e->warc, err, sizeof err) != GR_OK) {
                gr_error("cannot sync the WARC: %s", err);
                e->warc_broken = true;
                fatal(e, GR_EIO, err);
                return;
            }
            list = take_done(e);
            if (!async) {
                rc = e->fr->complete(e->fr, list, err, sizeof err);
                completed(e, list, rc, err);
                if (rc)
                    return;
            } else if ((rc = e->fr->send_complete(e->fr, list, err, sizeof err)) != GR_OK) {
                completed(e, list, rc, err);
                return;
            } else {
                e->committing = list;
            }
            sent = true;
        }
        /* Claim: in bulk once half the window is free while claims come
         * back full; when they come back short (the hosts' limits bind),
         * right behind each completion, which frees host slots; and at least
         * every poll_ms (delays run out). */
        if (!e->claiming && !e->stopping && room > 0 &&
            !(e->o->max_pages > 0 && e->started_pages >= e->o->max_pages) &&
            ((room >= e->window / 2 && !e->claim_short) || (e->claim_short && sent) ||
             gr_now() - e->last_claim >= e->poll_ms / 1000.0)) {
            struct cr_job *list = NULL;
            int64_t lim = e->o->max_pages > 0 ? e->o->max_pages - e->started_pages : room;
            if (lim < room)
                room = (int)lim;
            e->claim_asked = room;
            e->last_claim = gr_now();
            if (!async) {
                rc = e->fr->claim(e->fr, room, &list, err, sizeof err);
                claimed(e, list, rc, err);
                if (rc)
                    return;
            } else if ((rc = e->fr->send_claim(e->fr, room, err, sizeof err)) != GR_OK) {
                claimed(e, NULL, rc, err);
                return;
            } else {
                e->claiming = true;
            }
            sent = true;
        }
        if (async) {
            if (sent)
                db_watch(e, true);
            return;
        }
        if (!sent)
            return;
    }
}

/* Takes the replies that arrived (block: all outstanding ones). */
static void db_progress(struct engine *e, bool block)
{
    struct cr_reply r;
    bool want_write = false;

    if (!db_busy(e))
        return;
    while (e->fr->progress(e->fr, block, &r, &want_write)) {
        if (r.claim) {
            e->claiming = false;
            claimed(e, r.jobs, r.rc, r.err);
        } else {
            struct cr_job *c = e->committing;
            e->committing = NULL;
            completed(e, c, r.rc, r.err);
        }
    }
    if (db_busy(e))
        db_watch(e, want_write);
    else
        uv_poll_stop(&e->db_poll);
}

static void db_io_cb(uv_poll_t *p, int status, int events)
{
    struct engine *e = p->data;
    (void)status;
    (void)events;
    db_progress(e, false);
    db_kick(e);
    if (e->stopping && e->nact == 0 && e->ndone == 0 && e->nready == 0 && !db_busy(e))
        schedule_tick(e, 0);
}

static void abort_inflight(struct engine *e)
{
    /* Remove every transfer; each becomes a released job. */
    while (e->nact) {
        struct cr_job *j = e->act[e->nact - 1];
        j->finished_us = wall_us();
        curl_multi_remove_handle(e->multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
        e->nact--;
        j->outcome = CR_RELEASED;
        push_done(e, j);
    }
}

static void stop_loop(struct engine *e);
static void grace_cb(uv_timer_t *t);

/* Nothing is due within idle_exit: whether to wait for work still
 * pending (a retry, a host's Retry-After, another crawler's lease) that
 * becomes due before the budget ends (or, with no budget, within
 * max_pending_wait). Sets *next_ms when waiting. */
static bool wait_pending(struct engine *e, uint64_t *next_ms)
{
    struct cr_pending p;
    char err[512];
    double left;

    if (!e->fr->pending)
        return false;
    if (e->fr->pending(e->fr, &p, err, sizeof err) != GR_OK) {
        gr_error("cannot read the frontier: %s", err);
        fatal(e, GR_EUNAVAIL, err);
        return false;
    }
    if (p.leased + p.retry + p.host_wait + p.due == 0 || p.next_secs < 0) {
        if (p.robots_wait)
            gr_notice("%lld URLs wait for their host's robots.txt to answer (a later night)", (long long)p.robots_wait);
        gr_info("nothing due before the budget ends: the crawl ends");
        return false;
    }
    left = e->o->time_budget > 0 ? e->o->time_budget - (gr_now() - e->t0) : e->max_pending_wait;
    if (p.next_secs >= left) {
        gr_notice("work pending beyond the %s (%lld leased, %lld retries, %lld waiting on their host, %lld due; "
                  "next in %.0f s): crawl incomplete",
                  e->o->time_budget > 0 ? "time budget" : "pending wait", (long long)p.leased, (long long)p.retry,
                  (long long)p.host_wait, (long long)p.due, p.next_secs);
        return false;
    }
    if (!e->waiting_pending)
        gr_info("waiting %.0f s for pending work (%lld leased, %lld retries, %lld waiting on their host)",
                p.next_secs, (long long)p.leased, (long long)p.retry, (long long)p.host_wait);
    e->waiting_pending = true;
    *next_ms = p.next_secs > 1.0 ? 1000 : (uint64_t)(p.next_secs * 1000.0) + 1;
    return true;
}

static void tick_cb(uv_timer_t *t)
{
    struct engine *e = t->data;
    uint64_t next_ms = (uint64_t)e->poll_ms;
    char err[1024];

    e->tick_pending = false;
    if (e->finished)
        return;
    if (e->o->time_budget > 0 && !e->stopping && gr_now() - e->t0 >= e->o->time_budget) {
        gr_notice("time budget of %.0f s reached: finishing in-flight transfers", e->o->time_budget);
        e->stopping = 1;
        uv_timer_start(&e->grace_timer, grace_cb, (uint64_t)e->grace_ms, 0);
    }
    if (e->stopping >= 2)
        abort_inflight(e);
    /* a database request past its deadline fails here (socket silent) */
    db_progress(e, false);
    if (e->stopping >= 2 && e->rc && !db_busy(e)) {
        stop_loop(e);
        return;
    }
    if (gr_now() - e->last_run_update >= 30) {
        /* staff watching crawl.run see a running crawl's counts */
        e->last_run_update = gr_now();
        e->sum->seconds = gr_now() - e->t0;
        e->fr->finish(e->fr, e->sum, "running", false);
    }
    if (!e->stopping && e->o->max_pages > 0 && e->started_pages >= e->o->max_pages)
        e->stopping = 1;
    if (e->stopping)
        release_ready(e);
    db_kick(e);
    start_ready(e);
    if (!e->stopping && !db_busy(e) && e->claim_empty && e->claim_fresh && e->nact == 0 && e->ndone == 0 &&
        e->nready == 0) {
        /* the last claim, made after the last completion, found nothing */
        double secs;
        if (e->fr->next_event(e->fr, &secs, err, sizeof err) != GR_OK) {
            gr_error("cannot read the frontier: %s", err);
            fatal(e, GR_EUNAVAIL, err);
        } else if (secs < 0 || (secs > e->idle_exit && !e->o->urls_file && !wait_pending(e, &next_ms))) {
            e->stopping = 1;
        } else if (secs > e->idle_exit && !e->o->urls_file) {
            /* waiting for pending work (next_ms set) */
        } else {
            double ms = secs * 1000.0;
            if (ms > 1000)
                ms = 1000;
            if (ms > next_ms)
                next_ms = (uint64_t)ms;
        }
    }
    if (e->stopping && e->nact == 0 && e->ndone == 0 && e->nready == 0 && !db_busy(e)) {
        stop_loop(e);
        return;
    }
    schedule_tick(e, next_ms);
}

static void schedule_tick(struct engine *e, uint64_t ms)
{
    if (e->finished)
        return;
    if (e->tick_pending && ms > 0)
        return;
    e->tick_pending = true;
    uv_timer_start(&e->sched_timer, tick_cb, ms, 0);
}

/* Past the grace period nothing waits long for the database (a stalled
 * server must not hold a stopping crawler, nor the nightly lock). */
static void shorten_db_waits(struct engine *e)
{
    if (e->fr && (e->fr->polite.db_timeout_ms == 0 || e->fr->polite.db_timeout_ms > 500))
        e->fr->polite.db_timeout_ms = 500;
    gr_db_set_timeout(500);
}

static void grace_cb(uv_timer_t *t)
{
    struct engine *e = t->data;
    if (e->nact)
        gr_warn("grace period over: releasing %zu in-flight transfers", e->nact);
    e->stopping = 2;
    shorten_db_waits(e);
    schedule_tick(e, 0);
}

static void signal_cb(uv_signal_t *s, int signum)
{
    struct engine *e = s->data;
    e->sum->interrupted = true;
    if (e->stopping == 0) {
        gr_notice("%s: no new work; %zu transfers get %lld s to finish (signal again to stop now)",
                  strsignal(signum), e->nact, (long long)(e->grace_ms / 1000));
        e->stopping = 1;
        uv_timer_start(&e->grace_timer, grace_cb, (uint64_t)e->grace_ms, 0);
    } else {
        gr_notice("%s again: releasing in-flight work and stopping", strsignal(signum));
        e->stopping = 2;
        shorten_db_waits(e);
    }
    schedule_tick(e, 0);
}

static void stop_loop(struct engine *e)
{
    e->finished = true;
    uv_timer_stop(&e->sched_timer);
    uv_timer_stop(&e->grace_timer);
    uv_signal_stop(&e->sigint);
    uv_signal_stop(&e->sigterm);
    uv_stop(&e->loop);
}

/* ------------------------------------------------------------ setup and run */

static void warc_file_cb(void *arg, const char *path, bool closed, uint64_t records, uint64_t bytes)
{
    struct engine *e = arg;
    if (closed)
        gr_info("closed %s (%llu records, %llu bytes)", path, (unsigned long long)records,
                (unsigned long long)bytes);
    if (e->fr && e->fr->warc_file)
        e->fr->warc_file(e->fr, path, closed, records, bytes);
}

/* A WARC left .open by a killed crawler, now closed: record it so. */
static void recovered_cb(void *arg, const char *path, uint64_t records, uint64_t bytes)
{
    struct engine *e = arg;
    if (e->fr && e->fr->warc_file)
        e->fr->warc_file(e->fr, path, true, records, bytes);
}

/* Exactly-once observations after a kill -9 (issue 13): before a WARC left
 * .open is recovered, the records of fetches whose completion was never
 * committed are cut off it, so the rerun's fetch of those URLs is the only
 * one stored. Records are written in completion order and completions are
 * committed in that order, so the committed ones are a prefix: the file is
 * cut after the request and metadata records that follow the last
 * committed response (after the warcinfo record when none was). */
static enum gr_rc drop_uncommitted(struct engine *e, const char *dir, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *de;
    enum gr_rc rc = GR_OK;

    if (!e->fr || !e->fr->warc_committed || !(d = opendir(dir)))
        return GR_OK;
    while (!rc && (de = readdir(d))) {
        char path[1024], base[1024];
        size_t n = strlen(de->d_name);
        struct gr_warc_reader *r = NULL;
        struct gr_warc_rec rec;
        uint64_t off = 0, cut = 0, size;
        bool found = false, eof = false, at = false;
        int fd, after = 0, nrec = 0;
        struct stat st;

        if (n <= 13 || strcmp(de->d_name + n - 13, ".warc.gz.open") != 0 ||
            (size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
            continue;
        snprintf(base, sizeof base, "%.*s", (int)(n - 5), de->d_name);
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &st) != 0) {   /* a live writer holds it */
            close(fd);
            continue;
        }
        size = (uint64_t)st.st_size;
        rc = e->fr->warc_committed(e->fr, base, &off, &found, err, errlen);
        if (!rc && gr_warc_reader_open(path, &r, err, errlen) == GR_OK) {
            while (gr_warc_reader_next(r, &rec, &eof, err, errlen) == GR_OK && !eof) {
                nrec++;
                if (!found) {
                    if (strcmp(rec.type, "warcinfo") == 0)
                        cut = gr_warc_reader_tell(r);
                    break;
                }
                if (!at && rec.offset == off) {
                    at = true;
                    cut = gr_warc_reader_tell(r);
                } else if (at && after < 2 && (strcmp(rec.type, "request") == 0 || strcmp(rec.type, "metadata") == 0)) {
                    after++;
                    cut = gr_warc_reader_tell(r);
                } else if (at) {
                    break;
                }
            }
            gr_warc_reader_free(r);
            if ((at || !found) && cut > 0 && cut < size) {
                gr_notice("%s: dropping the records after offset %llu (%llu bytes): their fetches were never "
                          "committed and are fetched again", path, (unsigned long long)cut,
                          (unsigned long long)(size - cut));
                if (ftruncate(fd, (off_t)cut) != 0) {
                    snprintf(err, errlen, "cannot truncate %s: %s", path, strerror(errno));
                    rc = GR_EIO;
                }
            }
        }
        close(fd);
        (void)nrec;
    }
    closedir(d);
    return rc;
}

/* Parses "YYYY-MM-DD" as unix seconds (UTC midnight); 0 when empty. */
static bool parse_day(const char *s, int64_t *out)
{
    struct tm tm;
    char *end;
    *out = 0;
    if (!s || !*s)
        return true;
    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%Y-%m-%d", &tm);
    if (!end || *end)
        return false;
    *out = (int64_t)timegm(&tm);
    return true;
}

static void walk_close_cb(uv_handle_t *h, void *arg)
{
    struct engine *e = arg;
    if (!uv_is_closing(h))
        uv_close(h, h->type == UV_POLL && h != (uv_handle_t *)&e->db_poll ? poll_close_cb : NULL);
}

static char *json_counts(struct engine *e, struct host_err *hash, bool hosts)
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

enum gr_rc crawler_run(const struct crawler_opts *o, struct crawler_summary *sum, char *err, size_t errlen)
{
    struct engine *e = calloc(1, sizeof *e);
    const struct gr_config *cfg = o->cfg;
    struct cr_polite pol;
    struct gr_warc_opts wo;
    char ua[1024], out_dir[1024], extra[2048], connect_to[512];
    enum gr_rc rc = GR_OK;
    unsigned recovered = 0;
    uint64_t dropped = 0;
    bool loop_ok = false, curl_ok = false;
    const char *v;

    memset(sum, 0, sizeof *sum);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return GR_ENOMEM;
    }
    e->o = o;
    e->cfg = cfg;
    e->sum = sum;
    e->done_tail = &e->done;
    e->ready_tail = &e->ready;
    e->concurrency = o->concurrency > 0 ? o->concurrency : (int)gr_config_int(cfg, "crawler.concurrency");
    /* Claims run while transfers do: the jobs claimed ahead must outlast a
     * claim's round trip behind a completion, and a claim is made once half
     * the window is free (bench/run crawler: 2x the concurrency reached
     * 7,000 pages/s, 8x 10,000). */
    e->window = e->concurrency * 8;
    e->agent_token = gr_config_get(cfg, "crawler.agent_token");
    e->discover = gr_config_bool(cfg, "crawler.discover") && !o->urls_file;
    e->max_depth = (int)gr_config_int(cfg, "crawler.max_depth");
    e->max_redirects = (int)gr_config_int(cfg, "crawler.max_redirects");
    e->max_decoded = (size_t)gr_config_int(cfg, "crawler.max_decoded_bytes");
    e->poll_ms = (int)gr_config_int(cfg, "crawler.poll_ms");
    e->idle_exit = (int)gr_config_int(cfg, "crawler.idle_exit_seconds");
    e->grace_ms = gr_config_int(cfg, "crawler.grace_seconds") * 1000;
    e->warc_sync = gr_config_bool(cfg, "crawler.warc_sync") && !o->urls_file;
    if (!parse_day(gr_config_get(cfg, "crawler.window_start"), &e->window_start) ||
        !parse_day(gr_config_get(cfg, "crawler.window_end"), &e->window_end)) {
        snprintf(err, errlen, "crawler.window_start/window_end must be YYYY-MM-DD");
        rc = GR_ECONFIG;
        goto out;
    }
    v = gr_config_get(cfg, "crawler.stats_schedule");
    for (const char *p = v ? v : ""; *p && e->nstats < 8;) {
        char num[32];
        size_t n = strcspn(p, ",");
        int64_t x;
        if (n == 0 || n >= sizeof num) {
            snprintf(err, errlen, "crawler.stats_schedule: \"%s\" is not a list of seconds", v);
            rc = GR_ECONFIG;
            goto out;
        }
        memcpy(num, p, n);
        num[n] = '\0';
        if (!gr_parse_i64(num, &x) || x < 0) {
            snprintf(err, errlen, "crawler.stats_schedule: \"%s\" is not a number of seconds", num);
            rc = GR_ECONFIG;
            goto out;
        }
        e->stats_offsets[e->nstats++] = x;
        p += n;
        if (*p == ',')
            p++;
    }

    memset(&pol, 0, sizeof pol);
    pol.delay_ms = gr_config_int(cfg, "crawler.delay_ms");
    pol.max_inflight = (int)gr_config_int(cfg, "crawler.max_inflight_per_host");
    pol.max_crawl_delay_ms = gr_config_int(cfg, "crawler.max_crawl_delay_ms");
    pol.retry_after_cap_ms = gr_config_int(cfg, "crawler.retry_after_cap_ms");
    pol.backoff_base_ms = gr_config_int(cfg, "crawler.backoff_base_ms");
    pol.backoff_cap_ms = gr_config_int(cfg, "crawler.backoff_cap_ms");
    pol.max_attempts = (int)gr_config_int(cfg, "crawler.max_attempts");
    pol.lease_seconds = (int)gr_config_int(cfg, "crawler.lease_seconds");
    pol.robots = gr_config_bool(cfg, "crawler.robots");
    pol.failed_retry_s = gr_config_int(cfg, "crawler.failed_retry_seconds");
    pol.db_timeout_ms = (int)gr_config_int(cfg, "crawler.db_timeout_ms");
    gr_db_set_timeout(pol.db_timeout_ms);
    pol.failed_retry_cap_s = gr_config_int(cfg, "crawler.failed_retry_cap_seconds");
    pol.failed_give_up_s = gr_config_int(cfg, "crawler.failed_give_up_seconds");
    e->max_pending_wait = (double)gr_config_int(cfg, "crawler.max_pending_wait_seconds");

    /* transfer limits */
    snprintf(ua, sizeof ua, "%s (+%s)", gr_config_get(cfg, "crawler.user_agent"),
             gr_config_get(cfg, "crawler.contact_url"));
    e->fc.user_agent = ua;
    e->fc.accept_encoding = gr_config_get(cfg, "crawler.accept_encoding");
    e->fc.ca_file = gr_config_get(cfg, "crawler.ca_file");
    e->fc.connect_timeout_ms = (long)gr_config_int(cfg, "crawler.connect_timeout_ms");
    e->fc.timeout_ms = (long)gr_config_int(cfg, "crawler.timeout_ms");
    e->fc.low_speed_limit = (long)gr_config_int(cfg, "crawler.low_speed_limit");
    e->fc.low_speed_time = (long)gr_config_int(cfg, "crawler.low_speed_time");
    e->fc.max_body = (size_t)gr_config_int(cfg, "crawler.max_body_bytes");
    e->fc.max_header = (size_t)gr_config_int(cfg, "crawler.max_header_bytes");
    e->fc.dns_cache_timeout = (long)gr_config_int(cfg, "crawler.dns_cache_seconds");
    e->fc.conditional = gr_config_bool(cfg, "crawler.conditional_get");
    e->fc.wechat_host = gr_config_get(cfg, "wechat.host");
    e->fc.wechat_cookie = gr_config_get(cfg, "wechat.cookie");
    e->fc.wechat_key = gr_config_get(cfg, "wechat.key");
    e->fc.wechat_appmsg_token = gr_config_get(cfg, "wechat.appmsg_token");
    e->fc.wechat_https_only = gr_config_bool(cfg, "wechat.https_only");
    v = o->connect_to ? o->connect_to : gr_config_get(cfg, "crawler.connect_to");
    for (const char *p = v ? v : ""; *p;) {
        /* A comma-separated list; "ADDR:PORT" maps any host and port there
         * (URLs keep their names); a full curl "HOST:PORT:ADDR:PORT" entry
         * is passed as is (e.g. ":443:127.0.0.1:8443" for a TLS port).
         * The first matching entry wins. */
        size_t n = strcspn(p, ","), colons = 0;
        struct curl_slist *l;
        for (size_t k = 0; k < n; k++)
            colons += p[k] == ':';
        if (n == 0 || n >= sizeof connect_to - 3 || colons == 0 || p[n - 1] == ':' || colons == 2 ||
            colons > 3) {
            snprintf(err, errlen, "connect_to \"%.200s\" is not a list of ADDR:PORT or HOST:PORT:ADDR:PORT", v);
            rc = GR_ECONFIG;
            goto out;
        }
        snprintf(connect_to, sizeof connect_to, "%s%.*s", colons == 1 ? "::" : "", (int)n, p);
        l = curl_slist_append(e->fc.connect_to, connect_to);
        if (!l) {
            rc = GR_ENOMEM;
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        e->fc.connect_to = l;
        p += n;
        if (*p == ',')
            p++;
    }

    /* frontier */
    if (o->urls_file)
        rc = cr_frontier_mem_new(o->urls_file, cfg, &pol, &e->fr, err, errlen);
    else
        rc = cr_frontier_pg_new(o->db, cfg, &pol, &e->fr, err, errlen);
    if (rc)
        goto out;

    /* output */
    if (o->out_dir)
        snprintf(out_dir, sizeof out_dir, "%.1000s", o->out_dir);
    else if ((v = gr_config_get(cfg, "crawler.out_dir")) && *v)
        snprintf(out_dir, sizeof out_dir, "%.1000s", v);
    else
        snprintf(out_dir, sizeof out_dir, "%.900s/spool/warc", gr_var_dir());
    rc = drop_uncommitted(e, out_dir, err, errlen);
    if (rc)
        goto out;
    rc = gr_warc_recover_cb(out_dir, &recovered, &dropped, recovered_cb, e, err, errlen);
    if (rc)
        goto out;
    if (recovered)
        gr_notice("recovered %u WARC files left open by an earlier run (%llu bytes of partial records dropped)",
                  recovered, (unsigned long long)dropped);
    snprintf(extra, sizeof extra,
             "http-header-user-agent: %s\r\n"
             "description: HTTP/1.1 responses with bodies as served (Content-Encoding kept); chunked framing "
             "removed and its header renamed X-Crawler-Transfer-Encoding; credentials redacted from request records\r\n",
             ua);
    gr_warc_opts_init(&wo);
    wo.dir = out_dir;
    wo.prefix = gr_config_get(cfg, "crawler.warc_prefix");
    wo.max_bytes = (uint64_t)gr_config_int(cfg, "crawler.warc_max_bytes");
    wo.software = "govreach-crawler/0.1 (libcurl, libuv)";
    wo.operator_ = gr_config_get(cfg, "crawler.operator");
    wo.warcinfo_extra = extra;
    wo.file_cb = warc_file_cb;
    wo.file_cb_arg = e;
    rc = gr_warc_writer_new(&wo, &e->warc, err, errlen);
    if (rc)
        goto out;

    /* loop and multi */
    e->act = calloc((size_t)e->window, sizeof *e->act);
    e->pool = calloc((size_t)e->concurrency, sizeof *e->pool);
    if (!e->act || !e->pool || uv_loop_init(&e->loop) != 0) {
        snprintf(err, errlen, "out of memory setting up the event loop");
        rc = GR_ENOMEM;
        goto out;
    }
    loop_ok = true;
    e->multi = curl_multi_init();
    if (!e->multi) {
        snprintf(err, errlen, "curl_multi_init failed");
        rc = GR_ENOMEM;
        goto out;
    }
    curl_ok = true;
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->concurrency * 2);
    curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)e->concurrency * 2);
    uv_timer_init(&e->loop, &e->curl_timer);
    uv_timer_init(&e->loop, &e->sched_timer);
    uv_timer_init(&e->loop, &e->grace_timer);
    e->curl_timer.data = e->sched_timer.data = e->grace_timer.data = e;
    if (e->fr->socket) {
        if (uv_poll_init_socket(&e->loop, &e->db_poll, e->fr->socket(e->fr)) != 0) {
            snprintf(err, errlen, "cannot poll the database connection");
            rc = GR_EUNAVAIL;
            goto out;
        }
        e->db_poll.data = e;
    }
    uv_signal_init(&e->loop, &e->sigint);
    uv_signal_init(&e->loop, &e->sigterm);
    e->sigint.data = e->sigterm.data = e;
    uv_signal_start(&e->sigint, signal_cb, SIGINT);
    uv_signal_start(&e->sigterm, signal_cb, SIGTERM);

    e->t0 = gr_now();
    e->last_run_update = e->t0;
    snprintf(e->prog_what, sizeof e->prog_what, "pages");
    gr_progress_start(&e->prog, e->prog_what, o->max_pages > 0 ? (uint64_t)o->max_pages : 0,
                      (double)gr_config_int(cfg, "crawler.progress_log_seconds"));
    gr_info("crawling %s into %s: concurrency %d, host delay %lld ms, %d in flight per host%s",
            o->urls_file ? o->urls_file : "the frontier", out_dir, e->concurrency, (long long)pol.delay_ms,
            pol.max_inflight, e->fc.connect_to ? ", connect-to mapping on" : "");
    schedule_tick(e, 0);
    uv_run(&e->loop, UV_RUN_DEFAULT);
    gr_progress_end(&e->prog);

    sum->seconds = gr_now() - e->t0;
    rc = e->rc;
    if (rc)
        snprintf(err, errlen, "%s", e->err);
    else if (sum->interrupted)
        rc = GR_ETEMP;
out:
    if (e->multi) {
        abort_inflight(e);
        release_ready(e);
        db_progress(e, true);   /* the request in flight, if any */
        for (int i = 0; i < 3 && e->done && e->fr; i++) {
            struct cr_job *list = take_done(e);
            /* after a WARC failure no record written since the last sync is
             * known durable: those URLs are released, not completed */
            for (struct cr_job *j = list; j && e->warc_broken; j = j->next)
                if (j->outcome != CR_BLOCKED) {
                    j->outcome = CR_RELEASED;
                    j->warc_file[0] = '\0';
                }
            char ferr[1024];
            enum gr_rc frc = e->fr->complete(e->fr, list, ferr, sizeof ferr);
            completed(e, list, frc, ferr);
        }
    }
    free_list(take_done(e));
    for (size_t i = 0; i < e->npool; i++)
        curl_easy_cleanup(e->pool[i]);
    if (curl_ok)
        curl_multi_cleanup(e->multi);   /* may still call socket_cb: loop alive */
    if (loop_ok) {
        uv_walk(&e->loop, walk_close_cb, e);
        uv_run(&e->loop, UV_RUN_DEFAULT);
        uv_loop_close(&e->loop);
    }
    if (e->warc) {
        char werr[512];
        if (gr_warc_writer_free(e->warc, werr, sizeof werr) != GR_OK) {
            gr_error("%s", werr);
            if (!rc) {
                rc = GR_EIO;
                snprintf(err, errlen, "%s", werr);
            }
        }
        if (e->warc_broken && e->warc_base[0]) {
            /* Its tail holds records never committed (and maybe a partial
             * one): left .open, the next crawler cuts them off
             * (drop_uncommitted, then recovery) before fetching again. */
            char fin[1400], open_[1408];
            snprintf(fin, sizeof fin, "%s/%s", out_dir, e->warc_base);
            snprintf(open_, sizeof open_, "%s.open", fin);
            if (rename(fin, open_) == 0)
                gr_notice("%s left as %s for the next crawler's recovery", fin, open_);
        }
    }
    if (e->fr) {
        sum->status_json = json_counts(e, NULL, false);
        sum->errors_by_host_json = json_counts(e, e->herr, true);
        sum->failed_json = json_counts(e, e->ferr, true);
        if (!rc && e->fr->pending) {
            /* what this crawl leaves undone, by reason */
            struct cr_pending pd;
            char perr[512];
            if (e->fr->pending(e->fr, &pd, perr, sizeof perr) == GR_OK) {
                sum->pending_leased = (uint64_t)pd.leased;
                sum->pending_retry = (uint64_t)pd.retry;
                sum->pending_host_wait = (uint64_t)pd.host_wait;
                sum->pending_due = (uint64_t)pd.due;
                sum->pending_robots = (uint64_t)pd.robots_wait;
                sum->pending = sum->pending_leased + sum->pending_retry + sum->pending_host_wait + sum->pending_due +
                               sum->pending_robots;
                sum->waits_left = pd.leased + pd.retry > 0;
            } else {
                gr_warn("cannot count the pending work: %s", perr);
            }
        }
        e->fr->finish(e->fr, sum,
                      rc ? gr_strerror(rc) : sum->interrupted ? "interrupted" : sum->pending ? "incomplete" : "ok", true);
        e->fr->free(e->fr);
    }
    {
        struct robots_entry *r, *tmp;
        HASH_ITER(hh, e->robots, r, tmp) {
            HASH_DEL(e->robots, r);
            cr_robots_free(r->rules);
            free(r->host);
            free(r);
        }
    }
    {
        struct host_err *h, *tmp;
        HASH_ITER(hh, e->ferr, h, tmp) {
            HASH_DEL(e->ferr, h);
            free(h->host);
            free(h);
        }
        HASH_ITER(hh, e->herr, h, tmp) {
            HASH_DEL(e->herr, h);
            free(h->host);
            free(h);
        }
    }
    for (size_t i = 0; i < e->fdmap_n; i++)
        free(e->fdmap[i]);
    free(e->fdmap);
    curl_slist_free_all(e->fc.connect_to);
    free(e->act);
    free(e->pool);
    free(e);
    return rc;
}
