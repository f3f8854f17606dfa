/* Unit tests for the crawler's robots.txt matcher (crawler/crawler_robots.c).
 *
 * The unit-test rule in lib/module.mk links a test with libgovreach.a only,
 * and the robots matcher is internal to the crawler, so this file compiles
 * the crawler's source file in directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../crawler/crawler_robots.c"

static struct cr_robots *parse(const char *txt)
{
    struct cr_robots *r = cr_robots_parse(txt, strlen(txt), "govreach");
    assert_non_null(r);
    return r;
}

#define ALLOWED(r, p, want)                                                                \
    do {                                                                                   \
        bool got_ = cr_robots_allowed((r), (p));                                           \
        if (got_ != (want))                                                                \
            fail_msg("path %s: expected %s, got %s", (p), (want) ? "allowed" : "disallowed", \
                     got_ ? "allowed" : "disallowed");                                     \
    } while (0)

static void star_group_applies_when_no_group_names_us(void **state)
{
    struct cr_robots *r = parse("User-agent: *\nDisallow: /private\nCrawl-delay: 2\n");
    (void)state;
    ALLOWED(r, "/", true);
    ALLOWED(r, "/private", false);
    ALLOWED(r, "/private/x?y=1", false);
    ALLOWED(r, "/privat", true);
    ALLOWED(r, "/robots.txt", true);
    assert_int_equal(cr_robots_delay_ms(r), 2000);
    cr_robots_free(r);
}

static void our_group_overrides_star_and_groups_merge(void **state)
{
    struct cr_robots *r = parse("# comment\r\n"
                                "User-agent: *\r\nDisallow: /\r\n\r\n"
                                "User-agent: other\r\nUser-agent: GovReach/1.0\r\nDisallow: /a\r\n"
                                "Crawl-delay: 0.5\r\n"
                                "User-agent: googlebot\r\nDisallow: /b\r\n"
                                "user-agent: govreach\r\ndisallow: /c # trailing comment\r\n");
    (void)state;
    ALLOWED(r, "/", true);
    ALLOWED(r, "/a/1", false);
    ALLOWED(r, "/b", true);
    ALLOWED(r, "/c", false);
    assert_int_equal(cr_robots_delay_ms(r), 500);
    cr_robots_free(r);
}

static void longest_match_wins_and_allow_wins_ties(void **state)
{
    struct cr_robots *r = parse("User-agent: *\nDisallow: /mp/\nAllow: /mp/profile_ext\n"
                                "Disallow: /x\nAllow: /x\n");
    (void)state;
    ALLOWED(r, "/mp/getappmsgext", false);
    ALLOWED(r, "/mp/profile_ext?action=home", true);
    ALLOWED(r, "/x", true);
    cr_robots_free(r);
}

static void wildcards_and_end_anchor(void **state)
{
    struct cr_robots *r = parse("User-agent: *\nDisallow: /*.php$\nDisallow: /s*sn=\nDisallow: /*/secret\n");
    (void)state;
    ALLOWED(r, "/index.php", false);
    ALLOWED(r, "/index.php?x=1", true);
    ALLOWED(r, "/s?__biz=1&sn=abc", false);
    ALLOWED(r, "/s?__biz=1", true);
    ALLOWED(r, "/a/b/secret/c", false);
    ALLOWED(r, "/secret", true);
    cr_robots_free(r);
}

static void empty_disallow_and_garbage_allow_everything(void **state)
{
    struct cr_robots *r = parse("User-agent: *\nDisallow:\n");
    struct cr_robots *g = parse("\xEF\xBB\xBF<html><body>not robots</body></html>\n\x01\x02:::\n");
    (void)state;
    ALLOWED(r, "/anything", true);
    ALLOWED(g, "/anything", true);
    assert_int_equal(cr_robots_delay_ms(g), -1);
    ALLOWED(NULL, "/x", true);
    cr_robots_free(r);
    cr_robots_free(g);
}

static void rules_before_any_user_agent_are_ignored(void **state)
{
    struct cr_robots *r = parse("Disallow: /\nUser-agent: *\nDisallow: /y\n");
    (void)state;
    ALLOWED(r, "/x", true);
    ALLOWED(r, "/y", false);
    cr_robots_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(star_group_applies_when_no_group_names_us),
        cmocka_unit_test(our_group_overrides_star_and_groups_merge),
        cmocka_unit_test(longest_match_wins_and_allow_wins_ties),
        cmocka_unit_test(wildcards_and_end_anchor),
        cmocka_unit_test(empty_disallow_and_garbage_allow_everything),
        cmocka_unit_test(rules_before_any_user_agent_are_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
