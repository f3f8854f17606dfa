/* Unit tests of the scorer's C side: periods, methodology files, check-report.
 * No database: scoring itself is SQL and is tested in tests/integration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_util.h"
#include "scorer.h"

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scorer.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[600];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void period_parses_real_dates(void **state)
{
    char a[11], b[11];
    (void)state;
    assert_true(scorer_parse_period("2014-10-01..2014-10-31", a, b));
    assert_string_equal(a, "2014-10-01");
    assert_string_equal(b, "2014-10-31");
    assert_true(scorer_parse_period("2016-02-29..2016-02-29", a, b));
}

static void period_rejects_bad_input(void **state)
{
    char a[11], b[11];
    (void)state;
    assert_false(scorer_parse_period("2014-10-31..2014-10-01", a, b)); /* reversed */
    assert_false(scorer_parse_period("2014-02-30..2014-03-01", a, b)); /* no such day */
    assert_false(scorer_parse_period("2015-02-29..2015-03-01", a, b)); /* not a leap year */
    assert_false(scorer_parse_period("2014-10-01", a, b));
    assert_false(scorer_parse_period("2014-1-01..2014-10-31x", a, b));
    assert_false(scorer_parse_period("2014-10-01--2014-10-31", a, b));
    assert_false(scorer_parse_period("", a, b));
}

static void period_names_months_weeks_and_ranges(void **state)
{
    struct scorer_period p;
    (void)state;
    assert_true(scorer_period_parse("2014-10", &p));
    assert_string_equal(p.kind, "month");
    assert_string_equal(p.start, "2014-10-01");
    assert_string_equal(p.end, "2014-10-31");
    assert_true(scorer_period_parse("2016-02", &p));
    assert_string_equal(p.end, "2016-02-29");
    assert_true(scorer_period_parse("2014-10-01..2014-10-31", &p)); /* a range that is a month */
    assert_string_equal(p.kind, "month");
    assert_string_equal(p.label, "2014-10");
    /* ISO weeks: week 1 holds 4 January; 2014-W46 is 10-16 November (the report's sub-lists) */
    assert_true(scorer_period_parse("2014-W46", &p));
    assert_string_equal(p.kind, "week");
    assert_string_equal(p.start, "2014-11-10");
    assert_string_equal(p.end, "2014-11-16");
    assert_true(scorer_period_parse("2015-W01", &p)); /* begins in the year before */
    assert_string_equal(p.start, "2014-12-29");
    assert_true(scorer_period_parse("2015-W53", &p)); /* 2015 has 53 weeks */
    assert_string_equal(p.end, "2016-01-03");
    assert_false(scorer_period_parse("2014-W53", &p)); /* 2014 has 52 */
    assert_true(scorer_period_parse("2014-12-29..2015-01-04", &p)); /* a Monday-Sunday range is the week */
    assert_string_equal(p.label, "2015-W01");
    assert_true(scorer_period_parse("2014-11-12..2014-11-19", &p)); /* the report's own sub-list range */
    assert_string_equal(p.kind, "custom");
    assert_string_equal(p.label, "2014-11-12..2014-11-19");
    assert_false(scorer_period_parse("2014-13", &p));
    assert_false(scorer_period_parse("2014-W00", &p));
    assert_false(scorer_period_parse("2014-10-x", &p));
    assert_false(scorer_period_parse("14-10", &p));
}

static double jnum(const char *json, const char *key)
{
    json_error_t e;
    json_t *o = json_loads(json, 0, &e), *v;
    double d;
    assert_non_null(o);
    v = json_object_get(o, key);
    if (!v)
        fail_msg("key %s missing from %s", key, json);
    d = json_number_value(v);
    json_decref(o);
    return d;
}

