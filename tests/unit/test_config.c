/* lib/gr_config, gr_util, gr_buf: precedence, errors with file:line, checked parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_buf.h"
#include "gr_config.h"
#include "gr_util.h"

static const struct gr_config_key keys[] = {
    { "db.conninfo", GR_CFG_SECRET, NULL, 0, 0, "conninfo" },
    { "crawler.delay_ms", GR_CFG_INT, "1000", 0, 60000, "delay" },
    { "crawler.agent", GR_CFG_STR, "govreach", 0, 0, "agent" },
    { "crawler.robots", GR_CFG_BOOL, "true", 0, 0, "robots" },
    { "host:*.delay_ms", GR_CFG_INT, NULL, 0, 60000, "per-host delay" },
    { NULL, 0, NULL, 0, 0, NULL },
};
static const char *const sections[] = { "db", "crawler", "host:", NULL };

static char *write_tmp(const char *text)
{
    static char path[64];
    int fd;
    snprintf(path, sizeof path, "/tmp/grcfgXXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void defaults_then_file_then_env_then_command_line(void **state)
{
    struct gr_config *cfg = gr_config_new(keys, sections);
    char err[512];
    char *path = write_tmp("[crawler]\ndelay_ms = 250\nagent = filebot\n[host:mp.weixin.qq.com]\ndelay_ms = 5000\n");
    (void)state;
    assert_string_equal(gr_config_get(cfg, "crawler.delay_ms"), "1000");
    assert_int_equal(gr_config_load_file(cfg, path, false, err, sizeof err), GR_OK);
    assert_int_equal(gr_config_int(cfg, "crawler.delay_ms"), 250);
    assert_int_equal(gr_config_int(cfg, "host:mp.weixin.qq.com.delay_ms"), 5000);
    setenv("GOVREACH_CRAWLER_DELAY_MS", "300", 1);
    assert_int_equal(gr_config_load_env(cfg, err, sizeof err), GR_OK);
    unsetenv("GOVREACH_CRAWLER_DELAY_MS");
    assert_int_equal(gr_config_int(cfg, "crawler.delay_ms"), 300);
    assert_string_equal(gr_config_origin(cfg, "crawler.delay_ms"), "environment GOVREACH_CRAWLER_DELAY_MS");
    assert_int_equal(gr_config_set(cfg, "crawler.delay_ms", "400", err, sizeof err), GR_OK);
    assert_int_equal(gr_config_int(cfg, "crawler.delay_ms"), 400);
    assert_string_equal(gr_config_get(cfg, "crawler.agent"), "filebot");
    assert_true(gr_config_bool(cfg, "crawler.robots"));
    unlink(path);
    gr_config_free(cfg);
}

static void bad_value_names_file_and_line(void **state)
{
    struct gr_config *cfg = gr_config_new(keys, sections);
    char err[512], want[600];
    char *path = write_tmp("[crawler]\nagent = x\n\ndelay_ms = soon\n");
    (void)state;
    assert_int_equal(gr_config_load_file(cfg, path, false, err, sizeof err), GR_ECONFIG);
    snprintf(want, sizeof want, "%s:4: crawler.delay_ms: \"soon\" is not an integer", path);
    assert_string_equal(err, want);
    unlink(path);
    gr_config_free(cfg);
}

static void unknown_key_in_own_section_is_an_error_elsewhere_not(void **state)
{
    struct gr_config *cfg = gr_config_new(keys, sections);
    char err[512], want[600];
    char *path = write_tmp("[scorer]\nanything = 1\n[crawler]\ndelay = 5\n");
    (void)state;
    assert_int_equal(gr_config_load_file(cfg, path, false, err, sizeof err), GR_ECONFIG);
    snprintf(want, sizeof want, "%s:4: unknown key \"delay\" in section [crawler]", path);
    assert_string_equal(err, want);
    unlink(path);
    gr_config_free(cfg);
}

static void out_of_range_is_an_error(void **state)
{
    struct gr_config *cfg = gr_config_new(keys, sections);
    char err[512];
    (void)state;
    assert_int_equal(gr_config_set(cfg, "crawler.delay_ms", "-1", err, sizeof err), GR_ECONFIG);
    assert_non_null(strstr(err, "out of range"));
    gr_config_free(cfg);
}

static void parse_i64_rejects_junk_and_overflow(void **state)
{
    int64_t v;
    (void)state;
    assert_true(gr_parse_i64("9223372036854775807", &v));
    assert_true(v == INT64_MAX);
    assert_false(gr_parse_i64("9223372036854775808", &v));
    assert_true(gr_parse_i64("-9223372036854775808", &v));
    assert_true(v == INT64_MIN);
    assert_false(gr_parse_i64("12a", &v));
    assert_false(gr_parse_i64("", &v));
    assert_false(gr_parse_i64(" 1", &v));
    assert_false(gr_parse_i64("-", &v));
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(gr_utf8_valid("下载：7001万次", strlen("下载：7001万次")));
    assert_false(gr_utf8_valid("\xff", 1));
    assert_false(gr_utf8_valid("\xc0\xaf", 2));          /* overlong */
    assert_false(gr_utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
    assert_false(gr_utf8_valid("\xe4\xb8", 2));          /* truncated */
    assert_int_equal(gr_utf8_check("ab\xff", 3), 2);
}

static void buf_never_exceeds_its_maximum(void **state)
{
    struct gr_buf b;
    (void)state;
    gr_buf_init(&b, 8);
    assert_int_equal(gr_buf_appends(&b, "12345678"), GR_OK);
    assert_int_equal(gr_buf_appendc(&b, '9'), GR_ELIMIT);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    gr_buf_reset(&b);
    assert_int_equal(gr_buf_printf(&b, "%d-%s", 42, "x"), GR_OK);
    assert_string_equal(b.data, "42-x");
    gr_buf_free(&b);
    gr_buf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_then_file_then_env_then_command_line),
        cmocka_unit_test(bad_value_names_file_and_line),
        cmocka_unit_test(unknown_key_in_own_section_is_an_error_elsewhere_not),
        cmocka_unit_test(out_of_range_is_an_error),
        cmocka_unit_test(parse_i64_rejects_junk_and_overflow),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(buf_never_exceeds_its_maximum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
