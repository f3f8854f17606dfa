/* Unit tests of what the sources own (lib/gr_source.h): the seeds each
 * target row gives (scheme, host, path and the page kind from the same
 * pattern table the crawler and parser use), the credential parameters and
 * endpoints, the kind and credential tables the crawler reads, the hosts a
 * redirect may move between, and the one enqueue
 * form of a URL (lib/gr_url.c). Every listing of conf/targets/ must seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_source_impl.h"
#include "gr_url.h"
#include "gr_util.h"

static void seeds_of_accounts(void **state)
{
    struct gr_target w = { "wechat_account", "MzA5NDc1NzQ4MA==", NULL, NULL };
    struct gr_target t = { "weibo_account", "gov_bj", NULL, NULL };
    struct gr_seeds s;
    (void)state;

    gr_seeds_init(&s);
    assert_int_equal(gr_source_seed(&w, &s), GR_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.v[0].url, "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA5NDc1NzQ4MA==&scene=124");
    assert_string_equal(s.v[0].source, "wechat");
    assert_string_equal(s.v[0].kind, "wechat_home");
    assert_string_equal(s.v[0].target_key, "MzA5NDc1NzQ4MA==");
    assert_int_equal(gr_source_seed(&t, &s), GR_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.v[1].url, "http://open.t.qq.com/api/user/other_info?format=json&name=gov_bj");
    assert_string_equal(s.v[1].kind, "weibo_user");
    assert_string_equal(s.v[2].url, "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=gov_bj"
                                    "&reqnum=70&pageflag=0&pagetime=0");
    assert_string_equal(s.v[2].kind, "weibo_timeline");
    assert_string_equal(s.v[2].source, "tqq");
    gr_seeds_free(&s);
}

static void every_listing_of_the_targets_seeds(void **state)
{
    const char *top = getenv("GR_TOP");
    char path[1024], line[2048];
    struct gr_seeds s;
    size_t rows = 0;
    FILE *f;
    (void)state;

    snprintf(path, sizeof path, "%s/conf/targets/store_listings.csv", top && *top ? top : GR_DEFAULT_SHARE);
    f = fopen(path, "r");
    assert_non_null(f);
    gr_seeds_init(&s);
    assert_non_null(fgets(line, sizeof line, f));      /* header */
    while (fgets(line, sizeof line, f)) {
        char *store = strtok(line, ","), *id = strtok(NULL, ","), *app = strtok(NULL, ","), *url = strtok(NULL, ",\r\n");
        struct gr_target t = { "store_listing", id, store, url };
        char key[512];
        assert_non_null(app);
        assert_non_null(url);
        if (gr_source_seed(&t, &s) != GR_OK || s.n != rows + 1)
            fail_msg("%s line %zu: %s does not seed (its store's patterns do not claim it)", path, rows + 2, url);
        snprintf(key, sizeof key, "%s:%s", store, id);
        assert_string_equal(s.v[rows].source, store);
        assert_string_equal(s.v[rows].kind, "app_listing");
        assert_string_equal(s.v[rows].target_key, key);
        rows++;
    }
    fclose(f);
    assert_true(rows > 0);
    /* a listing its store does not own is refused */
    {
        struct gr_target t = { "store_listing", "1", "360", "http://apk.91.com/soft/android/a.b-1" };
        assert_int_equal(gr_source_seed(&t, &s), GR_EDATA);
    }
    gr_seeds_free(&s);
}

static void credentials_and_hosts(void **state)
{
    (void)state;
    assert_true(gr_source_secret_param("key", 3));
    assert_true(gr_source_secret_param("appmsg_token=1", 12));
    assert_false(gr_source_secret_param("keys", 4));
    assert_false(gr_source_secret_param("__biz", 5));
    assert_string_equal(gr_source_secret_list(), "key, appmsg_token, pass_ticket, uin, wxtoken");
    assert_true(gr_source_wants_credentials("https://mp.weixin.qq.com/mp/getappmsgext?f=json"));
    assert_true(gr_source_wants_credentials("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=x"));
    assert_false(gr_source_wants_credentials("https://mp.weixin.qq.com/s?__biz=x&mid=1&idx=1&sn=a"));
    assert_false(gr_source_wants_credentials("https://evil.example/mp/getappmsgext"));
    assert_true(gr_source_same_site(gr_source_find("http://sj.qq.com/myapp/detail.htm?apkName=a.b"), "sj.qq.com",
                                    "android.myapp.com"));
    assert_true(gr_source_same_site(gr_source_find("http://zhushou.360.cn/detail/index/soft_id/1"), "a.example",
                                    "a.example"));
    assert_false(gr_source_same_site(gr_source_find("http://mp.weixin.qq.com/s?__biz=x"), "mp.weixin.qq.com",
                                     "weixin.qq.com.evil.example"));
    assert_false(gr_source_same_site(NULL, "a.example", "b.example"));
}

