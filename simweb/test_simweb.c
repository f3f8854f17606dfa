/* Unit tests for simweb's pure parts: query/form lookup, store ids from URLs,
 * download display (the integer the page implies must be exact), fault specs,
 * and the universe's determinism and growth. Built as bin/test_simweb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sw.h"

static void test_form_get(void **state)
{
    char v[64];
    const char *q = "__biz=MzA5NDI5ODczNA==&mid=206354655&idx=2&x=a%2Bb+c&e=";
    (void)state;
    assert_true(sw_form_get(q, strlen(q), "__biz", v, sizeof v));
    assert_string_equal(v, "MzA5NDI5ODczNA==");
    assert_true(sw_form_get(q, strlen(q), "idx", v, sizeof v));
    assert_string_equal(v, "2");
    assert_true(sw_form_get(q, strlen(q), "x", v, sizeof v));
    assert_string_equal(v, "a+b+c");          /* %2B decoded, '+' kept (base64) */
    assert_true(sw_form_get(q, strlen(q), "e", v, sizeof v));
    assert_string_equal(v, "");
    assert_false(sw_form_get(q, strlen(q), "id", v, sizeof v));
    assert_false(sw_form_get(q, strlen(q), "__biz", v, 8));   /* too long for out */
}

static void test_listing_token(void **state)
{
    char t[128];
    (void)state;
    assert_true(sw_listing_token(SW_S360, "/detail/index/soft_id/3073428", "", t, sizeof t));
    assert_string_equal(t, "3073428");
    assert_false(sw_listing_token(SW_S360, "/detail/index/soft_id/abc", "", t, sizeof t));
    assert_true(sw_listing_token(SW_S91, "/Soft/Android/com.x.y-15.html", "", t, sizeof t));
    assert_string_equal(t, "com.x.y-15");
    assert_true(sw_listing_token(SW_SYYB, "/myapp/detail.htm", "apkName=com.x.y", t, sizeof t));
    assert_string_equal(t, "com.x.y");
    assert_true(sw_listing_token(SW_SBAIDU, "/software/7473420.html", "", t, sizeof t));
    assert_string_equal(t, "7473420");
    assert_true(sw_listing_token(SW_SWDJ, "/apps/com.x.y", "", t, sizeof t));
    assert_string_equal(t, "com.x.y");
    assert_true(sw_listing_token(SW_SAPPSTORE, "/lookup", "id=414478124&country=cn", t, sizeof t));
    assert_string_equal(t, "414478124");
    assert_false(sw_listing_token(SW_SAPPSTORE, "/search", "id=1", t, sizeof t));
}

/* An independent reading of a display count: digits, one '.', commas, 万, 亿. */
static int64_t read_count(const char *s)
{
    int64_t whole = 0, frac = 0, scale = 1, mult = 1;
    bool dot = false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (dot) {
                frac = frac * 10 + (*p - '0');
                scale *= 10;
            } else {
                whole = whole * 10 + (*p - '0');
            }
        } else if (*p == '.') {
            dot = true;
        } else if (strncmp(p, "万", 3) == 0) {
            mult = 10000;
            p += 2;
        } else if (strncmp(p, "亿", 3) == 0) {
            mult = 100000000;
            p += 2;
        } else if (*p != ',') {
            return -1;
        }
    }
    return whole * mult + frac * mult / scale;
}

static void test_display_exact(void **state)
{
    struct sw_universe u;
    struct sw_listing l;
    char out[64];
    int64_t implied;
    (void)state;
    memset(&u, 0, sizeof u);
    memset(&l, 0, sizeof l);
    for (int store = 0; store < SW_SAPPSTORE; store++) {
        for (int variant = 0; variant < 100; variant += 5) {
            for (uint64_t i = 0; i < 4000; i++) {
                uint64_t h = sw_h3(store, variant, i);
                int digits = 1 + (int)(h % 10);
                int64_t n = (int64_t)(sw_mix(h) % 3000000000ULL);
                for (int d = digits; d < 10; d++)
                    n /= 10;
                l.store = store;
                l.variant = variant;
                l.n0 = n;
                l.rate_ppm = 0;
                if (!sw_listing_display(&u, &l, out, sizeof out, &implied)) {
                    if (store != SW_SWDJ || n >= 2000)
                        fail_msg("store %d: %lld shows no number (%s)", store, (long long)n, out);
                    continue;
                }
                if (read_count(out) != implied)
                    fail_msg("store %d variant %d: %lld shows %s, read %lld, implied %lld", store, variant,
                             (long long)n, out, (long long)read_count(out), (long long)implied);
                /* Rounded down to the display unit: 1 under 1万, 0.1万 or 1万, 0.1亿. */
                if (implied > n || n - implied >= (n >= 100000000 ? 10000000 : 10000))
                    fail_msg("store %d: %lld implies %lld", store, (long long)n, (long long)implied);
            }
        }
    }
    l.store = SW_SYYB;
    l.variant = 50;
    l.n0 = 834567890;
    assert_true(sw_listing_display(&u, &l, out, sizeof out, &implied));
    assert_string_equal(out, "8.3亿");
    assert_int_equal(implied, 830000000);
    l.store = SW_S91;
    l.n0 = 253801234;
    assert_true(sw_listing_display(&u, &l, out, sizeof out, &implied));
    assert_string_equal(out, "25380万");
}

