/* Unit tests for the crawler's transfer helpers (crawler/crawler_fetch.c):
 * credential redaction, URL helpers (header lookup and body decoding are
 * lib/gr_http.c's: test_http).
 *
 * The unit-test rule in lib/module.mk links a test with libgovreach.a only,
 * and these helpers are internal to the crawler, so this file compiles the
 * crawler's source file in directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "../../crawler/crawler_fetch.c"

static void credentials_are_redacted_from_the_stored_request(void **state)
{
    struct cr_fetch_conf fc;
    struct cr_job *j = cr_job_new();
    const char *sent = "POST /mp/getappmsgext?f=json&key=SECRET1&uin=777&appmsg_token=SECRET2&x=1 HTTP/1.1\r\n"
                       "Host: mp.weixin.qq.com\r\nCookie: wxuin=SECRET3; pass_ticket=SECRET4\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\n\r\n";
    char *out;
    size_t len;
    (void)state;

    memset(&fc, 0, sizeof fc);
    gr_buf_appends(&j->reqhead, sent);
    j->credentialed = true;
    out = cr_fetch_redacted_request(&fc, j, &len);
    assert_non_null(out);
    if (strstr(out, "SECRET"))
        fail_msg("secret left in: %s", out);
    assert_non_null(strstr(out, "POST /mp/getappmsgext?f=json&key=REDACTED&uin=REDACTED&appmsg_token=REDACTED&x=1 HTTP/1.1\r\n"));
    assert_non_null(strstr(out, "Cookie: REDACTED\r\n"));
    assert_non_null(strstr(out, "Host: mp.weixin.qq.com\r\n"));
    assert_int_equal(len, strlen(out));
    free(out);
    /* an uncredentialed request is stored verbatim */
    j->credentialed = false;
    out = cr_fetch_redacted_request(&fc, j, &len);
    assert_string_equal(out, sent);
    free(out);
    cr_job_free(j);
}

static void url_helpers(void **state)
{
    char buf[256];
    char *r;
    (void)state;
    assert_true(gr_url_host("http://MP.Weixin.QQ.com:8080/s?x=1", buf, sizeof buf));
    assert_string_equal(buf, "mp.weixin.qq.com");
    assert_true(gr_url_path("http://a.test/s?__biz=x==&mid=1", buf, sizeof buf));
    assert_string_equal(buf, "/s?__biz=x==&mid=1");
    assert_true(gr_url_path("http://a.test", buf, sizeof buf));
    assert_string_equal(buf, "/");
    r = gr_url_resolve("http://a.test/x/y?q=1", "../z?w=2");
    assert_string_equal(r, "http://a.test/z?w=2");
    free(r);
    r = gr_url_resolve("http://a.test/x", "https://b.test/p");
    assert_string_equal(r, "https://b.test/p");
    free(r);
    assert_false(gr_url_host("not a url", buf, sizeof buf));
    r = gr_url_normalize("HTTP://MP.Weixin.qq.com:80/s?__biz=MzA==&amp;x=%41#rd");
    assert_string_equal(r, "http://mp.weixin.qq.com/s?__biz=MzA==&amp;x=%41");
    free(r);
    r = gr_url_normalize("https://a.test:8443");
    assert_string_equal(r, "https://a.test:8443/");
    free(r);
}

static void credentials_stay_on_their_origin(void **state)
{
    struct cr_fetch_conf fc;
    char *r;
    (void)state;

    memset(&fc, 0, sizeof fc);
    fc.ncred = 1;
    fc.cred[0].host = "mp.weixin.qq.com";
    fc.cred[0].param[0] = "key";
    fc.cred[0].value[0] = "K";
    fc.cred[0].nparams = 1;
    fc.cred[0].https_only = true;
    assert_true(cr_fetch_credentialed(&fc, "https://mp.weixin.qq.com/mp/getappmsgext"));
    assert_true(cr_fetch_credentialed(&fc, "https://MP.weixin.qq.com:443/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "http://mp.weixin.qq.com/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "https://mp.weixin.qq.com:8443/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "https://mp.weixin.qq.com@evil.example/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "https://u@mp.weixin.qq.com/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "https://evil.example/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "https://mp.weixin.qq.com.evil.example/"));
    fc.cred[0].https_only = false;
    assert_true(cr_fetch_credentialed(&fc, "http://mp.weixin.qq.com/mp/getappmsgext"));
    assert_false(cr_fetch_credentialed(&fc, "http://mp.weixin.qq.com:8080/mp/getappmsgext"));

    r = gr_url_clean("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=Mz==&key=S&action=home&appmsg_token=T&x=1");
    assert_string_equal(r, "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=Mz==&x=1");
    free(r);
    r = gr_url_clean("https://mp.weixin.qq.com@evil.example/a?b=1");
    assert_string_equal(r, "https://evil.example/a?b=1");
    free(r);
    r = gr_url_clean("http://a.test/s?__biz=MzA4==&mid=1#frag");
    assert_string_equal(r, "http://a.test/s?__biz=MzA4==&mid=1#frag");
    free(r);
    r = gr_url_clean("http://a.test/s?key=1");
    assert_string_equal(r, "http://a.test/s");
    free(r);
    assert_true(gr_url_same_origin("https://a.test/x", "https://A.test:443/y"));
    assert_false(gr_url_same_origin("https://a.test/x", "http://a.test/x"));
    assert_false(gr_url_same_origin("https://a.test/x", "https://a.test:8443/x"));
}

static void location_headers_are_redacted(void **state)
{
    struct gr_buf out;
    const char *l = "Location: http://e.test/x?a=1&key=S1&appmsg_token=S2\r\n";
    (void)state;
    gr_buf_init(&out, 4096);
    cr_redact_line(&out, l, strlen(l));
    assert_int_equal(out.len, strlen("Location: http://e.test/x?a=1&key=REDACTED&appmsg_token=REDACTED\r\n"));
    assert_memory_equal(out.data, "Location: http://e.test/x?a=1&key=REDACTED&appmsg_token=REDACTED\r\n", out.len);
    gr_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(credentials_are_redacted_from_the_stored_request),
        cmocka_unit_test(url_helpers),
        cmocka_unit_test(credentials_stay_on_their_origin),
        cmocka_unit_test(location_headers_are_redacted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
