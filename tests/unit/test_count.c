/* The count normaliser (lib/gr_count.c): every format DESIGN.md and
 * research/sources.md section 9 list, exact integer arithmetic, caps, and
 * "not a number is missing, never zero". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "gr_count.h"

struct ok_case {
    const char *in;
    int64_t value;
    int capped;
    const char *raw;
};

static void check_ok(const struct ok_case *c)
{
    struct gr_count out;
    enum gr_rc rc = gr_count_parse(c->in, strlen(c->in), &out);

    if (rc != GR_OK) {
        print_error("[%s]: expected %lld, got %s\n", c->in, (long long)c->value, gr_strerror(rc));
        fail();
    }
    if (out.value != c->value || (int)out.capped != c->capped) {
        print_error("[%s]: expected %lld capped=%d, got %lld capped=%d\n", c->in, (long long)c->value, c->capped,
                    (long long)out.value, (int)out.capped);
        fail();
    }
    if (c->raw && (strlen(c->raw) != out.raw_len || memcmp(c->raw, c->in + out.raw_off, out.raw_len) != 0)) {
        print_error("[%s]: raw expected [%s], got [%.*s]\n", c->in, c->raw, (int)out.raw_len, c->in + out.raw_off);
        fail();
    }
}

static void check_missing(const char *in, size_t n)
{
    struct gr_count out;
    enum gr_rc rc = gr_count_parse(in, n, &out);

    if (rc != GR_EDATA) {
        print_error("[%.*s]: expected missing, got %lld (rc %d)\n", (int)n, in, (long long)out.value, (int)rc);
        fail();
    }
}

static void test_plain(void **state)
{
    static const struct ok_case c[] = {
        { "0", 0, 0, "0" },
        { "288", 288, 0, "288" },
        { "93157", 93157, 0, "93157" },
        { "  93157\n", 93157, 0, "93157" },
        { "007", 7, 0, "007" },
        { "9223372036854775807", INT64_MAX, 0, NULL },
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        check_ok(&c[i]);
}

static void test_units_exact(void **state)
{
    static const struct ok_case c[] = {
        { "8.3亿", 830000000, 0, "8.3亿" },          /* never 829999999 */
        { "6.9亿", 690000000, 0, NULL },
        { "0.1亿", 10000000, 0, NULL },
        { "1.2万", 12000, 0, "1.2万" },
        { "7001万", 70010000, 0, NULL },
        { "25380万", 253800000, 0, NULL },
        { "1.5千", 1500, 0, NULL },
        { "3千", 3000, 0, NULL },
        { "1.23亿", 123000000, 0, NULL },
        { "1.2345万", 12345, 0, NULL },
        { "1.50万", 15000, 0, NULL },
        { "2百万", 2000000, 0, NULL },
        { "1.1万亿", 1100000000000, 0, NULL },
        { "8.30亿", 830000000, 0, NULL },
        { "4.7 万", 47000, 0, "4.7 万" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        check_ok(&c[i]);
}

static void test_caps(void **state)
{
    static const struct ok_case c[] = {
        { "100000+", 100001, 1, "100000+" },
        { "10万+", 100001, 1, "10万+" },
        { "阅读 100000+", 100001, 1, "100000+" },
        { "阅读 10万+", 100001, 1, "10万+" },
        { "10000+", 10001, 1, NULL },
        { "100000 +", 100001, 1, "100000 +" },
        { "100000＋", 100001, 1, NULL },                  /* full-width plus */
        { "UserDownloads:100.000+", 100001, 1, "100.000+" },   /* dots as thousands */
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        check_ok(&c[i]);
}

static void test_labels_and_suffixes(void **state)
{
    static const struct ok_case c[] = {
        { "下载：7001万次", 70010000, 0, "7001万次" },
        { "1402万次下载", 14020000, 0, "1402万次下载" },
        { "下载次数：25380万", 253800000, 0, "25380万" },
        { "下载次数: 50万", 500000, 0, "50万" },           /* ASCII colon and space (百度) */
        { "下载次数: 6.9亿", 690000000, 0, NULL },
        { "8.3亿下载", 830000000, 0, "8.3亿下载" },         /* 应用宝 */
        { "1.2亿人安装", 120000000, 0, NULL },
        { "9876下载", 9876, 0, NULL },
        { "3次", 3, 0, NULL },
        { "阅读 93157", 93157, 0, "93157" },
        { "5000人", 5000, 0, NULL },
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        check_ok(&c[i]);
}

static void test_separators_and_widths(void **state)
{
    static const struct ok_case c[] = {
        { "12,330,000", 12330000, 0, "12,330,000" },
        { "1,024", 1024, 0, NULL },
        { "12，330，000", 12330000, 0, NULL },              /* full-width commas */
        { "７００１万", 70010000, 0, "７００１万" },        /* full-width digits */
        { "下载：７００１万次", 70010000, 0, NULL },
        { "下载次数：１．５万", 15000, 0, NULL },           /* full-width dot */
        { "&nbsp;7001万", 70010000, 0, "7001万" },
        { "下载：&nbsp;7001万次", 70010000, 0, NULL },
        { "\xC2\xA0" "42\xE3\x80\x80", 42, 0, "42" },    /* NBSP and U+3000 */
        { "&#55;&#x30;", 70, 0, NULL },                  /* numeric references */
        { "1.234.567", 1234567, 0, NULL },
        { "1,234.5万", 12345000, 0, NULL },
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        check_ok(&c[i]);
}

static void test_missing(void **state)
{
    static const char *const m[] = {
        "", " ", "少量", "少量人", "14.45M", "25.12MB", "-3", "abc", "1.2.3万", "1.23456万", "12.5",
        "8.3亿元", "约100万", "100万+次+", "+", "万", ".5万", "5.万", "1,", "99999999999999999999",
        "9223372036854775807万", "100000++", "N/A", "null", "\"\" * 1", "1 2",
    };
    (void)state;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        check_missing(m[i], strlen(m[i]));
    /* NUL bytes and invalid UTF-8 inside are not numbers either */
    check_missing("12\0" "3", 4);
    check_missing("12\xff", 3);
    /* too long to be a count */
    {
        char big[2000];
        memset(big, '1', sizeof big);
        check_missing(big, sizeof big);
    }
}

static void test_no_read_past_n(void **state)
{
    struct gr_count out;
    (void)state;
    /* only "12" is given; the 万 after it must not be seen */
    assert_int_equal(gr_count_parse("12万", 2, &out), GR_OK);
    assert_int_equal(out.value, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_units_exact),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_labels_and_suffixes),
        cmocka_unit_test(test_separators_and_widths),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_no_read_past_n),
    };
    return cmocka_run_group_tests_name("count", tests, NULL, NULL);
}
