/* The one politeness policy of both frontiers (crawler_frontier.c passes
 * its values to its SQL as parameters, crawler_memq.c calls it): per-host
 * overrides, backoff with jitter, Retry-After and Crawl-delay caps, the host
 * wait after a fetch, the robots.txt URL of an origin. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"
#include <sys/random.h>

/* The [host:NAME] value of key, within [min, max]; false when unset. */
static bool host_override(const struct gr_config *cfg, const char *host, const char *key, int64_t min, int64_t max,
                          int64_t *out)
{
    char name[600];
    const char *v;
    snprintf(name, sizeof name, "host:%s.%s", host, key);
    v = gr_config_get(cfg, name);
    return v && gr_parse_i64(v, out) && *out >= min && *out <= max;
}

int64_t cr_host_delay_ms(const struct gr_config *cfg, const char *host, int64_t def)
{
    int64_t i;
    return host_override(cfg, host, "delay_ms", INT64_MIN, INT64_MAX, &i) ? i : def;
}

int cr_host_max_inflight(const struct gr_config *cfg, const char *host, int def)
{
    int64_t i;
    return host_override(cfg, host, "max_inflight", 1, 100000, &i) ? (int)i : def;
}

void cr_polite_from_config(const struct gr_config *cfg, struct cr_polite *p)
{
    memset(p, 0, sizeof *p);
    p->delay_ms = gr_config_int(cfg, "crawler.delay_ms");
    p->max_inflight = (int)gr_config_int(cfg, "crawler.max_inflight_per_host");
    p->max_crawl_delay_ms = gr_config_int(cfg, "crawler.max_crawl_delay_ms");
    p->retry_after_cap_ms = gr_config_int(cfg, "crawler.retry_after_cap_ms");
    p->backoff_base_ms = gr_config_int(cfg, "crawler.backoff_base_ms");
    p->backoff_cap_ms = gr_config_int(cfg, "crawler.backoff_cap_ms");
    p->max_attempts = (int)gr_config_int(cfg, "crawler.max_attempts");
    p->lease_seconds = (int)gr_config_int(cfg, "crawler.lease_seconds");
    p->robots = gr_config_bool(cfg, "crawler.robots");
    p->failed_retry_s = gr_config_int(cfg, "crawler.failed_retry_seconds");
    p->db_timeout_ms = (int)gr_config_int(cfg, "crawler.db_timeout_ms");
    p->failed_retry_cap_s = gr_config_int(cfg, "crawler.failed_retry_cap_seconds");
    p->failed_give_up_s = gr_config_int(cfg, "crawler.failed_give_up_seconds");
}

double cr_polite_backoff_ms(const struct cr_polite *p, int level)
{
    double b = (double)p->backoff_base_ms, cap = (double)p->backoff_cap_ms;
    if (level > CR_BACKOFF_MAX_LEVEL)
        level = CR_BACKOFF_MAX_LEVEL;
    for (int i = 1; i < level && b < cap; i++)
        b *= 2;
    return b > cap ? cap : b;
}

double cr_polite_jitter(void)
{
    unsigned short r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = 32768;
    return CR_BACKOFF_JITTER_MIN + (1.0 - CR_BACKOFF_JITTER_MIN) * (double)r / 65535.0;
}

int64_t cr_polite_retry_after_ms(const struct cr_polite *p, int64_t wait_ms)
{
    return wait_ms < p->retry_after_cap_ms ? wait_ms : p->retry_after_cap_ms;
}

int64_t cr_polite_crawl_delay_ms(const struct cr_polite *p, const char *robots_body, const char *agent)
{
    struct cr_robots *r;
    int64_t d;
    if (!robots_body || !(r = cr_robots_parse(robots_body, strlen(robots_body), agent)))
        return -1;
    d = cr_robots_delay_ms(r);
    cr_robots_free(r);
    return d > p->max_crawl_delay_ms ? p->max_crawl_delay_ms : d;
}

int64_t cr_polite_spacing_ms(const struct cr_polite *p, int64_t delay_ms, int64_t crawl_delay_ms)
{
    int64_t cd = crawl_delay_ms > p->max_crawl_delay_ms ? p->max_crawl_delay_ms : crawl_delay_ms;
    return cd > delay_ms ? cd : delay_ms;
}

int64_t cr_polite_wait_ms(const struct cr_polite *p, const struct cr_job *j, int level)
{
    if (j->backoff <= 0)
        return 0;
    if (j->host_wait_ms > 0)
        return cr_polite_retry_after_ms(p, j->host_wait_ms);
    return (int64_t)(cr_polite_backoff_ms(p, level) * cr_polite_jitter());
}

char *cr_polite_robots_url(const char *url)
{
    size_t n = strcspn(url, ":");
    if (url[n] != ':' || url[n + 1] != '/' || url[n + 2] != '/')
        return NULL;
    n += 3;
    n += strcspn(url + n, "/?#");
    char *out = malloc(n + sizeof CR_ROBOTS_PATH);
    if (out) {
        memcpy(out, url, n);
        memcpy(out + n, CR_ROBOTS_PATH, sizeof CR_ROBOTS_PATH);
    }
    return out;
}