static void default_methodology_loads_with_every_parameter(void **state)
{
    struct scorer_method m;
    char err[512] = "", path[1024];
    (void)state;
    snprintf(path, sizeof path, "%s/conf/methodology/2014.conf", gr_share_dir());
    scorer_method_init(&m);
    if (scorer_method_load(&m, path, err, sizeof err) != GR_OK)
        fail_msg("load %s: %s", path, err);
    assert_string_equal(m.name, "2014");
    assert_string_equal(m.version, "3");
    assert_true(fabs(jnum(m.params_json, "wci.w_read") - 0.6) < 1e-12);
    assert_true(fabs(jnum(m.params_json, "combined.w_bci") - 0.4) < 1e-12);
    assert_true(fabs(jnum(m.params_json, "wci.read_cap") - 100001) < 1e-9);
    /* Weibo year to date, WeChat over the period (the report's 1 January - 31 October) */
    assert_non_null(strstr(m.params_json, "\"bci.window\":\"year\""));
    /* private messages are unobservable and count 0 (bci.unobservable = zero): replies and
     * mentions keep 0.4 and 0.3, the 40 ln(q+1) and 30 ln(p+1) of the printed 互动度 values */
    assert_true(fabs(jnum(m.sql_json, "bci_interaction_w_private")) < 1e-12);
    assert_true(fabs(jnum(m.sql_json, "bci_interaction_w_replies") - 0.4) < 1e-12);
    assert_true(fabs(jnum(m.sql_json, "bci_interaction_w_mentions") - 0.3) < 1e-12);
    assert_true(m.text_len > 100);
    scorer_method_free(&m);
}

static void presets_load(void **state)
{
    static const char *const names[] = { "wci-v2", "wci-v13", "sina-bci", NULL };
    (void)state;
    for (const char *const *n = names; *n; n++) {
        struct scorer_method m;
        char err[512] = "", path[1024];
        snprintf(path, sizeof path, "%s/conf/methodology/%s.conf", gr_share_dir(), *n);
        scorer_method_init(&m);
        if (scorer_method_load(&m, path, err, sizeof err) != GR_OK)
            fail_msg("load %s: %s", path, err);
        assert_string_equal(m.name, *n);
        scorer_method_free(&m);
    }
}

static void sina_preset_zeroes_likes_without_renormalising(void **state)
{
    struct scorer_method m;
    char err[512] = "", path[1024];
    (void)state;
    snprintf(path, sizeof path, "%s/conf/methodology/sina-bci.conf", gr_share_dir());
    scorer_method_init(&m);
    assert_int_equal(scorer_method_load(&m, path, err, sizeof err), GR_OK);
    assert_true(fabs(jnum(m.sql_json, "bci_propagation_w_likes")) < 1e-12);
    assert_true(fabs(jnum(m.sql_json, "bci_propagation_w_reposts") - 0.2) < 1e-12);
    assert_true(fabs(jnum(m.sql_json, "bci_w_propagation") - 128) < 1e-12);
    scorer_method_free(&m);
}

static void expect_config_error(const char *text, const char *want)
{
    struct scorer_method m;
    char err[512] = "", path[512];
    enum gr_rc rc;
    write_file("m.conf", text);
    snprintf(path, sizeof path, "%s/m.conf", tmpdir);
    scorer_method_init(&m);
    rc = scorer_method_load(&m, path, err, sizeof err);
    scorer_method_free(&m);
    if (rc != GR_ECONFIG)
        fail_msg("expected GR_ECONFIG, got %d (%s) for:\n%s", rc, err, text);
    if (!strstr(err, want))
        fail_msg("message [%s] lacks [%s]", err, want);
}

static void bad_methodologies_are_config_errors(void **state)
{
    (void)state;
    expect_config_error("[methodology]\nname = x\n[wci]\nw_raed = 1\n", "m.conf:4: unknown key \"w_raed\"");
    expect_config_error("[methodology]\nname = x\n[wci]\nw_read = abc\n", "m.conf:4: wci.w_read: \"abc\" is not a number");
    expect_config_error("[methodology]\nname = x\n[wcii]\nk = 1\n", "unknown section [wcii]");
    expect_config_error("[methodology]\nname = x\n[wci]\naggregation = cubic\n", "wci.aggregation \"cubic\"");
    expect_config_error("[methodology]\nname = x\n[bci]\nwindow = month\n", "m.conf:4: bci.window \"month\" is not period or year");
    expect_config_error("[methodology]\nname = x\n[bci]\nw_activity = -1\n", "bci.w_activity must not be negative");
    expect_config_error("[methodology]\nversion = 1\n", "name is required");
    expect_config_error("[methodology]\nname = x\n[apps]\ntop_n = 0\n", "out of range");
}

