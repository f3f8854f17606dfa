/* Data-driven tests of the source modules: every tests/data/pages/NAME.page
 * (a small header block, a blank line, then the body bytes) must give exactly
 * the rows in NAME.expect (record type, then the row without its four
 * provenance columns) on the automatic path, on the DOM path alone and under
 * --verify with no disagreement; and, when NAME.links exists, exactly those
 * discover() links (method, kind, published_at, url, post body).
 *
 * Page header keys: url, method, request-body, status, content-type, date
 * (unix seconds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_rows.h"
#include "gr_source.h"
#include "gr_util.h"

#ifndef GR_DEFAULT_SHARE
#define GR_DEFAULT_SHARE "."
#endif

static char data_dir[4096];

struct fixture {
    char name[256];
    char *raw;              /* whole .page file */
    size_t raw_len;
    char url[4096], method[16], ctype[256];
    char *req_body;
    int status;
    int64_t date;
    const char *body;
    size_t body_len;
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        p = malloc((size_t)n + 1);
        if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
            p[n] = '\0';
            if (len)
                *len = (size_t)n;
        } else {
            free(p);
            p = NULL;
        }
    }
    fclose(f);
    return p;
}

static bool load_fixture(struct fixture *fx)
{
    char path[8192];
    char *p, *end;

    snprintf(path, sizeof path, "%s/%s.page", data_dir, fx->name);
    fx->raw = slurp(path, &fx->raw_len);
    if (!fx->raw)
        return false;
    snprintf(fx->method, sizeof fx->method, "GET");
    fx->status = 200;
    fx->date = 1412496000;
    p = fx->raw;
    end = fx->raw + fx->raw_len;
    while (p < end && *p != '\n') {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *colon;
        if (!nl)
            nl = end;
        *nl = '\0';
        colon = strchr(p, ':');
        if (colon) {
            char *v = colon + 1;
            *colon = '\0';
            while (*v == ' ')
                v++;
            if (!strcmp(p, "url"))
                snprintf(fx->url, sizeof fx->url, "%s", v);
            else if (!strcmp(p, "method"))
                snprintf(fx->method, sizeof fx->method, "%s", v);
            else if (!strcmp(p, "request-body"))
                fx->req_body = v;
            else if (!strcmp(p, "status")) {
                int64_t st = 0;
                fx->status = gr_parse_i64(v, &st) ? (int)st : 0;
            }
            else if (!strcmp(p, "content-type"))
                snprintf(fx->ctype, sizeof fx->ctype, "%s", v);
            else if (!strcmp(p, "date"))
                gr_parse_i64(v, &fx->date);
        }
        p = nl + 1;
    }
    if (p < end && *p == '\n')
        p++;
    fx->body = p;
    fx->body_len = (size_t)(end - p);
    return true;
}

static void page_of(const struct fixture *fx, struct gr_page *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->url = fx->url;
    pg->method = fx->method;
    pg->request_body = fx->req_body;
    pg->request_len = fx->req_body ? strlen(fx->req_body) : 0;
    pg->status = fx->status;
    pg->content_type = fx->ctype[0] ? fx->ctype : NULL;
    pg->body = fx->body;
    pg->len = fx->body_len;
    pg->fetched_at = fx->date;
    pg->warc_file = "fixture.warc.gz";
    pg->warc_offset = 0;
}

/* "type<TAB>row-without-provenance" lines of all the rows, in type order. */
static void render(const struct gr_rows *rows, struct gr_buf *out)
{
    for (int t = 0; t < GR_REC_COUNT; t++) {
        const char *p = rows->b[t].data ? rows->b[t].data : "";
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            size_t cut = n;
            /* drop the four provenance columns */
            for (int k = 0; k < 4 && cut > 0; k++) {
                while (cut > 0 && p[cut - 1] != '\t')
                    cut--;
                if (cut > 0)
                    cut--;
            }
            gr_buf_printf(out, "%s\t%.*s\n", gr_rec_name((enum gr_rec_type)t), (int)cut, p);
            p += n + (nl ? 1 : 0);
        }
    }
}

static void check_rows(struct fixture *fx, enum gr_extract_mode mode, const char *expect, const char *label)
{
    struct gr_page pg;
    struct gr_rows rows;
    struct gr_extract_result res;
    struct gr_buf got;

    page_of(fx, &pg);
    gr_rows_init(&rows, 64u << 20);
    gr_buf_init(&got, 64u << 20);
    assert_int_equal(gr_source_extract(&pg, mode, &rows, &res), GR_OK);
    render(&rows, &got);
    if (strcmp(got.data ? got.data : "", expect) != 0) {
        print_error("%s (%s): rows differ\n--- expected\n%s--- got\n%s---\n", fx->name, label, expect,
                    got.data ? got.data : "");
        fail();
    }
    if (mode == GR_EXTRACT_VERIFY && res.disagree) {
        print_error("%s: fast and DOM paths disagree: %s\n", fx->name, res.reason);
        fail();
    }
    gr_rows_free(&rows);
    gr_buf_free(&got);
}

