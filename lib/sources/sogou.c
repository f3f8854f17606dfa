/* Sogou WeChat account search (weixin.sogou.com), the discovery source of
 * issue 16: the result pages of weixin?type=1&query=Q&page=N and Sogou's
 * anti-spider page. One discovered_account row per result: the account
 * name (the query's <em><!--red_beg-->...<!--red_end--></em> highlighting
 * removed), its WeChat id (微信号), 功能介绍, 微信认证 (absent: not
 * verified), the 最近文章 link and its time (timeConvert('unix seconds')),
 * and the temporary profile link; the query and page come from the URL, the
 * rank from the result's position. Markup as research/sources.md 1.5 gives
 * the 2017+ page (ul.news-list2 > li[d=openid], label[name=em_weixinhao]).
 *
 * Three answers a search can get, kept apart because they mean different
 * things to the registry:
 *   - results: rows;
 *   - no results (div#noresult_part1_container, 暂无与“Q”相关的官方认证订阅号):
 *     no rows and no reject, a query that finds nothing;
 *   - the anti-spider page (a 302 to /antispider/?from=..., or the captcha
 *     form 请输入验证码 served in place): never a page without results. The
 *     crawler asks blocked() and retries the URL later with the host's
 *     backoff; the parser rejects the page ("anti-spider verification"), so
 *     no result count is ever taken from it.
 *
 * Queries are seeded from target rows of table sogou_query (key: the query
 * text, `loader candidates queries`); the URL is built here, in one place
 * (query_url), for the seeds and for the next-page links discover() follows
 * (one canonical URL per query and page, so the frontier fetches each once).
 * discover() also follows each result's profile and latest-article links
 * (lib/sources/sogou_profile.c): the article page reveals the __biz. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_source_impl.h"
#include "gr_url.h"
#include "gr_util.h"

#define SOGOU_ORIGIN "http://weixin.sogou.com"

static const struct gr_url_pattern patterns[] = {
    { "^https?://weixin\\.sogou\\.com/weixin\\?(?:[^#]*&)?type=1(?:[&#]|$)", "sogou_search", NULL },
    { "^https?://weixin\\.sogou\\.com/antispider(?:[/?#]|$)", "sogou_antispider", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_noresult = GR__RE("id=\"noresult_part1_container\"", 0);
static struct gr__re re_list = GR__RE("<ul\\s+class=\"news-list2\"", 0);
static struct gr__re re_captcha = GR__RE("请输入验证码|name=\"authform\"|您的访问过于频繁", 0);
static struct gr__re re_item = GR__RE("<li\\s[^>]*\\bid=\"sogou_vr_\\d+_box_\\d+\"[^>]*>(.*?)</li>", PCRE2_DOTALL);
static struct gr__re re_tit =
    GR__RE("<p\\s+class=\"tit\"\\s*>\\s*<a\\s[^>]*\\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", PCRE2_DOTALL);
static struct gr__re re_wxid = GR__RE("<label\\s+name=\"em_weixinhao\"\\s*>(.*?)</label>", PCRE2_DOTALL);
static struct gr__re re_desc = GR__RE("<dt>\\s*功能介绍(?::|：)?\\s*</dt>\\s*<dd>(.*?)</dd>", PCRE2_DOTALL);
static struct gr__re re_body = GR__RE("<dt>\\s*微信认证(?::|：)?\\s*</dt>\\s*<dd>(.*?)</dd>", PCRE2_DOTALL);
static struct gr__re re_latest =
    GR__RE("<dt>\\s*最近文章(?::|：)?\\s*</dt>\\s*<dd>\\s*<a\\s[^>]*\\bhref=\"([^\"]*)\"[^>]*>(.*?)</a>", PCRE2_DOTALL);
static struct gr__re re_time = GR__RE("timeConvert\\('(\\d{1,12})'\\)", 0);
static struct gr__re re_next = GR__RE("<a\\s[^>]*\\bid=\"sogou_next\"[^>]*\\bhref=\"([^\"]*)\"", 0);

/* The one URL of a query's page n: type=1 first, the query percent-encoded
 * (every byte but A-Za-z0-9-_.~), so a seed and a next-page link agree. */
