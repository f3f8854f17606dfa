/* The crawler's settings: every configuration key with its default (its
 * own, and those built from the sources' kind and credential tables), and
 * the settings parsed from them (publishing window, stats schedule,
 * connect_to mapping, credentials). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_prog.h"
#include "gr_log.h"
#include "gr_util.h"
#include <limits.h>
#include "gr_db.h"
#include "gr_source.h"
#include <pthread.h>
#include <time.h>

/* ------------------------------------------------------------ configuration */

#define CR_RECRAWL_MAX 31536000    /* a year: the longest recrawl interval */

/* The crawler's own keys, in --help-config order: these, the recrawl keys
 * of the sources' kinds, own_after, the credential keys, host_keys. */
static const struct gr_config_key own_before[] = {
    GR_PROG_KEY_DB,
    GR_PROG_KEYS_LOG("info"),
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
    { "crawler.recrawl_default", GR_CFG_INT, "0", 0, CR_RECRAWL_MAX, "seconds until a page of another kind is fetched again (0 = never)" },
    { "crawler.recrawl_robots", GR_CFG_INT, "86400", 0, CR_RECRAWL_MAX, "robots.txt refresh interval" },
    { NULL, 0, NULL, 0, 0, NULL }
};
static const struct gr_config_key own_after[] = {
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
    { NULL, 0, NULL, 0, 0, NULL }
};
static const struct gr_config_key host_keys[] = {
    { "host:*.delay_ms", GR_CFG_INT, NULL, 0, 86400000, "per-host delay override ([host:NAME])" },
    { "host:*.max_inflight", GR_CFG_INT, NULL, 1, 100000, "per-host in-flight override ([host:NAME])" },
    { NULL, 0, NULL, 0, 0, NULL }
};

static struct gr_config_key *all_keys;
static const char **all_sections;
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

/* Appends the keys of t (up to its NULL entry) to all_keys at *n. */
static void add_table(const struct gr_config_key *t, size_t *n)
{
    for (; t->name; t++)
        all_keys[(*n)++] = *t;
}

/* Appends a key whose name and doc are built here (owned by the table for
 * the process's lifetime); false when out of memory. */
static bool add_key(size_t *n, enum gr_cfg_type type, const char *def, int64_t max, char *name, char *doc)
{
    if (!name || !doc) {
        free(name);
        free(doc);
        return false;
    }
    all_keys[(*n)++] = (struct gr_config_key){ name, type, def, 0, max, doc };
    return true;
}

/* A key's name or doc, allocated; NULL when out of memory. */
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    char *s = NULL;
    va_list ap;
    int r;
    va_start(ap, f);
    r = vasprintf(&s, f, ap);
    va_end(ap);
    return r < 0 ? NULL : s;
}

static void keys_init(void)
{
    size_t nk = 0, nsec = 0, n = 0, ns = 0;
    const struct gr_cred_table *t;
    const struct gr_kind *d;
    bool ok = true;

    for (size_t i = 0; gr_source_kind_at(i); i++)
        nk++;
    for (size_t i = 0; (t = gr_source_cred_table(i)); i++) {
        nsec++;
        for (const struct gr_cred_secret *k = t->secrets; k->name; k++)
            nk++;
        nk += 2;
    }
    all_keys = calloc(sizeof own_before / sizeof *own_before + sizeof own_after / sizeof *own_after +
                          sizeof host_keys / sizeof *host_keys + nk,
                      sizeof *all_keys);
    all_sections = calloc(nsec + 3, sizeof *all_sections);
    if (!all_keys || !all_sections)
        goto fail;
    add_table(own_before, &n);
    for (size_t i = 0; (d = gr_source_kind_at(i)); i++)
        if (d->recrawl)
            ok = ok && add_key(&n, GR_CFG_INT, d->recrawl, CR_RECRAWL_MAX, fmt("crawler.recrawl_%s", d->name),
                               fmt("%s", d->doc ? d->doc : d->name));
    add_table(own_after, &n);
    all_sections[ns++] = "crawler";
    for (size_t i = 0; ok && (t = gr_source_cred_table(i)); i++) {
        all_sections[ns++] = t->section;
        ok = add_key(&n, GR_CFG_STR, t->host, 0, fmt("%s.host", t->section),
                     fmt("the only host the [%s] credentials are sent to", t->section)) &&
             add_key(&n, GR_CFG_BOOL, t->https_only ? "true" : "false", 0, fmt("%s.https_only", t->section),
                     fmt("send the [%s] credentials over HTTPS only", t->section));
        for (const struct gr_cred_secret *k = t->secrets; ok && k->name; k++)
            ok = add_key(&n, GR_CFG_SECRET, NULL, 0, fmt("%s.%s", t->section, k->name), fmt("%s", k->doc));
    }
    all_sections[ns++] = "host:";
    add_table(host_keys, &n);
    if (ok)
        return;
fail:
    free(all_keys);     /* the names built so far stay: out of memory, the program ends */
    free(all_sections);
    all_keys = NULL;
    all_sections = NULL;
}

const struct gr_config_key *crawler_config_keys(void)
{
    pthread_once(&keys_once, keys_init);
    return all_keys;
}

const char *const *crawler_config_sections(void)
{
    pthread_once(&keys_once, keys_init);
    return all_sections;
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

enum gr_rc cr_settings_load(struct engine *e, const struct crawler_opts *o, struct cr_polite *pol, char *ua,
                            size_t ualen, char *err, size_t errlen)
{
    const struct gr_config *cfg = o->cfg;
    char connect_to[512];
    const char *v;

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
        return GR_ECONFIG;
    }
    v = gr_config_get(cfg, "crawler.stats_schedule");
    for (const char *p = v ? v : ""; *p && e->nstats < 8;) {
        char num[32];
        size_t n = strcspn(p, ",");
        int64_t x;
        if (n == 0 || n >= sizeof num) {
            snprintf(err, errlen, "crawler.stats_schedule: \"%s\" is not a list of seconds", v);
            return GR_ECONFIG;
        }
        memcpy(num, p, n);
        num[n] = '\0';
        if (!gr_parse_i64(num, &x) || x < 0) {
            snprintf(err, errlen, "crawler.stats_schedule: \"%s\" is not a number of seconds", num);
            return GR_ECONFIG;
        }
        e->stats_offsets[e->nstats++] = x;
        p += n;
        if (*p == ',')
            p++;
    }

    cr_polite_from_config(cfg, pol);
    gr_db_set_timeout(pol->db_timeout_ms);
    e->max_pending_wait = (double)gr_config_int(cfg, "crawler.max_pending_wait_seconds");

    /* transfer limits */
    snprintf(ua, ualen, "%s (+%s)", gr_config_get(cfg, "crawler.user_agent"),
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
    if (cr_fetch_creds_from_config(cfg, &e->fc, err, errlen))
        return GR_ECONFIG;
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
            return GR_ECONFIG;
        }
        snprintf(connect_to, sizeof connect_to, "%s%.*s", colons == 1 ? "::" : "", (int)n, p);
        l = curl_slist_append(e->fc.connect_to, connect_to);
        if (!l) {
            snprintf(err, errlen, "out of memory");
            return GR_ENOMEM;
        }
        e->fc.connect_to = l;
        p += n;
        if (*p == ',')
            p++;
    }

    return GR_OK;
}