static void missing_methodology_is_no_input(void **state)
{
    struct scorer_method m;
    char err[512] = "";
    (void)state;
    scorer_method_init(&m);
    assert_int_equal(scorer_method_load(&m, "/nonexistent/x.conf", err, sizeof err), GR_ENOINPUT);
    scorer_method_free(&m);
}

/* A complete, consistent set of report tables in tmpdir. */
static void write_clean_tables(void)
{
    write_file("t1_2_central_combined.tsv", "rank\tname\twci\tbci\tcombined\n1\tA(AW)\t1000.00\t500.00\t800.00\n");
    write_file("t1_3_local_combined.tsv", "rank\tname\twci\tbci\tcombined\n1\tL\t900.00\t400.00\t700.00\n");
    write_file("t2_1_central_wechat.tsv", "rank\tname\tread_index\tlike_index\twci\n1\tA\t1200.00\t700.00\t1000.00\n");
    write_file("t2_2_local_wechat.tsv", "rank\tname\tread_index\tlike_index\twci\n1\tL\t1100.00\t600.00\t900.00\n");
    /* 10*(0.6 ln 20000 + 0.4 ln 100)^2 = 605.9316; 10*(0.6 ln 100)^2 = 76.3473 (ln 0 := 0) */
    write_file("t2_3_party_publicity_wechat.tsv", "rank\tname\tread_col\tlike_col\twci\n1\tP\t20000.00\t100.00\t605.93\n");
    write_file("t2_4_police_traffic_wechat.tsv", "rank\tname\tread_col\tlike_col\twci\n1\tP\t100.00\t0.00\t76.35\n");
    write_file("t2_5_judicial_wechat.tsv", "rank\tname\tread_col\tlike_col\twci\n");
    write_file("t2_6_health_wechat.tsv", "rank\tname\tread_col\tlike_col\twci\n");
    write_file("t2_7_hot_articles.tsv", "rank\taccount\tpublished_at\ttitle\treads_raw\tlikes\n"
                                        "1\tA\t2014-10-01 00:00:00\tt\t100000+\t5\n2\tA\t2014-10-01 00:00:00\tt\t93157\t1\n");
    write_file("t3_1_central_weibo.tsv", "name\tfollowers\tcoverage\tactivity\tinteraction\tpropagation\tbci\n"
                                         "AW\t10\t500.00\t200.00\t100.00\t312.50\t500.00\n");
    write_file("t3_2_local_weibo.tsv", "name\tfollowers\tcoverage\tactivity\tinteraction\tpropagation\tbci\n"
                                       "L\t10\t400.00\t160.00\t80.00\t250.00\t400.00\n");
    write_file("t4_1_app_store_top10.tsv", "store\trank\tapp\tdownloads\n360\t1\tX\t10\nbaidu\t1\tX\t5\ntotal\t1\tX\t15\n");
}

static size_t check(char *outbuf, size_t outlen, enum gr_rc want_rc)
{
    char err[512] = "";
    size_t n = 99;
    FILE *f = fmemopen(outbuf, outlen, "w");
    enum gr_rc rc;
    assert_non_null(f);
    rc = scorer_check_report(tmpdir, f, &n, err, sizeof err);
    fclose(f);
    if (rc != want_rc)
        fail_msg("check-report returned %d (%s), wanted %d", rc, err, want_rc);
    return n;
}

static void clean_tables_have_no_violation(void **state)
{
    char out[8192];
    size_t n;
    (void)state;
    write_clean_tables();
    n = check(out, sizeof out, GR_OK);
    if (n != 0)
        fail_msg("expected no violation, got %zu:\n%s", n, out);
}

