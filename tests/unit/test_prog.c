/* lib/gr_err (the one exit-code table, both ways), lib/gr_spawn (running a
 * stage) and lib/gr_prog (the common options). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_err.h"
#include "gr_prog.h"
#include "gr_spawn.h"

static void test_exit_table_both_ways(void **state)
{
    static const enum gr_rc all[] = { GR_OK, GR_EUSAGE, GR_EDATA, GR_ENOINPUT, GR_EUNAVAIL, GR_EINTERNAL, GR_EIO,
                                      GR_ETEMP, GR_ECONFIG, GR_ENOMEM, GR_ELIMIT, GR_ELOCKED, GR_EPARTIAL };
    (void)state;
    assert_int_equal(gr_rc_exit(GR_EUSAGE), 64);
    assert_int_equal(gr_rc_exit(GR_ELIMIT), 65);
    assert_int_equal(gr_rc_exit(GR_ELOCKED), 75);
    assert_int_equal(gr_rc_exit(GR_EPARTIAL), 1);
    /* every code's status reads back as a code with the same status */
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        assert_int_equal(gr_rc_exit(gr_rc_from_exit(gr_rc_exit(all[i]))), gr_rc_exit(all[i]));
    /* the primary code of each status */
    assert_int_equal(gr_rc_from_exit(65), GR_EDATA);
    assert_int_equal(gr_rc_from_exit(70), GR_EINTERNAL);
    assert_int_equal(gr_rc_from_exit(75), GR_ETEMP);
    assert_int_equal(gr_rc_from_exit(78), GR_ECONFIG);
    assert_int_equal(gr_rc_from_exit(69), GR_EUNAVAIL);
    /* a crash or a signal is internal */
    assert_int_equal(gr_rc_from_exit(137), GR_EINTERNAL);
    assert_int_equal(gr_rc_from_exit(2), GR_EINTERNAL);
    assert_string_equal(gr_strerror(GR_ELOCKED), "locked by another run");
}

static void test_spawn(void **state)
{
    char logf[] = "/tmp/gr_test_spawn.XXXXXX", buf[256] = "";
    char *const exit3[] = { (char *)"/bin/sh", (char *)"-c", (char *)"echo to-the-log; exit 3", NULL };
    char *const killed[] = { (char *)"/bin/sh", (char *)"-c", (char *)"kill -9 $$", NULL };
    char *const missing[] = { (char *)"/nonexistent/stage", NULL };
    struct gr_spawn_result r;
    volatile pid_t running = -1;
    int fd = mkstemp(logf);
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(gr_spawn_run(exit3, logf, &running, &r), 3);
    assert_int_equal(r.status, 3);
    assert_int_equal(running, 0);
    assert_true(r.wall >= 0);
    f = fopen(logf, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "to-the-log\n");
    assert_int_equal(gr_spawn_run(killed, logf, NULL, &r), 128 + 9);
    assert_int_equal(gr_spawn_run(missing, logf, NULL, &r), 70);
    unlink(logf);
}

static void usage_cb(FILE *f) { fputs("usage\n", f); }

static void test_prog_sets_uncapped(void **state)
{
    static const struct gr_config_key keys[] = {
        { "log.level", GR_CFG_STR, "info", 0, 0, "level" },
        { "parser.jobs", GR_CFG_INT, "1", 1, 256, "jobs" },
        { NULL, 0, NULL, 0, 0, NULL },
    };
    static const char *const sections[] = { "log", "parser", NULL };
    static const struct gr_prog_def def = { "test_prog", GR_LIB_ZLIB, usage_cb, keys, sections, NULL };
    static char sets[200][32];
    struct gr_prog p;

    (void)state;
    assert_int_equal(gr_prog_init(&p, &def, 3), GR_OK);
    for (int i = 0; i < 200; i++) {
        snprintf(sets[i], sizeof sets[i], "parser.jobs=%d", i + 1);
        assert_int_equal(gr_prog_option(&p, GR_PROG_OPT_SET, sets[i]), -1);
    }
    assert_int_equal(p.nsets, 200);
    assert_int_equal(gr_prog_option(&p, GR_PROG_OPT_SET, "nokey"), 64);
    assert_int_equal(gr_prog_option(&p, '?', NULL), 64);
    assert_int_equal(gr_prog_option(&p, 'q', NULL), -1);
    assert_int_equal(gr_prog_setup(&p), 0);
    /* the last one wins, as on any command line */
    assert_int_equal(gr_config_int(p.cfg, "parser.jobs"), 200);
    assert_int_equal(gr_prog_exit(&p, 7), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_table_both_ways),
        cmocka_unit_test(test_spawn),
        cmocka_unit_test(test_prog_sets_uncapped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