/* Every kind of a source's pattern table is in its kind table, a kind
 * several sources declare is declared alike, and the credential tables'
 * query parameters are secret parameters (redacted, never stored). */
static void kind_and_credential_tables(void **state)
{
    static const char *const kinds[] = { "sogou_search", "sogou_antispider", "sogou_profile", "sogou_article",
                                         "wechat_home", "wechat_getmsg", "wechat_article", "wechat_stats",
                                         "weibo_user", "weibo_timeline", "app_listing", NULL };
    const struct gr_source *src;
    const struct gr_cred_table *t;
    size_t i;
    (void)state;

    for (i = 0; (src = gr__source_at(i)); i++)
        for (const struct gr_url_pattern *p = src->patterns; p->re; p++) {
            const struct gr_kind *d = src->kinds;
            while (d && d->name && strcmp(d->name, p->kind) != 0)
                d++;
            if (!d || !d->name)
                fail_msg("source %s: kind %s of pattern %s is not in its kind table", src->name, p->kind, p->re);
            const struct gr_kind *first = NULL;
            for (size_t k = 0; (first = gr_source_kind_at(k)) && strcmp(first->name, d->name) != 0; k++)
                ;
            assert_non_null(first);
            if ((first->recrawl == NULL) != (d->recrawl == NULL) ||
                (d->recrawl && strcmp(first->recrawl, d->recrawl) != 0) || first->by_publish_age != d->by_publish_age)
                fail_msg("source %s declares kind %s unlike an earlier source", src->name, d->name);
        }
    for (i = 0; kinds[i]; i++) {
        assert_non_null(gr_source_kind_at(i));
        assert_string_equal(gr_source_kind_at(i)->name, kinds[i]);
    }
    assert_null(gr_source_kind_at(i));
    assert_true(gr_kind_by_publish_age("wechat_stats"));
    assert_false(gr_kind_by_publish_age("wechat_article"));
    assert_false(gr_kind_by_publish_age("robots"));
    assert_false(gr_kind_by_publish_age(NULL));
    for (i = 0; (t = gr_source_cred_table(i)); i++)
        for (const struct gr_cred_secret *k = t->secrets; k->name; k++)
            if (k->how == GR_CRED_QUERY && !gr_source_secret_param(k->name, strlen(k->name)))
                fail_msg("[%s] %s is sent as a query parameter but is no secret parameter", t->section, k->name);
    assert_int_equal(i, 1);
    assert_string_equal(gr_source_cred_table(0)->section, "wechat");
    assert_string_equal(gr_source_cred_table(0)->host, "mp.weixin.qq.com");
}

static void one_enqueue_form(void **state)
{
    char *u, host[256];
    (void)state;
    assert_true(gr_url_enqueue_form("HTTP://MP.Weixin.QQ.com:80/s?__biz=Mz+A==&x=1#frag", &u, host, sizeof host));
    assert_string_equal(u, "http://mp.weixin.qq.com/s?__biz=Mz+A==&x=1");
    assert_string_equal(host, "mp.weixin.qq.com");
    free(u);
    assert_true(gr_url_enqueue_form("https://a.example:8443", &u, host, sizeof host));
    assert_string_equal(u, "https://a.example:8443/");
    assert_string_equal(host, "a.example");
    free(u);
    assert_false(gr_url_enqueue_form("ftp://a.example/x", &u, host, sizeof host));
    assert_null(u);
    assert_false(gr_url_enqueue_form("http://", &u, host, sizeof host));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seeds_of_accounts),
        cmocka_unit_test(every_listing_of_the_targets_seeds),
        cmocka_unit_test(credentials_and_hosts),
        cmocka_unit_test(kind_and_credential_tables),
        cmocka_unit_test(one_enqueue_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
