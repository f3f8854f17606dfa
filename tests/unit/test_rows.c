/* lib/gr_rows: a row must have its record type's columns (the positional
 * gr_row_* calls of a source checked at run time), COPY escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "gr_rows.h"
#include "gr_source.h"

static void test_row_field_count(void **state)
{
    struct gr_page page = { .url = "http://apk.91.com/Soft/Android/x-1.html", .fetched_at = 1412150400,
                            .warc_file = "a.warc.gz", .warc_offset = 7 };
    struct gr_rows rows;
    struct gr_row r;

    (void)state;
    gr_rows_init(&rows, 1 << 20);
    /* parse_reject: source, reason + provenance */
    gr_row_begin(&r, &rows, GR_REC_PARSE_REJECT);
    gr_row_str(&r, "91");
    gr_row_str(&r, "no count\there");
    assert_int_equal(gr_row_end(&r, &page), GR_OK);
    assert_string_equal(rows.b[GR_REC_PARSE_REJECT].data,
                        "91\tno count\\there\ta.warc.gz\t7\thttp://apk.91.com/Soft/Android/x-1.html\t2014-10-01T08:00:00Z\n");
    /* one field short: an internal error, and the partial row is gone */
    gr_row_begin(&r, &rows, GR_REC_PARSE_REJECT);
    gr_row_str(&r, "91");
    assert_int_equal(gr_row_end(&r, &page), GR_EINTERNAL);
    /* one too many */
    gr_row_begin(&r, &rows, GR_REC_PARSE_REJECT);
    gr_row_str(&r, "91");
    gr_row_str(&r, "x");
    gr_row_null(&r);
    assert_int_equal(gr_row_end(&r, &page), GR_EINTERNAL);
    assert_int_equal(rows.n[GR_REC_PARSE_REJECT], 1);
    assert_int_equal(strchr(rows.b[GR_REC_PARSE_REJECT].data, '\n') + 1 - rows.b[GR_REC_PARSE_REJECT].data,
                     (long)rows.b[GR_REC_PARSE_REJECT].len);
    gr_rows_free(&rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_field_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