static void each_broken_identity_is_named_with_row_and_size(void **state)
{
    char out[8192];
    size_t n;
    (void)state;
    write_clean_tables();
    write_file("t1_3_local_combined.tsv", "rank\tname\twci\tbci\tcombined\n1\tL\t900.00\t400.00\t700.00\n"
                                          "2\tM\t800.00\t300.00\t600.00\n");
    n = check(out, sizeof out, GR_OK);
    /* row 2: 0.6*800 + 0.4*300 = 600 holds, but M is above nothing: L's list has 900 min -> no absent */
    if (n != 0)
        fail_msg("got %zu:\n%s", n, out);
    write_file("t3_2_local_weibo.tsv", "name\tfollowers\tcoverage\tactivity\tinteraction\tpropagation\tbci\n"
                                       "L\t10\t400.00\t160.00\t80.00\t250.00\t400.02\n");
    n = check(out, sizeof out, GR_OK);
    assert_int_equal(n, 2); /* identity 3 (0.02 > 0.015) and cross-table BCI 400.00 vs 400.02 */
    assert_non_null(strstr(out, "identity\tt3_2_local_weibo\t1\tL\tbci\t400.02\t400.000\t0.020\n"));
    assert_non_null(strstr(out, "cross\tt1_3_local_combined\t1\tL\tbci\t400.00\t400.020\t0.020\n"));
}

static void cap_marker_and_missing_cells(void **state)
{
    char out[8192];
    (void)state;
    write_clean_tables();
    write_file("t2_7_hot_articles.tsv", "rank\taccount\tpublished_at\ttitle\treads_raw\tlikes\n"
                                        "1\tA\t2014-10-01 00:00:00\tt\t10000+\t5\n2\tB\t2014-10-01 00:00:00\tt\t93157\t1\n");
    write_file("t3_1_central_weibo.tsv", "name\tfollowers\tcoverage\tactivity\tinteraction\tpropagation\tbci\n"
                                         "AW\t\t500.00\t200.00\t100.00\t312.50\t500.00\n");
    assert_int_equal(check(out, sizeof out, GR_OK), 2);
    assert_non_null(strstr(out, "cap\tt2_7_hot_articles\t1\tA\treads_raw\t10000+\t93157.000\t83157.000\n"));
    assert_non_null(strstr(out, "missing\tt3_1_central_weibo\t1\tAW\tfollowers\t\t\t\n"));
}

static void malformed_or_missing_tables_are_errors(void **state)
{
    char out[8192];
    (void)state;
    write_clean_tables();
    write_file("t2_1_central_wechat.tsv", "rank\tname\tread_index\tlike_index\twci\n1\tA\t12x\t700.00\t1000.00\n");
    check(out, sizeof out, GR_EDATA);
    write_file("t2_1_central_wechat.tsv", "rank\tname\tread_index\tlike_index\twci\n1\tA\t1200.00\n");
    check(out, sizeof out, GR_EDATA);
    write_clean_tables();
    {
        char p[512];
        snprintf(p, sizeof p, "%s/t4_1_app_store_top10.tsv", tmpdir);
        unlink(p);
    }
    check(out, sizeof out, GR_ENOINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(period_parses_real_dates),
        cmocka_unit_test(period_rejects_bad_input),
        cmocka_unit_test(period_names_months_weeks_and_ranges),
        cmocka_unit_test(default_methodology_loads_with_every_parameter),
        cmocka_unit_test(presets_load),
        cmocka_unit_test(sina_preset_zeroes_likes_without_renormalising),
        cmocka_unit_test(bad_methodologies_are_config_errors),
        cmocka_unit_test(missing_methodology_is_no_input),
        cmocka_unit_test(clean_tables_have_no_violation),
        cmocka_unit_test(each_broken_identity_is_named_with_row_and_size),
        cmocka_unit_test(cap_marker_and_missing_cells),
        cmocka_unit_test(malformed_or_missing_tables_are_errors),
    };
    return cmocka_run_group_tests_name("scorer", tests, setup, teardown);
}