static void test_fault_parse(void **state)
{
    struct sw_fault f;
    char err[256];
    (void)state;
    assert_int_equal(sw_fault_parse("kind=429,retry_after=7", &f, err, sizeof err), GR_OK);
    assert_int_equal(f.kind, SW_F_429);
    assert_int_equal(f.count, 1);
    assert_int_equal(f.retry_after, 7);
    assert_int_equal(sw_fault_parse("kind=500,host=zhushou.360.cn,share=0.25", &f, err, sizeof err), GR_OK);
    assert_int_equal(f.count, 0);
    assert_string_equal(f.host, "zhushou.360.cn");
    assert_true(f.share == 0.25);
    assert_int_equal(sw_fault_parse("kind=slow-first-byte", &f, err, sizeof err), GR_OK);
    assert_int_equal(f.delay_ms, 2000);
    assert_int_equal(sw_fault_parse("kind=gzip-bomb", &f, err, sizeof err), GR_OK);
    assert_true(f.bytes == (1LL << 30));
    assert_int_equal(sw_fault_parse("kind=nope", &f, err, sizeof err), GR_EUSAGE);
    assert_int_equal(sw_fault_parse("host=x", &f, err, sizeof err), GR_EUSAGE);
    assert_int_equal(sw_fault_parse("kind=500,share=2", &f, err, sizeof err), GR_EUSAGE);
    assert_int_equal(sw_fault_parse("kind=500,count=-1", &f, err, sizeof err), GR_EUSAGE);
}

static void build(struct sw_universe *u, int day)
{
    struct sw_opts o = { .seed = 5, .accounts = -1, .tracked = -1, .weibo = -1, .apps = -1, .date_abs = 16344, .day = day };
    char err[256] = "";
    assert_int_equal(sw_universe_build(u, &o, err, sizeof err), GR_OK);
}

static void test_universe_days(void **state)
{
    struct sw_universe a, b, c;
    struct sw_push pa[30], pb[30];
    (void)state;
    build(&a, 0);
    build(&b, 0);
    build(&c, 2);
    assert_int_equal(a.n_wx, b.n_wx);
    int grew = 0;
    for (size_t i = 0; i < a.n_wx; i++) {
        assert_string_equal(a.wx[i].biz, b.wx[i].biz);
        int na = sw_wx_pushes(&a, &a.wx[i], pa), nb = sw_wx_pushes(&b, &b.wx[i], pb);
        assert_int_equal(na, nb);
        for (int k = 0; k < na; k++) {
            struct sw_article x, y, z;
            struct sw_push pc;
            sw_wx_article(&a, &a.wx[i], &pa[k], 1, &x);
            sw_wx_article(&b, &b.wx[i], &pb[k], 1, &y);
            assert_string_equal(x.sn, y.sn);
            assert_int_equal(x.reads, y.reads);
            assert_true(sw_wx_push_by_mid(&c, &c.wx[i], pa[k].mid, &pc));
            sw_wx_article(&c, &c.wx[i], &pc, 1, &z);
            assert_string_equal(x.sn, z.sn);
            if (z.reads < x.reads || z.likes < x.likes)
                fail_msg("reads fell: %lld -> %lld", (long long)x.reads, (long long)z.reads);
            grew += z.reads > x.reads;
        }
    }
    assert_true(grew > 0);
    assert_int_equal(sw_read_shown(100000), 100000);
    assert_int_equal(sw_read_shown(100001), 100001);
    assert_int_equal(sw_read_shown(7000000), 100001);
    sw_universe_free(&a);
    sw_universe_free(&b);
    sw_universe_free(&c);
}

/* simweb's store and status enums index lib/gr_rows.h's lists (which the
 * schema contract test checks against schema/003_obs.sql). */
static void test_enum_names(void **state)
{
    (void)state;
    assert_string_equal(gr_store_names[SW_S360], "360");
    assert_string_equal(gr_store_names[SW_SWDJ], "wandoujia");
    assert_string_equal(gr_store_names[SW_SAPPSTORE], "appstore");
    assert_null(gr_store_names[SW_NSTORES]);
    assert_string_equal(gr_status_names[SW_OK], "ok");
    assert_string_equal(gr_status_names[SW_VERIFY], "verification");
    assert_string_equal(gr_status_names[SW_NOTFOUND], "not_found");
    assert_string_equal(gr_status_names[SW_ERROR], "error");
    assert_null(gr_status_names[SW_ERROR + 1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_get),
        cmocka_unit_test(test_listing_token),
        cmocka_unit_test(test_display_exact),
        cmocka_unit_test(test_fault_parse),
        cmocka_unit_test(test_universe_days),
        cmocka_unit_test(test_enum_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
