/* Unit tests of the crawler engine's parts, linked from the crawler's own
 * objects (crawler/module.mk: $(CRAWLER_OBJS), no main.c): the politeness
 * policy both frontiers use, the settings parsed from the configuration
 * (the keys built from the sources' kind and credential tables included),
 * and the outcome policy of a finished transfer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "crawler_engine.h"

static struct gr_config *config(const char *const *sets)
{
    struct gr_config *cfg = gr_config_new(crawler_config_keys(), crawler_config_sections());
    char err[512];
    assert_non_null(cfg);
    for (; sets && *sets; sets += 2)
        if (gr_config_set(cfg, sets[0], sets[1], err, sizeof err) != GR_OK)
            fail_msg("%s=%s: %s", sets[0], sets[1], err);
    return cfg;
}

static void backoff_doubles_per_level_up_to_its_cap(void **state)
{
    const char *sets[] = { "crawler.backoff_base_ms", "1000", "crawler.backoff_cap_ms", "10000", NULL };
    struct gr_config *cfg = config(sets);
    struct cr_polite p;
    (void)state;

    cr_polite_from_config(cfg, &p);
    assert_true(cr_polite_backoff_ms(&p, 1) == 1000.0);
    assert_true(cr_polite_backoff_ms(&p, 2) == 2000.0);
    assert_true(cr_polite_backoff_ms(&p, 4) == 8000.0);
    assert_true(cr_polite_backoff_ms(&p, 5) == 10000.0);
    assert_true(cr_polite_backoff_ms(&p, 500) == 10000.0);
    for (int i = 0; i < 1000; i++) {
        double j = cr_polite_jitter();
        assert_true(j >= CR_BACKOFF_JITTER_MIN && j <= 1.0);
    }
    gr_config_free(cfg);
}

static void host_wait_is_retry_after_capped_else_backoff(void **state)
{
    const char *sets[] = { "crawler.backoff_base_ms", "1000", "crawler.retry_after_cap_ms", "5000", NULL };
    struct gr_config *cfg = config(sets);
    struct cr_polite p;
    struct cr_job *j = cr_job_new();
    int64_t w;
    (void)state;

    cr_polite_from_config(cfg, &p);
    j->backoff = 1;
    j->host_wait_ms = 120000;               /* Retry-After: 120 */
    assert_int_equal(cr_polite_wait_ms(&p, j, 1), 5000);
    j->host_wait_ms = 3000;
    assert_int_equal(cr_polite_wait_ms(&p, j, 1), 3000);
    j->host_wait_ms = 0;                    /* a 500: backoff with jitter */
    w = cr_polite_wait_ms(&p, j, 2);
    assert_true(w >= 1000 && w <= 2000);
    j->backoff = -1;                        /* a success: no extra wait */
    assert_int_equal(cr_polite_wait_ms(&p, j, 0), 0);
    cr_job_free(j);
    gr_config_free(cfg);
}

static void crawl_delay_and_host_overrides(void **state)
{
    const char *sets[] = { "crawler.max_crawl_delay_ms", "4000", "crawler.delay_ms", "250",
                           "host:slow.example.delay_ms", "3000", "host:slow.example.max_inflight", "4", NULL };
    struct gr_config *cfg = config(sets);
    struct cr_polite p;
    (void)state;

    cr_polite_from_config(cfg, &p);
    assert_int_equal(cr_polite_crawl_delay_ms(&p, "User-agent: *\nCrawl-delay: 2\n", "govreach"), 2000);
    assert_int_equal(cr_polite_crawl_delay_ms(&p, "User-agent: *\nCrawl-delay: 60\n", "govreach"), 4000);
    assert_int_equal(cr_polite_crawl_delay_ms(&p, "User-agent: *\nDisallow: /x\n", "govreach"), -1);
    assert_int_equal(cr_polite_crawl_delay_ms(&p, NULL, "govreach"), -1);
    assert_int_equal(cr_polite_spacing_ms(&p, 250, -1), 250);
    assert_int_equal(cr_polite_spacing_ms(&p, 250, 9000), 4000);
    assert_int_equal(cr_host_delay_ms(cfg, "slow.example", p.delay_ms), 3000);
    assert_int_equal(cr_host_delay_ms(cfg, "other.example", p.delay_ms), 250);
    assert_int_equal(cr_host_max_inflight(cfg, "slow.example", p.max_inflight), 4);
    assert_int_equal(cr_host_max_inflight(cfg, "other.example", p.max_inflight), 1);
    gr_config_free(cfg);
}

