/* The report's escaping (nightly/report_html.c, report_csv.c): HTML text, CSV
 * fields through libcsv, and the JSON that sits inside a <script> element. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void expect_str(const char *what, const char *want, const char *got)
{
    if (strcmp(want, got) != 0) {
        print_error("%s: expected [%s], got [%s]\n", what, want, got);
        fail();
    }
}

static void html_escapes_markup_and_quotes(void **state)
{
    struct gr_buf b;
    (void)state;
    gr_buf_init(&b, 1024);
    assert_int_equal(report_html_escape(&b, "<script>alert(1)</script> & \"x\" 'y' 中文"), GR_OK);
    expect_str("escaped", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39; 中文", b.data);
    gr_buf_reset(&b);
    assert_int_equal(report_html_escape(&b, NULL), GR_OK);
    expect_str("NULL is nothing", "", b.data);
    gr_buf_free(&b);
}

static void html_escape_respects_the_buffer_limit(void **state)
{
    struct gr_buf b;
    (void)state;
    gr_buf_init(&b, 8);
    assert_int_equal(report_html_escape(&b, "<<<<"), GR_ELIMIT);
    gr_buf_free(&b);
}

static char *csv_line(const char *const *fields, int n)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    for (int i = 0; i < n; i++)
        assert_int_equal(report_csv_field(f, fields[i], i == 0), GR_OK);
    fclose(f);
    return mem;
}

static void csv_quotes_every_field_and_keeps_null_empty(void **state)
{
    const char *const fields[] = { "a", "say \"hi\", then\nleave", NULL, "", "10万+" };
    char *line;
    (void)state;
    line = csv_line(fields, 5);
    expect_str("csv", "\"a\",\"say \"\"hi\"\", then\nleave\",,\"\",\"10万+\"", line);
    free(line);
}

static void json_cannot_close_its_script_element(void **state)
{
    struct report_data d;
    PGresAttDesc attrs[2] = { { (char *)"rank", 0, 0, 0, 23, 4, -1 }, { (char *)"title", 0, 0, 0, 25, -1, -1 } };
    struct gr_buf b;
    (void)state;
    memset(&d, 0, sizeof d);
    d.tables[0].res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    assert_non_null(d.tables[0].res);
    assert_int_equal(PQsetResultAttrs(d.tables[0].res, 2, attrs), 1);
    assert_int_equal(PQsetvalue(d.tables[0].res, 0, 0, (char *)"1", 1), 1);
    assert_int_equal(PQsetvalue(d.tables[0].res, 0, 1, (char *)"</script><!--x&", 15), 1);
    d.tables[0].name = "t";
    d.tables[0].title = "T";
    d.tables[0].section = "s";
    d.ntables = 1;
    gr_buf_init(&b, 1 << 20);
    assert_int_equal(report_json(&d, 0, &b), GR_OK);
    if (strchr(b.data, '<') || strchr(b.data, '>') || strchr(b.data, '&')) {
        print_error("raw < > or & in [%s]\n", b.data);
        fail();
    }
    assert_non_null(strstr(b.data, "\"rows\":[[1,\"\\u003c/script\\u003e\\u003c!--x\\u0026\"]]"));
    gr_buf_free(&b);
    PQclear(d.tables[0].res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_escapes_markup_and_quotes),
        cmocka_unit_test(html_escape_respects_the_buffer_limit),
        cmocka_unit_test(csv_quotes_every_field_and_keeps_null_empty),
        cmocka_unit_test(json_cannot_close_its_script_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