static enum gr_rc query_url(const char *query, size_t qlen, long page, struct gr_buf *out)
{
    enum gr_rc rc = gr_buf_appends(out, SOGOU_ORIGIN "/weixin?type=1&query=");
    for (size_t i = 0; i < qlen && !rc; i++) {
        unsigned char c = (unsigned char)query[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~')
            rc = gr_buf_appendc(out, (char)c);
        else
            rc = gr_buf_printf(out, "%%%02X", c);
    }
    if (!rc)
        rc = gr_buf_printf(out, "&page=%ld", page);
    return rc;
}

/* seed(): a sogou_query target row (key: the query text) seeds page 1. */
static enum gr_rc sogou_seed(const struct gr_source *src, const struct gr_target *t, struct gr_seeds *out)
{
    struct gr_buf u;
    enum gr_rc rc;
    if (strcmp(t->table, "sogou_query") != 0 || !t->key || !*t->key)
        return GR_OK;
    gr_buf_init(&u, 64 * 1024);
    rc = query_url(t->key, strlen(t->key), 1, &u);
    if (!rc)
        rc = gr_seeds_add(out, src, u.data, t->key);
    gr_buf_free(&u);
    return rc;
}

/* The page number of a result page URL (page=N, 1 when absent or bad). */
static long page_of(const char *url)
{
    struct gr_buf t;
    int64_t v = 1;
    gr_buf_init(&t, 64);
    if (!gr__query_param(url, "page", &t) || !t.len || !gr_parse_i64(t.data, &v) || v < 1 || v > 1000)
        v = 1;
    gr_buf_free(&t);
    return (long)v;
}

/* Group g of match ov as HTML text into out (reset first). */
static enum gr_rc group_text(const char *s, const size_t *ov, int g, struct gr_buf *out)
{
    gr_buf_reset(out);
    if (ov[2 * g] == SIZE_MAX)
        return GR_OK;
    return gr__html_text(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], out);
}

/* Group g of match ov, an href: entities decoded, made absolute against
 * base; NULL when absent. Owned by the caller. */
static char *group_href(const char *s, const size_t *ov, int g, const char *base)
{
    struct gr_buf h;
    char *abs = NULL;
    if (ov[2 * g] == SIZE_MAX)
        return NULL;
    gr_buf_init(&h, 64 * 1024);
    if (!gr__html_unescape(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], &h) && h.len)
        abs = gr_url_resolve(base, h.data);
    gr_buf_free(&h);
    return abs;
}

static bool captcha(const char *s, size_t n)
{
    size_t ov[2];
    return gr__re_match(&re_captcha, s, n, 0, ov, 1) > 0;
}

static bool sogou_blocked(const struct gr_page *page, const char *location, char *why, size_t why_len)
{
    char path[8192] = "";   /* path and query */
    if (location && page->status >= 300 && page->status < 400 && gr_url_path(location, path, sizeof path) &&
        !strncmp(path, "/antispider", 11)) {
        snprintf(why, why_len, "anti-spider redirect to %.200s", location);
        return true;
    }
    if (page->status >= 200 && page->status < 300 && gr_url_path(page->url, path, sizeof path) &&
        (!strncmp(path, "/weixin?", 8) || !strcmp(path, "/weixin")) && page->body && captcha(page->body, page->len)) {
        snprintf(why, why_len, "anti-spider verification page (请输入验证码)");
        return true;
    }
    return false;
}

struct result {
    struct gr_buf name, wxid, desc, body, title;
    char *profile, *latest;
    int64_t at;
    bool have_at;
};

static void result_init(struct result *r)
{
    memset(r, 0, sizeof *r);
    gr_buf_init(&r->name, 4096);
    gr_buf_init(&r->wxid, 1024);
    gr_buf_init(&r->desc, 16384);
    gr_buf_init(&r->body, 4096);
    gr_buf_init(&r->title, 4096);
}

static void result_free(struct result *r)
{
    gr_buf_free(&r->name);
    gr_buf_free(&r->wxid);
    gr_buf_free(&r->desc);
    gr_buf_free(&r->body);
    gr_buf_free(&r->title);
    free(r->profile);
    free(r->latest);
    r->profile = r->latest = NULL;
}