static void check_links(struct fixture *fx, const char *expect)
{
    struct gr_page pg;
    struct gr_links l;
    struct gr_buf got;

    page_of(fx, &pg);
    gr_links_init(&l);
    gr_buf_init(&got, 16u << 20);
    assert_int_equal(gr_source_discover(&pg, &l), GR_OK);
    for (size_t i = 0; i < l.n; i++)
        gr_buf_printf(&got, "%s\t%s\t%lld\t%s\t%s\n", l.v[i].method, l.v[i].kind, (long long)l.v[i].published_at,
                      l.v[i].url, l.v[i].post_body ? l.v[i].post_body : "");
    if (strcmp(got.data ? got.data : "", expect) != 0) {
        print_error("%s: links differ\n--- expected\n%s--- got\n%s---\n", fx->name, expect, got.data ? got.data : "");
        fail();
    }
    gr_links_free(&l);
    gr_buf_free(&got);
}

static void test_fixture(void **state)
{
    struct fixture *fx = *state;
    char path[8192];
    char *expect, *links;

    assert_true(load_fixture(fx));
    snprintf(path, sizeof path, "%s/%s.expect", data_dir, fx->name);
    expect = slurp(path, NULL);
    if (!expect) {
        print_error("%s: missing\n", path);
        fail();
    }
    check_rows(fx, GR_EXTRACT_AUTO, expect, "auto");
    check_rows(fx, GR_EXTRACT_DOM, expect, "dom");
    check_rows(fx, GR_EXTRACT_VERIFY, expect, "verify");
    snprintf(path, sizeof path, "%s/%s.links", data_dir, fx->name);
    links = slurp(path, NULL);
    if (links)
        check_links(fx, links);
    free(links);
    free(expect);
    free(fx->raw);
    fx->raw = NULL;
}

/* The registry answers kinds for the URLs of every site (the crawler relies on these). */
static void test_kinds(void **state)
{
    static const struct {
        const char *url, *method, *kind, *source;
    } k[] = {
        { "http://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA4ODUzNjAxOA==&scene=124", "GET", "wechat_home", "wechat" },
        { "http://mp.weixin.qq.com/mp/profile_ext?action=getmsg&__biz=MzA4ODUzNjAxOA==&f=json&offset=10", "GET", "wechat_getmsg", "wechat" },
        { "http://mp.weixin.qq.com/s?__biz=MzA4ODUzNjAxOA==&mid=2671068104&idx=7&sn=abc#rd", "GET", "wechat_article", "wechat" },
        { "https://mp.weixin.qq.com/s/vikH4CYh0Ao7gb2Z-59zIQ", "GET", "wechat_article", "wechat" },
        { "http://mp.weixin.qq.com/mp/getappmsgext", "POST", "wechat_stats", "wechat" },
        { "http://mp.weixin.qq.com/mp/getappmsgext?appmsg_token=x&x5=0", "POST", "wechat_stats", "wechat" },
        { "http://open.t.qq.com/api/user/other_info?format=json&name=gov", "GET", "weibo_user", "tqq" },
        { "http://open.t.qq.com/api/statuses/user_timeline?format=json&name=gov&reqnum=70", "GET", "weibo_timeline", "tqq" },
        { "http://zhushou.360.cn/detail/index/soft_id/1000001", "GET", "app_listing", "360" },
        { "http://apk.91.com/Soft/Android/com.tencent.mm-462-5.3.1.67_r745169.html", "GET", "app_listing", "91" },
        { "http://sj.qq.com/myapp/detail.htm?apkName=com.tencent.mm", "GET", "app_listing", "yyb" },
        { "http://shouji.baidu.com/software/7000001.html", "GET", "app_listing", "baidu" },
        { "http://www.wandoujia.com/apps/com.tencent.mm", "GET", "app_listing", "wandoujia" },
        { "http://itunes.apple.com/lookup?id=400000001&country=cn", "GET", "app_listing", "appstore" },
        { "http://weixin.sogou.com/weixin?type=1&query=%E5%85%AC%E5%AE%89&page=2", "GET", "sogou_search", "sogou" },
        { "http://weixin.sogou.com/weixin?query=x&type=1&page=2&ie=utf8", "GET", "sogou_search", "sogou" },
        { "http://weixin.sogou.com/weixin?type=2&query=x", "GET", NULL, NULL },
        { "http://weixin.sogou.com/antispider/?from=%2Fweixin%3Ftype%3D1", "GET", "sogou_antispider", "sogou" },
        { "http://mp.weixin.qq.com/profile?src=3&timestamp=1412150400&ver=1&signature=5bd1", "GET", "sogou_profile", "sogou_profile" },
        { "http://mp.weixin.qq.com/s?timestamp=1412150400&src=3&ver=1&signature=5bd1", "GET", "sogou_article", "sogou_profile" },
        { "http://example.com/", "GET", NULL, NULL },
        { "http://mp.weixin.qq.com/robots.txt", "GET", NULL, NULL },
    };
    (void)state;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        const char *kind = gr_source_kind(k[i].url, k[i].method);
        const char *src = gr_source_name(gr_source_find(k[i].url));
        if ((kind == NULL) != (k[i].kind == NULL) || (kind && strcmp(kind, k[i].kind) != 0) ||
            (src == NULL) != (k[i].source == NULL) || (src && strcmp(src, k[i].source) != 0)) {
            print_error("%s: kind [%s] source [%s], want [%s] [%s]\n", k[i].url, kind ? kind : "NULL",
                        src ? src : "NULL", k[i].kind ? k[i].kind : "NULL", k[i].source ? k[i].source : "NULL");
            fail();
        }
    }
}

