/* Charset resolution and conversion (lib/gr_charset.c) and the COPY text
 * escaping of output rows (lib/gr_rows.c): what leaves the parser is valid
 * UTF-8 without NULs, and no page text can break a TSV line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gr_charset.h"
#include "gr_rows.h"
#include "gr_source.h"
#include "gr_util.h"

static void resolve(const char *ctype, const char *body, const char *want)
{
    char cs[64];
    gr_charset_resolve(ctype, body, strlen(body), cs, sizeof cs);
    if (strcmp(cs, want) != 0) {
        print_error("ctype [%s] body [%.40s]: expected %s, got %s\n", ctype ? ctype : "NULL", body, want, cs);
        fail();
    }
}

static void test_resolve_order(void **state)
{
    (void)state;
    resolve("text/html; charset=GBK", "<meta charset=\"utf-8\">", "gb18030");     /* header first */
    resolve("text/html", "\xEF\xBB\xBF<meta charset=\"gbk\">", "utf-8");         /* then a BOM */
    resolve("text/html", "<html><head><meta charset=\"gb2312\">", "gb18030");    /* then <meta> */
    resolve(NULL, "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=GBK\">", "gb18030");
    resolve("application/json", "{\"a\":1}", "utf-8");                           /* default */
    resolve("text/html; charset=\"big5\"", "", "big5");
    resolve(NULL, "<p>charset=gbk outside a meta tag</p>", "utf-8");
}

static void conv(const char *cs, const char *in, size_t n, const char *want, size_t want_repl)
{
    struct gr_buf out;
    size_t repl = 99;

    gr_buf_init(&out, 1u << 20);
    assert_int_equal(gr_charset_to_utf8(cs, in, n, &out, &repl), GR_OK);
    if (strcmp(out.data, want) != 0 || repl != want_repl) {
        print_error("%s: expected [%s] (%zu replaced), got [%s] (%zu)\n", cs, want, want_repl, out.data, repl);
        fail();
    }
    assert_true(gr_utf8_valid(out.data, out.len));
    gr_buf_free(&out);
}

static void test_convert(void **state)
{
    (void)state;
    conv("gb18030", "\xCF\xC2\xD4\xD8", 4, "下载", 0);                 /* GBK bytes */
    conv("gb18030", "\xCF\xC2\xFF\xD4\xD8", 5, "下\xEF\xBF\xBD" "载", 1);  /* an invalid byte */
    conv("utf-8", "a\xff" "b\xe4\xb8", 5, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD", 3);
    conv("utf-8", "a\0b", 3, "ab", 0);                                  /* NULs dropped */
    conv("utf-8", "\xEF\xBB\xBFok", 5, "ok", 0);                       /* BOM dropped */
    conv("x-unknown-charset", "plain", 5, "plain", 0);                  /* unknown: UTF-8 */
    conv("utf-8", "\xed\xa0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3);   /* a surrogate */
    conv("utf-8", "", 0, "", 0);
}

static void test_size_cap(void **state)
{
    struct gr_buf out;
    (void)state;
    gr_buf_init(&out, 4);
    assert_int_equal(gr_charset_to_utf8("utf-8", "0123456789", 10, &out, NULL), GR_ELIMIT);
    gr_buf_free(&out);
}

static void test_copy_escape(void **state)
{
    struct gr_rows rows;
    struct gr_row r;
    struct gr_page pg;

    (void)state;
    memset(&pg, 0, sizeof pg);
    pg.url = "http://x/\ty";
    pg.warc_file = "w.warc.gz";
    pg.warc_offset = 7;
    pg.fetched_at = 1412496000;
    gr_rows_init(&rows, 1u << 20);
    gr_row_begin(&r, &rows, GR_REC_PARSE_REJECT);
    gr_row_str(&r, NULL);
    gr_row_text(&r, "a\tb\nc\rd\\e\0f\x01g\xffh", 15);
    assert_int_equal(gr_row_end(&r, &pg), GR_OK);
    assert_string_equal(rows.b[GR_REC_PARSE_REJECT].data,
                        "\\N\ta\\tb\\nc\\rd\\\\ef\\x01g\xEF\xBF\xBDh\tw.warc.gz\t7\thttp://x/\\ty\t2014-10-05T08:00:00Z\n");
    assert_int_equal(rows.n[GR_REC_PARSE_REJECT], 1);
    assert_string_equal(gr_rec_name(GR_REC_WECHAT_STAT), "wechat_stat");
    gr_rows_free(&rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_order),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_copy_escape),
    };
    return cmocka_run_group_tests_name("charset", tests, NULL, NULL);
}