static void robots_url_of_an_origin(void **state)
{
    static const char *const cases[][2] = {
        { "http://a.example/x/y?q=1", "http://a.example/robots.txt" },
        { "https://b.example:8443", "https://b.example:8443/robots.txt" },
        { "http://c.example?x", "http://c.example/robots.txt" },
        { "http://d.example#frag", "http://d.example/robots.txt" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *u = cr_polite_robots_url(cases[i][0]);
        assert_non_null(u);
        assert_string_equal(u, cases[i][1]);
        free(u);
    }
    assert_null(cr_polite_robots_url("mailto:x@y"));
}

static enum gr_rc load(const char *const *sets, struct engine *e, char *err, size_t errlen)
{
    struct gr_config *cfg = config(sets);
    struct crawler_opts o;
    struct cr_polite p;
    char ua[256];
    enum gr_rc rc;

    memset(&o, 0, sizeof o);
    memset(e, 0, sizeof *e);
    o.cfg = cfg;
    rc = cr_settings_load(e, &o, &p, ua, sizeof ua, err, errlen);
    curl_slist_free_all(e->fc.connect_to);
    e->fc.connect_to = NULL;
    gr_config_free(cfg);
    return rc;
}

static void settings_parse_the_schedule_window_and_connect_to(void **state)
{
    struct engine *e = calloc(1, sizeof *e);
    char err[512];
    const char *ok[] = { "crawler.stats_schedule", "60,3600", "crawler.window_start", "2014-10-01",
                         "crawler.connect_to", "127.0.0.1:8080", NULL };
    const char *bad_sched[] = { "crawler.stats_schedule", "60,,3600", NULL };
    const char *bad_num[] = { "crawler.stats_schedule", "60,soon", NULL };
    const char *bad_day[] = { "crawler.window_end", "2014-13-45", NULL };
    const char *bad_map[] = { "crawler.connect_to", "a:b:c", NULL };
    (void)state;

    assert_non_null(e);
    assert_int_equal(load(ok, e, err, sizeof err), GR_OK);
    assert_int_equal(e->nstats, 2);
    assert_int_equal(e->stats_offsets[1], 3600);
    assert_int_equal(e->window_start, 1412121600);
    assert_int_equal(load(bad_sched, e, err, sizeof err), GR_ECONFIG);
    assert_non_null(strstr(err, "crawler.stats_schedule"));
    assert_int_equal(load(bad_num, e, err, sizeof err), GR_ECONFIG);
    assert_non_null(strstr(err, "\"soon\""));
    assert_int_equal(load(bad_day, e, err, sizeof err), GR_ECONFIG);
    assert_non_null(strstr(err, "window"));
    assert_int_equal(load(bad_map, e, err, sizeof err), GR_ECONFIG);
    assert_non_null(strstr(err, "connect_to"));
    free(e);
}

/* The keys built from the sources' tables: a recrawl key per kind with a
 * default (the defaults of the kind tables), none for a kind on the stats
 * schedule, and the credential section's keys, the secrets secret. */
static void keys_from_the_sources_tables(void **state)
{
    static const char *const recrawl[][2] = {
        { "crawler.recrawl_wechat_home", "86400" }, { "crawler.recrawl_wechat_getmsg", "86400" },
        { "crawler.recrawl_wechat_article", "0" }, { "crawler.recrawl_weibo_user", "86400" },
        { "crawler.recrawl_weibo_timeline", "86400" }, { "crawler.recrawl_app_listing", "86400" },
        { "crawler.recrawl_robots", "86400" }, { "crawler.recrawl_default", "0" },
    };
    const char *sets[] = { "wechat.cookie", "c=1", "wechat.key", "K", NULL };
    const char *no_section[] = { "wechat.key", "K", "wechat.host", "", NULL };
    const struct gr_config_key *k;
    struct gr_config *cfg = config(NULL);
    struct cr_fetch_conf fc;
    char err[256];
    int secrets = 0;
    (void)state;

    for (size_t i = 0; i < sizeof recrawl / sizeof *recrawl; i++) {
        const char *v = gr_config_get(cfg, recrawl[i][0]);
        if (!v || strcmp(v, recrawl[i][1]) != 0)
            fail_msg("%s: default %s, expected %s", recrawl[i][0], v ? v : "(no key)", recrawl[i][1]);
    }
    assert_null(gr_config_get(cfg, "crawler.recrawl_wechat_stats"));
    assert_int_not_equal(gr_config_set(cfg, "crawler.recrawl_wechat_stats", "1", err, sizeof err), GR_OK);
    assert_string_equal(gr_config_get(cfg, "wechat.host"), "mp.weixin.qq.com");
    assert_true(gr_config_bool(cfg, "wechat.https_only"));
    for (k = crawler_config_keys(); k->name; k++)
        if (strncmp(k->name, "wechat.", 7) == 0 && k->type == GR_CFG_SECRET)
            secrets++;
    assert_int_equal(secrets, 3);
    /* no secret set: nothing to send */
    memset(&fc, 0, sizeof fc);
    assert_int_equal(cr_fetch_creds_from_config(cfg, &fc, err, sizeof err), GR_OK);
    assert_int_equal(fc.ncred, 0);
    gr_config_free(cfg);

    cfg = config(sets);
    assert_int_equal(cr_fetch_creds_from_config(cfg, &fc, err, sizeof err), GR_OK);
    assert_int_equal(fc.ncred, 1);
    assert_string_equal(fc.cred[0].host, "mp.weixin.qq.com");
    assert_string_equal(fc.cred[0].cookie, "c=1");
    assert_int_equal(fc.cred[0].nparams, 1);
    assert_string_equal(fc.cred[0].param[0], "key");
    assert_string_equal(fc.cred[0].value[0], "K");
    assert_true(cr_fetch_credentialed(&fc, "https://mp.weixin.qq.com/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "https://open.t.qq.com/api/user/info"));
    gr_config_free(cfg);

    /* no host: nowhere to send them */
    cfg = config(no_section);
    assert_int_equal(cr_fetch_creds_from_config(cfg, &fc, err, sizeof err), GR_OK);
    assert_int_equal(fc.ncred, 0);
    gr_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backoff_doubles_per_level_up_to_its_cap),
        cmocka_unit_test(host_wait_is_retry_after_capped_else_backoff),
        cmocka_unit_test(crawl_delay_and_host_overrides),
        cmocka_unit_test(robots_url_of_an_origin),
        cmocka_unit_test(settings_parse_the_schedule_window_and_connect_to),
        cmocka_unit_test(keys_from_the_sources_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