/* A page nobody owns, and hostile bytes, give a reject row, not a crash. */
static void test_reject_unowned(void **state)
{
    struct gr_page pg;
    struct gr_rows rows;
    struct gr_extract_result res;

    (void)state;
    memset(&pg, 0, sizeof pg);
    pg.url = "http://example.com/x";
    pg.method = "GET";
    pg.status = 200;
    pg.body = "hello";
    pg.len = 5;
    pg.warc_file = "w.warc.gz";
    pg.warc_offset = 42;
    pg.fetched_at = 1412496000;
    gr_rows_init(&rows, 1u << 20);
    assert_int_equal(gr_source_extract(&pg, GR_EXTRACT_AUTO, &rows, &res), GR_OK);
    assert_true(res.rejected);
    assert_int_equal(rows.n[GR_REC_PARSE_REJECT], 1);
    assert_string_equal(rows.b[GR_REC_PARSE_REJECT].data,
                        "\\N\tno source owns this URL\tw.warc.gz\t42\thttp://example.com/x\t2014-10-05T08:00:00Z\n");
    gr_rows_free(&rows);
}

/* Sogou's anti-spider answers are "retry later", never a page: the 302 to
 * /antispider/ and the captcha form served in place; a result page and the
 * no-results page are not. */
static void test_blocked(void **state)
{
    static const char captcha[] = "<form name=\"authform\"><label>请输入验证码：</label></form>";
    static const char noresult[] = "<div id=\"noresult_part1_container\"><p>暂无与“x”相关的官方认证订阅号。</p></div>";
    struct gr_page pg;
    char why[256];

    (void)state;
    memset(&pg, 0, sizeof pg);
    pg.url = "http://weixin.sogou.com/weixin?type=1&query=x&page=1";
    pg.status = 302;
    assert_true(gr_source_blocked(&pg, "http://weixin.sogou.com/antispider/?from=%2Fweixin", why, sizeof why));
    assert_string_equal(why, "anti-spider redirect to http://weixin.sogou.com/antispider/?from=%2Fweixin");
    assert_false(gr_source_blocked(&pg, "http://weixin.sogou.com/weixin?type=1&query=x&page=1&ie=utf8", why, sizeof why));
    pg.status = 200;
    pg.body = captcha;
    pg.len = sizeof captcha - 1;
    assert_true(gr_source_blocked(&pg, NULL, why, sizeof why));
    pg.body = noresult;
    pg.len = sizeof noresult - 1;
    assert_false(gr_source_blocked(&pg, NULL, why, sizeof why));
    /* a site without an anti-spider hook */
    pg.url = "http://zhushou.360.cn/detail/index/soft_id/1";
    pg.body = captcha;
    pg.len = sizeof captcha - 1;
    assert_false(gr_source_blocked(&pg, NULL, why, sizeof why));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    const char *top = getenv("GR_TOP");
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct CMUnitTest *tests;
    struct fixture *fx;
    int rc;

    snprintf(data_dir, sizeof data_dir, "%s/tests/data/pages", top && *top ? top : GR_DEFAULT_SHARE);
    d = opendir(data_dir);
    if (!d) {
        fprintf(stderr, "test_sources: cannot open %s\n", data_dir);
        return 1;
    }
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".page") == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                names = realloc(names, cap * sizeof *names);
            }
            names[n++] = strndup(e->d_name, l - 5);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    tests = calloc(n + 3, sizeof *tests);
    fx = calloc(n, sizeof *fx);
    tests[0] = (struct CMUnitTest)cmocka_unit_test(test_kinds);
    tests[1] = (struct CMUnitTest)cmocka_unit_test(test_reject_unowned);
    tests[2] = (struct CMUnitTest)cmocka_unit_test(test_blocked);
    for (size_t i = 0; i < n; i++) {
        snprintf(fx[i].name, sizeof fx[i].name, "%s", names[i]);
        tests[i + 3].name = fx[i].name;
        tests[i + 3].test_func = test_fixture;
        tests[i + 3].initial_state = &fx[i];
    }
    rc = _cmocka_run_group_tests("sources", tests, n + 3, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(tests);
    free(fx);
    return rc;
}