/* Reads the result li[s..e) into r (reset first). */
static enum gr_rc result_read(const char *s, size_t n, const char *base, struct result *r)
{
    size_t ov[6];
    enum gr_rc rc = GR_OK;
    free(r->profile);
    free(r->latest);
    r->profile = r->latest = NULL;
    r->have_at = false;
    gr_buf_reset(&r->name);
    gr_buf_reset(&r->wxid);
    gr_buf_reset(&r->desc);
    gr_buf_reset(&r->body);
    gr_buf_reset(&r->title);
    if (gr__re_match(&re_tit, s, n, 0, ov, 3) > 0) {
        r->profile = group_href(s, ov, 1, base);
        rc = group_text(s, ov, 2, &r->name);
    }
    if (!rc && gr__re_match(&re_wxid, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &r->wxid);
    if (!rc && gr__re_match(&re_desc, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &r->desc);
    if (!rc && gr__re_match(&re_body, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &r->body);
    if (!rc && gr__re_match(&re_latest, s, n, 0, ov, 3) > 0) {
        r->latest = group_href(s, ov, 1, base);
        rc = group_text(s, ov, 2, &r->title);
    }
    if (!rc && gr__re_match(&re_time, s, n, 0, ov, 2) > 0)
        r->have_at = gr_parse_i64n(s + ov[2], ov[3] - ov[2], &r->at);
    return rc;
}

static const char *nz(const struct gr_buf *b) { return b->len ? b->data : NULL; }

/* One path for both (the result blocks are matched with bounded regexes over
 * the page; the DOM would give the same fields with more work). */
static enum gr_rc sogou_extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out,
                                bool *decided, char *reason, size_t rlen)
{
    const char *s = doc->text;
    size_t n = doc->len, pos = 0, ov[4];
    struct gr_buf query;
    struct result r;
    long page, rank = 0;
    enum gr_rc rc = GR_OK;
    (void)path;

    *decided = true;
    if (!strcmp(doc->kind, "sogou_antispider") || captcha(s, n)) {
        snprintf(reason, rlen, "anti-spider verification page (请输入验证码): not a result page; the search is retried");
        return GR_EDATA;
    }
    if (gr__re_match(&re_noresult, s, n, 0, ov, 1) > 0)
        return GR_OK;   /* no results: no rows, not a reject */
    if (gr__re_match(&re_list, s, n, 0, ov, 1) <= 0) {
        snprintf(reason, rlen, "not a Sogou account result page: no ul.news-list2 and no div#noresult_part1_container");
        return GR_EDATA;
    }
    gr_buf_init(&query, 4096);
    if (!gr__query_param(doc->page->url, "query", &query) || !query.len) {
        snprintf(reason, rlen, "result page URL has no query parameter");
        gr_buf_free(&query);
        return GR_EDATA;
    }
    page = page_of(doc->page->url);
    result_init(&r);
    for (int m; !rc && (m = gr__re_match(&re_item, s, n, pos, ov, 2)) > 0; pos = ov[1]) {
        struct gr_row row;
        rank++;
        rc = result_read(s + ov[2], ov[3] - ov[2], doc->page->url, &r);
        if (rc)
            break;
        if (!r.wxid.len || !r.name.len) {
            snprintf(reason, rlen, "result %ld has no %s", rank, r.wxid.len ? "account name" : "WeChat id (微信号)");
            rc = GR_EDATA;
            break;
        }
        gr_row_begin(&row, out, GR_REC_DISCOVERED_ACCOUNT);
        gr_row_text(&row, query.data, query.len);
        gr_row_i64(&row, page);
        gr_row_i64(&row, rank);
        gr_row_str(&row, r.wxid.data);
        gr_row_str(&row, r.name.data);
        gr_row_str(&row, nz(&r.body));
        gr_row_str(&row, nz(&r.desc));
        gr_row_str(&row, nz(&r.title));
        gr_row_str(&row, r.latest);
        if (r.have_at)
            gr_row_time(&row, r.at);
        else
            gr_row_null(&row);
        gr_row_str(&row, r.profile);
        gr_row_null(&row);   /* a result page never shows the __biz */
        rc = gr_row_end(&row, doc->page);
    }
    if (!rc && rank == 0) {
        snprintf(reason, rlen, "result list without results (neither results nor the no-results notice)");
        rc = GR_EDATA;
    }
    result_free(&r);
    gr_buf_free(&query);
    return rc;
}

static enum gr_rc sogou_discover(const struct gr_page *page, const char *kind, struct gr_links *out)
{
    const char *s = page->body;
    size_t n = page->len, pos = 0, ov[4];
    struct result r;
    enum gr_rc rc = GR_OK;

    if (strcmp(kind, "sogou_search") != 0 || captcha(s, n))
        return GR_OK;
    result_init(&r);
    for (int m; !rc && (m = gr__re_match(&re_item, s, n, pos, ov, 2)) > 0; pos = ov[1]) {
        rc = result_read(s + ov[2], ov[3] - ov[2], page->url, &r);
        if (!rc && r.profile && gr_source_kind(r.profile, "GET"))
            rc = gr_links_add(out, r.profile, "GET", NULL, gr_source_kind(r.profile, "GET"), 0);
        if (!rc && r.latest && gr_source_kind(r.latest, "GET"))
            rc = gr_links_add(out, r.latest, "GET", NULL, gr_source_kind(r.latest, "GET"), 0);
    }
    result_free(&r);
    if (!rc && gr__re_match(&re_next, s, n, 0, ov, 2) > 0) {
        /* the next page, rebuilt in the canonical form of query_url */
        char *next = group_href(s, ov, 1, page->url);
        struct gr_buf q, u;
        gr_buf_init(&q, 4096);
        gr_buf_init(&u, 64 * 1024);
        if (next && gr__query_param(next, "query", &q) && q.len && page_of(next) > page_of(page->url)) {
            rc = query_url(q.data, q.len, page_of(next), &u);
            if (!rc)
                rc = gr_links_add(out, u.data, "GET", NULL, "sogou_search", 0);
        }
        free(next);
        gr_buf_free(&q);
        gr_buf_free(&u);
    }
    return rc;
}

static const char *const hosts[] = { "weixin.sogou.com", NULL };

/* A search is made once (seeding it again adds nothing); to search again,
 * give its results a recrawl interval. The anti-spider page is never done
 * (a blocked outcome, retried), so it has no interval of its own. */
static const struct gr_kind sogou_kinds[] = {
    { "sogou_search", "0", false, "Sogou account search result page recrawl interval (0 = never: each query searched once)" },
    { "sogou_antispider", NULL, false, NULL },
    { NULL, NULL, false, NULL },
};

const struct gr_source gr_source_sogou = {
    .name = "sogou",
    .kinds = sogou_kinds,
    .patterns = patterns,
    .seed = sogou_seed,
    .hosts = hosts,
    .discover = sogou_discover,
    .extract = sogou_extract,
    .blocked = sogou_blocked,
};
